import pytest

from tests.ultracluster_factory import HYPERPOD, check_ultra, only

EXISTING = {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-0aaaaaaaaaaaaaaaa"]}


@pytest.mark.parametrize(
    "orchestrator, network, expected",
    [
        pytest.param("batch", None, [], id="batch-new-vpc-gets-its-rules-from-the-stack"),
        pytest.param("batch", EXISTING, [("BP230", "spec.network.vpc_id")], id="batch-existing-vpc"),
        pytest.param("hyperpod", EXISTING, [], id="hyperpod-uses-its-own-group"),
    ],
)
def test_bp230(orchestrator, network, expected):
    spec = dict(HYPERPOD["spec"]) if orchestrator == "hyperpod" else {}
    if network is not None:
        spec["network"] = network
    assert only(check_ultra({"spec": spec}), "BP230") == expected


def test_bp230_is_a_warning_that_points_to_the_check_output():
    (diagnostic,) = [d for d in check_ultra({"spec": {"network": EXISTING}}).diagnostics if d.code == "BP230"]
    assert diagnostic.level.value == "warning"
    assert "TaskSecurityGroupCheck" in diagnostic.hint
