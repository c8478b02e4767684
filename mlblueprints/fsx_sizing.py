"""FSx for Lustre PERSISTENT_2 sizing: the smallest legal file system that feeds every accelerator.

A PERSISTENT_2 file system delivers ``capacity (TiB) x throughput per TiB``
MB/s of baseline throughput (FSx for Lustre User Guide, "Amazon FSx for
Lustre performance"; ``PerUnitStorageThroughput`` in
CreateFileSystemLustreConfiguration). Legal capacities are 1,200 GiB or a
multiple of 2,400 GiB; legal throughput tiers are 125, 250, 500 and
1,000 MB/s/TiB (``mlblueprints/data/fsx_lustre.json``).

Asked for ``throughput_per_gpu_mbps``, we need

    needed = nodes x accelerators per node x throughput_per_gpu_mbps   (MB/s)

and pick, over every tier t, the smallest legal capacity c with
``c / 1024 x t >= needed`` (and ``c >=`` any capacity the blueprint states as
a floor for its data). The smallest such c wins; on a tie, the lowest tier.
Higher tiers cost less per MB/s than more capacity at a lower tier
(FSx pricing is per GB-month by tier), so the smallest capacity is also the
cheapest way to meet the target.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from importlib import resources

DEPLOYMENT_TYPE = "PERSISTENT_2"
GIB_PER_TIB = 1024
#: The schema's upper bound for storage_capacity_gib (FSx CreateFileSystem StorageCapacity).
MAX_CAPACITY_GIB = 2_097_600


@functools.cache
def persistent2_limits() -> dict:
    doc = json.loads(resources.files("mlblueprints.data").joinpath("fsx_lustre.json").read_text())
    return doc["deployment_types"][DEPLOYMENT_TYPE]


@dataclass(frozen=True)
class LustreSize:
    capacity_gib: int
    throughput_per_tib: int

    @property
    def throughput_mbps(self) -> float:
        """Baseline throughput of the whole file system, MB/s."""
        return self.capacity_gib / GIB_PER_TIB * self.throughput_per_tib


class CannotSize(ValueError):
    """No legal PERSISTENT_2 file system meets the target."""


def is_legal_capacity(capacity_gib: int) -> bool:
    capacity = persistent2_limits()["capacity_gib"]
    return capacity_gib in capacity["allowed"] or capacity_gib % capacity["multiple_of"] == 0


def smallest_legal_capacity(at_least_gib: float) -> int:
    capacity = persistent2_limits()["capacity_gib"]
    fits = [c for c in capacity["allowed"] if c >= at_least_gib]
    step = capacity["multiple_of"]
    fits.append(max(step, math.ceil(at_least_gib / step) * step))
    return min(fits)


def size_for_throughput(needed_mbps: float, *, floor_gib: int = 0) -> LustreSize:
    """The smallest legal (capacity, tier) pair meeting ``needed_mbps``, at least ``floor_gib`` large."""
    candidates = []
    for tier in sorted(persistent2_limits()["throughput_per_tib"]):
        capacity = smallest_legal_capacity(max(floor_gib, needed_mbps * GIB_PER_TIB / tier))
        if capacity <= MAX_CAPACITY_GIB:
            candidates.append(LustreSize(capacity, tier))
    if not candidates:
        raise CannotSize(f"no PERSISTENT_2 file system delivers {needed_mbps:,.0f} MB/s")
    return min(candidates, key=lambda s: (s.capacity_gib, s.throughput_per_tib))
