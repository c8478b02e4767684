import pytest

from tests.ultracluster_factory import HYPERPOD, check_ultra, only

CR = {"reservation_id": "cr-0123456789abcdef0", "reservation_zone": "us-east-1a"}


@pytest.mark.parametrize(
    "orchestrator, capacity, expected",
    [
        pytest.param("hyperpod", {"source": "on-demand"}, [], id="hyperpod-on-demand"),
        pytest.param("hyperpod", {"source": "spot"}, [("BP214", "spec.capacity.source")], id="hyperpod-spot"),
        pytest.param("hyperpod", {"source": "capacity-block", **CR}, [("BP214", "spec.capacity.source")], id="hyperpod-block"),
        pytest.param("batch", {"source": "reservation", **CR}, [], id="batch-reservation"),
    ],
)
def test_bp214(orchestrator, capacity, expected):
    patch = {"spec": {**(HYPERPOD["spec"] if orchestrator == "hyperpod" else {}), "capacity": capacity}}
    assert only(check_ultra(patch), "BP214") == expected
