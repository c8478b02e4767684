import pytest

from tests.blueprint_factory import DELETE, check_patch, codes

WORKLOAD = {
    "task": "training",
    "model": {"parameters_billions": 7, "precision": "bf16", "framework": "pytorch"},
    "training": {"tokens_billions": 20},
    "max_nodes": 4,
}


def auto(workload=None, **spec):
    return {"spec": {"instance": "auto", "nodes": DELETE, "workload": workload or WORKLOAD, **spec}}


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param(auto(), [], id="fits"),
        pytest.param(auto({**WORKLOAD, "max_nodes": 1, "model": {**WORKLOAD["model"], "parameters_billions": 70}},
                          region="eu-west-1", image={"dlami": "base-gpu"}), [("BP402", "spec.instance")], id="memory"),
        pytest.param(auto(budget={"usd_per_hour": 0.5}), [("BP402", "spec.instance")], id="spec-budget-caps-the-nodes"),
        pytest.param(auto({**WORKLOAD, "model": {**WORKLOAD["model"], "framework": "pytorch-neuronx"}}),
                     [("BP402", "spec.instance")], id="gpu-image-neuron-framework"),
        pytest.param(auto({**WORKLOAD, "model": {**WORKLOAD["model"], "framework": "pytorch-neuronx"}},
                          image={"dlami": "neuron"}, container=DELETE), [], id="neuron-image-neuron-framework"),
    ],
)
def test_bp402(patch, expected):
    assert [c for c in codes(check_patch(patch)) if c[0] == "BP402"] == expected


def test_bp402_names_the_binding_constraint():
    workload = {**WORKLOAD, "max_nodes": 1, "model": {**WORKLOAD["model"], "parameters_billions": 70}}
    report = check_patch(auto(workload, region="eu-west-1"))
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP402"]
    assert diagnostic.message.startswith("no instance fits (memory): needs 1,252 GiB of accelerator memory; "
                                         "the largest single node offered in eu-west-1 has 320 GiB")
    assert "allow multi-node" in diagnostic.hint


def test_auto_resolves_to_the_advisors_choice_for_the_other_rules():
    report = check_patch(auto())
    assert not report.has_errors
    assert [d.code for d in report.diagnostics] == []


def test_the_image_and_container_limit_the_hardware():
    neuron = {**WORKLOAD, "model": {**WORKLOAD["model"], "framework": "pytorch-neuronx"}}
    report = check_patch(auto(neuron))  # base-gpu image, CUDA PyTorch container
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP402"]
    assert "pytorch-neuronx training runs on trainium, trainium2, inferentia2; the blueprint's image and container " \
        "drive only g4dn." in diagnostic.message


def test_a_custom_ami_without_accelerator_drivers_allows_no_accelerator():
    image = {"dlami": DELETE, "ami_id": "ami-0123456789abcdef0", "accelerator": "none"}
    report = check_patch(auto(image=image))
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP402"]
    assert "the blueprint's image and container drive none of them" in diagnostic.message
