import pytest

from tests.blueprint_factory import check_patch, codes


@pytest.mark.parametrize(
    "nodes, expected",
    [
        pytest.param({"min": 0, "desired": 0, "max": 1}, [], id="zero"),
        pytest.param({"min": 2, "desired": 2, "max": 2}, [], id="equal"),
        pytest.param({"min": 3, "desired": 3, "max": 2}, [("BP106", "spec.nodes.min")], id="min-above-max"),
        pytest.param({"min": 0, "desired": 5, "max": 2}, [("BP106", "spec.nodes.desired")], id="desired-above-max"),
        pytest.param({"min": 2, "desired": 1, "max": 4}, [("BP106", "spec.nodes.desired")], id="desired-below-min"),
    ],
)
def test_bp106(nodes, expected):
    report = check_patch({"spec": {"nodes": nodes}})
    assert [c for c in codes(report) if c[0] == "BP106"] == expected


def test_null_desired_is_a_type_error_not_a_silent_default():
    report = check_patch({"spec": {"nodes": {"min": 0, "desired": None, "max": 1}}})
    assert ("BP022", "spec.nodes.desired") in codes(report)
