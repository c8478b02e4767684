import pytest

from tests.blueprint_factory import check_patch, codes
from tests.fleet_factory import check_fleet


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param({}, [], id="no-budget"),
        pytest.param({"budget": {"usd_per_hour": 100}}, [("BP401", "spec.budget")], id="nat-gateway-unpriced"),
        pytest.param({"budget": {"usd_per_hour": 100}, "availability_zones": ["us-east-1a"],
                      "network": {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-0123456789abcdef0"]}},
                     [], id="existing-vpc-everything-priced"),
    ],
)
def test_bp401(patch, expected):
    assert [c for c in codes(check_patch({"spec": patch})) if c[0] == "BP401"] == expected


def test_bp401_names_the_missing_prices_and_is_a_warning():
    report = check_fleet(spec_patch={"budget": {"usd_per_hour": 100}})
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP401"]
    assert diagnostic.level.value == "warning"
    assert "sagemaker/us-east-1/ml.g5.xlarge/hosting" in diagnostic.message and "--prices" in diagnostic.hint
