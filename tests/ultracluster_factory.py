"""Build UltraCluster documents for tests: a valid base (no findings) plus a patch, validated in memory."""

from __future__ import annotations

from mlblueprints.pipeline import Report
from tests.blueprint_factory import DELETE, check, codes, patched, to_yaml

__all__ = ["BASE", "DELETE", "HYPERPOD", "check_ultra", "codes", "fsx", "only", "ultra"]

#: Two p4d.24xlarge nodes on AWS Batch with a 4,800 GiB FSx at 500 MB/s/TiB: no findings.
BASE = {
    "apiVersion": "mlblueprints/v1",
    "kind": "UltraCluster",
    "metadata": {"name": "unit", "owner": "ml@example.com"},
    "spec": {
        "region": "us-east-1",
        "availability_zone": "us-east-1a",
        "instance": {"type": "p4d.24xlarge"},
        "nodes": 2,
        "container": {"framework": "pytorch", "version": "2.6"},
        "storage": {"fsx": {"storage_capacity_gib": 4800, "throughput_per_tib": 500}},
    },
}

#: The same cluster on SageMaker HyperPod.
HYPERPOD = {"spec": {"orchestrator": "hyperpod", "instance": {"type": "ml.p4d.24xlarge"}, "container": DELETE}}


def ultra(patch: dict | None = None) -> dict:
    return patched(patch, base=BASE)


def check_ultra(patch: dict | None = None) -> Report:
    return check(to_yaml(ultra(patch)))


def only(report: Report, code: str) -> list[tuple[str, str]]:
    """(code, path) of the diagnostics of one rule: what each rule's table asserts on."""
    return [c for c in codes(report) if c[0] == code]


def fsx(**fields) -> dict:
    """A patch that replaces the base file system with ``fields`` (patches merge key by key)."""
    return {"storage_capacity_gib": DELETE, "throughput_per_tib": DELETE, **fields}
