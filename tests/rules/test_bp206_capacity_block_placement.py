import pytest

from tests.ultracluster_factory import check_ultra, only

BLOCK = {"source": "capacity-block", "reservation_id": "cr-0123456789abcdef0", "reservation_zone": "us-east-1a"}


@pytest.mark.parametrize(
    "spec, expected",
    [
        pytest.param({"capacity": BLOCK}, [], id="block-default-no-group"),
        pytest.param({"capacity": BLOCK, "placement_group": False}, [], id="block-explicitly-no-group"),
        pytest.param({"capacity": BLOCK, "placement_group": True}, [("BP206", "spec.placement_group")], id="block-with-group"),
        pytest.param({"placement_group": True}, [], id="on-demand-with-group"),
    ],
)
def test_bp206(spec, expected):
    assert only(check_ultra({"spec": spec}), "BP206") == expected


def test_capacity_block_defaults_to_no_placement_group():
    (blueprint,) = check_ultra({"spec": {"capacity": BLOCK}}).blueprints
    assert blueprint.spec.placement_group is False
