import pytest

from tests.ultracluster_factory import HYPERPOD, check_ultra, only

SOURCE = "spec.capacity.source"
CR = {"reservation_id": "cr-0123456789abcdef0", "reservation_zone": "us-east-1a"}


@pytest.mark.parametrize(
    "orchestrator, capacity, expected",
    [
        pytest.param("batch", {"source": "on-demand"}, [], id="batch-on-demand"),
        pytest.param("batch", {"source": "reservation", **CR}, [], id="batch-reservation"),
        pytest.param("batch", {"source": "capacity-block", **CR}, [], id="batch-block"),
        pytest.param("batch", {"source": "spot"}, [("BP215", SOURCE)], id="batch-spot"),
        pytest.param("batch", {"source": "spot", "interruption_behavior": "stop"}, [("BP215", SOURCE)], id="batch-spot-stop"),
        pytest.param("hyperpod", {"source": "spot"}, [], id="hyperpod-spot-is-bp214s"),
    ],
)
def test_bp215(orchestrator, capacity, expected):
    patch = {"spec": {**(HYPERPOD["spec"] if orchestrator == "hyperpod" else {}), "capacity": capacity}}
    assert only(check_ultra(patch), "BP215") == expected


def test_bp215_points_to_capacity_batch_can_run_and_to_single_node_spot():
    (diagnostic,) = [d for d in check_ultra({"spec": {"capacity": {"source": "spot"}}}).diagnostics if d.code == "BP215"]
    for alternative in ("source: on-demand", "source: reservation", "source: capacity-block", "kind: TrainingCluster"):
        assert alternative in diagnostic.hint
