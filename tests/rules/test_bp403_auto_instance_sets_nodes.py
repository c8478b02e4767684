import pytest

from tests.blueprint_factory import DELETE, check_patch, codes

WORKLOAD = {
    "task": "training",
    "model": {"parameters_billions": 1, "precision": "bf16", "framework": "pytorch"},
    "training": {"tokens_billions": 1},
}


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param({"instance": "auto", "nodes": DELETE, "workload": WORKLOAD}, [], id="auto-without-nodes"),
        pytest.param({"instance": "auto", "workload": WORKLOAD}, [("BP403", "spec.nodes")], id="auto-with-nodes"),
        pytest.param({"workload": WORKLOAD}, [("BP403", "spec.workload")], id="workload-without-auto"),
        pytest.param({}, [], id="named-type"),
    ],
)
def test_bp403(patch, expected):
    assert [c for c in codes(check_patch({"spec": patch})) if c[0] == "BP403"] == expected


def test_auto_needs_a_workload_and_a_named_type_needs_nodes():
    assert ("BP021", "spec.workload") in codes(check_patch({"spec": {"instance": "auto", "nodes": DELETE}}))
    assert ("BP021", "spec.nodes") in codes(check_patch({"spec": {"nodes": DELETE}}))
    assert ("BP023", "spec.instance") in codes(check_patch({"spec": {"instance": "automatic"}}))
