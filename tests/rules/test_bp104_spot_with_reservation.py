import pytest

from tests.blueprint_factory import check_patch, codes

RESERVATION = "cr-0123456789abcdef0"


@pytest.mark.parametrize(
    "capacity, expected",
    [
        pytest.param({"purchase": "spot"}, [], id="spot"),
        pytest.param({"purchase": "on-demand", "capacity_reservation_id": RESERVATION}, [], id="on-demand-reserved"),
        pytest.param(
            {"purchase": "spot", "capacity_reservation_id": RESERVATION},
            [("BP104", "spec.capacity.capacity_reservation_id")],
            id="spot-reserved",
        ),
    ],
)
def test_bp104(capacity, expected):
    patch = {"spec": {"capacity": capacity, "availability_zones": ["us-east-1a"]}}
    assert [c for c in codes(check_patch(patch)) if c[0] == "BP104"] == expected
