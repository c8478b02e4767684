import pytest

from tests.fleet_factory import DELETE, check_fleet, only

AT = "spec.endpoints[0]"
TWO = [{"name": "a", "model": {"artifact": "a/model.tar.gz"}, "instance_type": "ml.g5.xlarge"},
       {"name": "b", "model": {"artifact": "b/model.tar.gz"}}]


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param({}, [], id="valid"),
        pytest.param({"instance_type": DELETE}, [("BP314", f"{AT}.variants[0]")], id="no-instance-type"),
        pytest.param({"instance_type": DELETE, "variants": TWO}, [("BP314", f"{AT}.variants[1]")], id="one-variant-lacks-it"),
        pytest.param({"serverless": {"memory_mb": 1024}}, [("BP314", f"{AT}.serverless")], id="serverless-settings-on-realtime"),
        pytest.param({"async": {"output_path": "x"}}, [("BP314", f"{AT}.async")], id="async-settings-on-realtime"),
    ],
)
def test_bp314(patch, expected):
    assert only(check_fleet(patch), "BP314") == expected
