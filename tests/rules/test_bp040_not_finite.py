"""BP040: `.inf`, `.nan` and literals past a double never reach jsii ("Infinity is not valid JSON")."""

import pytest

from tests.blueprint_factory import DELETE, check, codes, patched, to_yaml
from tests.fleet_factory import ENDPOINT, FLEET

AT = "spec.endpoints[0]"


def fleet_with(endpoint_patch):
    endpoint = patched(endpoint_patch, base=ENDPOINT)
    return check(to_yaml(patched({"spec": {"endpoints": [endpoint]}}, base=FLEET)))


@pytest.mark.parametrize("literal", [".inf", "-.inf", ".nan", ".NaN", "1e400", "-1e999"])
@pytest.mark.parametrize(
    "field, patch",
    [
        ("autoscaling.invocations_per_instance", lambda v: {"autoscaling": {"invocations_per_instance": v}}),
        ("alarms.latency_p99_ms", lambda v: {"alarms": {"latency_p99_ms": v}}),
        ("variants[0].weight", lambda v: {"variants": [{"name": "blue", "model": {"artifact": "m.tar.gz"}, "weight": v}]}),
    ],
)
def test_non_finite_numbers_are_bp040(literal, field, patch):
    text = to_yaml(patched({"spec": {"endpoints": [patched(patch("@@"), base=ENDPOINT)]}}, base=FLEET))
    report = check(text.replace("'@@'", literal))
    assert codes(report) == [("BP040", f"{AT}.{field}")]


@pytest.mark.parametrize(
    "patch, field",
    [
        ({"autoscaling": {"invocations_per_instance": 1e306}}, "autoscaling.invocations_per_instance"),
        ({"autoscaling": {"invocations_per_instance": 6_000_001}}, "autoscaling.invocations_per_instance"),
        ({"autoscaling": {"invocations_per_instance": DELETE, "backlog_per_instance": 1e306}}, "autoscaling.backlog_per_instance"),
        ({"autoscaling": {"step": {"metric": "model_latency", "above": 1e306}}}, "autoscaling.step.above"),
        ({"alarms": {"latency_p99_ms": 3_600_001}}, "alarms.latency_p99_ms"),
    ],
)
def test_every_number_has_a_finite_maximum(patch, field):
    assert ("BP024", f"{AT}.{field}") in codes(fleet_with(patch))


def test_schema_number_fields_all_have_a_maximum():
    """An audit that cannot go stale: every number or integer field states a finite maximum or an enum."""
    import json

    from mlblueprints.schema_check import schema_text

    missing = []

    def walk(node, path):
        if isinstance(node, dict):
            if node.get("type") in ("number", "integer") and "maximum" not in node and "enum" not in node:
                missing.append(path)
            for key, child in node.items():
                walk(child, f"{path}/{key}")
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, f"{path}/{index}")

    walk(json.loads(schema_text()), "")
    assert missing == []
