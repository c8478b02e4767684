import pytest

from tests.blueprint_factory import check_patch, codes


@pytest.mark.parametrize(
    "nodes, expected",
    [
        pytest.param({"min": 0, "desired": 1, "max": 2}, [], id="scale-from-zero"),
        pytest.param({"min": 1, "desired": 1, "max": 2}, [("BP110", "spec.nodes.min")], id="idle-node"),
    ],
)
def test_bp110(nodes, expected):
    assert [c for c in codes(check_patch({"spec": {"nodes": nodes}})) if c[0] == "BP110"] == expected


def test_bp110_prices_the_idle_capacity():
    report = check_patch({"spec": {"nodes": {"min": 2, "desired": 2, "max": 2}}})
    (diagnostic,) = report.diagnostics
    assert diagnostic.level.value == "warning"
    assert "2x g5.2xlarge" in diagnostic.message and "$" in diagnostic.message
