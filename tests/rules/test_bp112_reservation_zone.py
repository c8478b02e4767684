import pytest

from tests.blueprint_factory import check_patch, codes

RESERVED = {"capacity_reservation_id": "cr-0123456789abcdef0"}


@pytest.mark.parametrize(
    "spec, expected",
    [
        pytest.param({"capacity": RESERVED, "availability_zones": ["us-east-1a"]}, [], id="pinned"),
        pytest.param({"capacity": RESERVED}, [("BP112", "spec.capacity.capacity_reservation_id")], id="unpinned"),
    ],
)
def test_bp112(spec, expected):
    assert [c for c in codes(check_patch({"spec": spec})) if c[0] == "BP112"] == expected
