"""Rules about FSx for Lustre."""

from __future__ import annotations

import functools
import json
from importlib import resources

from mlblueprints import efa
from mlblueprints.diagnostics import Level
from mlblueprints.rules.base import Finding, Rule


@functools.cache
def _lustre_limits() -> dict:
    return json.loads(resources.files("mlblueprints.data").joinpath("fsx_lustre.json").read_text())["deployment_types"]


def nearest_legal_sizes(limits: dict, size: int) -> tuple[int | None, int]:
    """The legal capacities just below and just above ``size``, for the hint."""
    step = limits["multiple_of"]
    below = [s for s in limits["allowed"] if s < size] + ([size // step * step] if size >= step else [])
    above = [s for s in limits["allowed"] if s > size] + [(size // step + 1) * step]
    return (max(below) if below else None), min(above)


class FsxCapacityAndThroughput(Rule):
    id = "BP105"
    level = Level.ERROR
    summary = "FSx for Lustre capacity and per-TiB throughput are legal for the deployment type"
    source_url = "https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystem.html"

    def check(self, blueprint, context):
        fsx = blueprint.spec.storage.fsx
        if fsx is None:
            return
        limits = _lustre_limits()[fsx.deployment_type]
        capacity = limits["capacity_gib"]
        size = fsx.storage_capacity_gib
        if size not in capacity["allowed"] and size % capacity["multiple_of"]:
            below, above = nearest_legal_sizes(capacity, size)
            yield Finding(
                ("spec", "storage", "fsx", "storage_capacity_gib"),
                f"{fsx.deployment_type} capacity must be "
                + " or ".join(str(a) for a in capacity["allowed"])
                + f" GiB or a multiple of {capacity['multiple_of']} GiB, not {size}",
                f"use {below} or {above}" if below else f"use {above}",
            )
        allowed = limits["throughput_per_tib"]
        throughput = fsx.throughput_per_tib
        if allowed is None and throughput is not None:
            yield Finding(
                ("spec", "storage", "fsx", "throughput_per_tib"),
                f"{fsx.deployment_type} has fixed throughput; `throughput_per_tib` applies to persistent types",
                "remove `throughput_per_tib`, or use PERSISTENT_2",
            )
        elif allowed is not None and throughput not in allowed:
            yield Finding(
                ("spec", "storage", "fsx", "throughput_per_tib" if throughput is not None else "deployment_type"),
                f"{fsx.deployment_type} throughput per TiB must be one of {', '.join(map(str, allowed))} MB/s"
                + (f", not {throughput}" if throughput is not None else ", and none is set"),
                f"set `throughput_per_tib:` to one of {', '.join(map(str, allowed))}",
            )


class FsxSingleZone(Rule):
    id = "BP109"
    level = Level.WARNING
    summary = "FSx for Lustre lives in one availability zone; nodes elsewhere pay cross-zone latency and traffic"
    source_url = "https://docs.aws.amazon.com/fsx/latest/LustreGuide/performance.html"

    def check(self, blueprint, context):
        spec = blueprint.spec
        if spec.storage.fsx is not None and not spec.availability_zones and _single_zone_efa(blueprint, context):
            return  # EFA nodes launch in the file system's subnet
        if spec.storage.fsx is not None and len(spec.availability_zones) != 1:
            yield Finding(
                ("spec", "storage", "fsx"),
                "the file system sits in one availability zone, but nodes may launch in "
                + (f"{len(spec.availability_zones)} zones" if spec.availability_zones else "any zone"),
                "pin the cluster with `availability_zones: [<one zone>]`",
            )


def _single_zone_efa(blueprint, context) -> bool:
    instance, nodes = context.instance(blueprint), context.nodes(blueprint)
    return (
        instance is not None and nodes is not None and efa.has_layout(instance)
        and efa.cluster_uses_efa(instance, nodes.max, blueprint.spec.efa)
    )
