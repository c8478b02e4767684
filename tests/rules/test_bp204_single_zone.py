import pytest

from tests.ultracluster_factory import check_ultra, only

EXISTING = {"vpc_id": "vpc-0123456789abcdef0"}


@pytest.mark.parametrize(
    "spec, expected",
    [
        pytest.param({}, [], id="zone-of-region"),
        pytest.param({"availability_zone": "us-west-2a"}, [("BP204", "spec.availability_zone")], id="other-region"),
        pytest.param({"network": {**EXISTING, "subnet_ids": ["subnet-0aaaaaaaaaaaaaaaa"]}}, [], id="one-subnet"),
        pytest.param(
            {"network": {**EXISTING, "subnet_ids": ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]}},
            [("BP204", "spec.network.subnet_ids")], id="two-subnets",
        ),
    ],
)
def test_bp204(spec, expected):
    assert only(check_ultra({"spec": spec}), "BP204") == expected


def test_a_list_of_zones_is_a_schema_error():
    codes = [d.code for d in check_ultra({"spec": {"availability_zone": ["us-east-1a", "us-east-1b"]}}).diagnostics]
    assert codes == ["BP022"]
