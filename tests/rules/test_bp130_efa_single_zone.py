import pytest

from tests.blueprint_factory import check_patch, codes

P4D_TWO = {"instance": {"type": "p4d.24xlarge"}, "nodes": {"min": 0, "desired": 2, "max": 2}}
TWO_ZONES = {"availability_zones": ["us-east-1a", "us-east-1b"]}


@pytest.mark.parametrize(
    "spec, expected",
    [
        pytest.param(P4D_TWO, [], id="p4d-default-one-zone"),
        pytest.param({**P4D_TWO, **TWO_ZONES}, [("BP130", "spec.availability_zones")], id="p4d-two-zones"),
        pytest.param({**P4D_TWO, **TWO_ZONES, "efa": False}, [], id="explicit-opt-out"),
        pytest.param({**P4D_TWO, "nodes": {"min": 0, "desired": 1, "max": 1}, **TWO_ZONES}, [], id="single-node"),
        pytest.param({"instance": {"type": "p5.48xlarge"}, "nodes": {"min": 0, "desired": 4, "max": 4}, **TWO_ZONES},
                     [("BP130", "spec.availability_zones")], id="four-p5-two-zones"),
        pytest.param(TWO_ZONES, [], id="g5-2xlarge-has-no-efa"),
        pytest.param({"instance": {"type": "g6.12xlarge"}, "nodes": {"min": 0, "desired": 2, "max": 8},
                      "availability_zones": ["us-east-1a", "us-east-1b", "us-east-1c"]},
                     [("BP130", "spec.availability_zones")], id="g6-12xlarge-has-one-efa"),
    ],
)
def test_bp130(spec, expected):
    assert [c for c in codes(check_patch({"spec": spec})) if c[0] == "BP130"] == expected
