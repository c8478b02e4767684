import pytest

from tests.fleet_factory import DELETE, check_fleet, only

AT = "spec.endpoints[0].autoscaling.invocations_per_instance"


@pytest.mark.parametrize(
    "target, expected",
    [
        pytest.param(5, [("BP308", AT)], id="looks-per-second"),
        pytest.param(9.5, [("BP308", AT)], id="just-below"),
        pytest.param(10, [], id="threshold"),
        pytest.param(300, [], id="per-minute"),
    ],
)
def test_bp308(target, expected):
    assert only(check_fleet({"autoscaling": {"invocations_per_instance": target}}), "BP308") == expected


def test_rps_wording_is_never_suspicious():
    patch = {"autoscaling": {"invocations_per_instance": DELETE, "max_rps_per_instance": 2}}
    assert only(check_fleet(patch), "BP308") == []


def test_hint_offers_the_rps_wording_and_the_formula():
    report = check_fleet({"autoscaling": {"invocations_per_instance": 5}})
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP308"]
    assert diagnostic.level.value == "warning"
    assert "max_rps_per_instance: 5" in diagnostic.hint and "x 60 x safety_factor" in diagnostic.hint


def test_can_be_suppressed_with_a_reason():
    from tests.blueprint_factory import check, to_yaml

    from tests.fleet_factory import fleet

    document = fleet({"autoscaling": {"invocations_per_instance": 4}})
    document["metadata"]["suppress"] = [{"rule": "BP308", "reason": "70B generations take 15 s each at batch 1"}]
    assert [d.code for d in check(to_yaml(document)).diagnostics] == []
