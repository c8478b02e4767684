import pytest

from tests.fleet_factory import SERVERLESS, check_fleet, only

EXISTING = {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-0aaaaaaaaaaaaaaaa"]}


@pytest.mark.parametrize(
    "endpoint_patch, spec_patch, expected",
    [
        pytest.param({}, {}, [], id="two-zones-by-default"),
        pytest.param({}, {"availability_zones": ["us-east-1a", "us-east-1b"]}, [], id="two-zones"),
        pytest.param({}, {"availability_zones": ["us-east-1a"]}, [("BP310", "spec.availability_zones")], id="one-zone"),
        pytest.param({}, {"availability_zones": ["us-east-1a"], "network": EXISTING},
                     [("BP310", "spec.availability_zones")], id="existing-vpc-one-subnet"),
        pytest.param({}, {"availability_zones": ["us-east-1a"], "tier": "staging"}, [], id="staging"),
        pytest.param(SERVERLESS, {"availability_zones": ["us-east-1a"]}, [], id="no-vpc-in-use"),
    ],
)
def test_bp310(endpoint_patch, spec_patch, expected):
    assert only(check_fleet(endpoint_patch, spec_patch), "BP310") == expected


def test_existing_vpc_subnets_must_match_zones_bp108():
    report = check_fleet({}, {"availability_zones": ["us-east-1a", "us-east-1b"], "network": EXISTING})
    assert only(report, "BP108") == [("BP108", "spec.network.subnet_ids")]
