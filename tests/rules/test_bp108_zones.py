import pytest

from tests.blueprint_factory import check_patch, codes

EXISTING = {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-0123456789abcdef0"]}


@pytest.mark.parametrize(
    "spec, expected",
    [
        pytest.param({"availability_zones": ["us-east-1a", "us-east-1b"]}, [], id="zones-of-region"),
        pytest.param({"availability_zones": ["us-west-2a"]}, [("BP108", "spec.availability_zones[0]")], id="foreign-zone"),
        pytest.param({"availability_zones": ["us-east-1a"], "network": EXISTING}, [], id="existing-vpc-one-subnet-per-zone"),
        pytest.param({"network": EXISTING}, [("BP108", "spec.network.subnet_ids")], id="existing-vpc-without-zones"),
    ],
)
def test_bp108(spec, expected):
    assert [c for c in codes(check_patch({"spec": spec})) if c[0] == "BP108"] == expected
