import pytest

from tests.ultracluster_factory import check_ultra, only


@pytest.mark.parametrize(
    "nodes, expected",
    [
        pytest.param(1, [("BP203", "spec.nodes")], id="one"),
        pytest.param(2, [], id="two"),
        pytest.param(64, [], id="sixty-four"),
    ],
)
def test_bp203(nodes, expected):
    assert only(check_ultra({"spec": {"nodes": nodes}}), "BP203") == expected
