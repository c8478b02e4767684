import pytest

from tests.ultracluster_factory import check_ultra, only

BEHAVIOR = "spec.capacity.interruption_behavior"


@pytest.mark.parametrize(
    "capacity, expected",
    [
        pytest.param({"source": "spot"}, [], id="spot-default-terminate"),
        pytest.param({"source": "spot", "interruption_behavior": "terminate"}, [], id="spot-terminate"),
        pytest.param({"source": "spot", "interruption_behavior": "stop"}, [("BP207", BEHAVIOR)], id="spot-stop"),
        pytest.param({"source": "spot", "interruption_behavior": "hibernate"}, [("BP207", BEHAVIOR)], id="spot-hibernate"),
    ],
)
def test_bp207(capacity, expected):
    assert only(check_ultra({"spec": {"capacity": capacity}}), "BP207") == expected
