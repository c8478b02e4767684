"""Build InferenceFleet documents for tests: a valid fleet of one endpoint, plus patches.

``spec.endpoints`` is a list, which ``patched`` replaces wholesale, so endpoints are
patched on their own (``endpoint(patch)``) and placed into a fleet (``fleet(...)``).
"""

from __future__ import annotations

from mlblueprints.pipeline import Report
from tests.blueprint_factory import DELETE, check, codes, patched, to_yaml

__all__ = ["DELETE", "ENDPOINT", "FLEET", "check_fleet", "codes", "endpoint", "fleet", "only"]

#: One realtime PyTorch endpoint on ml.g5.xlarge, two instances: no findings in a production fleet.
ENDPOINT = {
    "name": "chat",
    "mode": "realtime",
    "container": {"framework": "pytorch", "version": "2.6"},
    "instance_type": "ml.g5.xlarge",
    "variants": [{"name": "blue", "model": {"artifact": "chat/v1/model.tar.gz"}}],
    "autoscaling": {"min": 2, "max": 4, "invocations_per_instance": 120},
}

FLEET = {
    "apiVersion": "mlblueprints/v1",
    "kind": "InferenceFleet",
    "metadata": {"name": "unit", "owner": "ml@example.com"},
    "spec": {"region": "us-east-1", "endpoints": [ENDPOINT]},
}

SERVERLESS = {
    "mode": "serverless",
    "container": {"framework": "pytorch", "version": "2.6"},
    "instance_type": DELETE,
    "autoscaling": DELETE,
    "serverless": {"memory_mb": 2048, "max_concurrency": 10},
}

ASYNC = {
    "mode": "async",
    "async": {"output_path": "chat/async-out"},
    "autoscaling": {"min": 0, "max": 2, "invocations_per_instance": DELETE, "backlog_per_instance": 5},
}

MULTI_MODEL = {
    "mode": "multi-model",
    "instance_type": "ml.c5.xlarge",
    "variants": [{"name": "all", "model": {"prefix": "tenants/"}}],
}


def endpoint(patch: dict | None = None, base: dict = ENDPOINT) -> dict:
    return patched(patch, base)


def fleet(endpoint_patch: dict | None = None, spec_patch: dict | None = None, *, endpoints: list | None = None) -> dict:
    document = patched({"spec": spec_patch or {}}, FLEET)
    document["spec"]["endpoints"] = endpoints if endpoints is not None else [endpoint(endpoint_patch)]
    return document


def check_fleet(endpoint_patch: dict | None = None, spec_patch: dict | None = None, *, endpoints: list | None = None) -> Report:
    return check(to_yaml(fleet(endpoint_patch, spec_patch, endpoints=endpoints)))


def only(report: Report, code: str) -> list[tuple[str, str]]:
    return [c for c in codes(report) if c[0] == code]
