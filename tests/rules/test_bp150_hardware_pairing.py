"""BP150: accelerators x machine image x container x orchestrator, from data/compatibility.json."""

import pytest

from tests.blueprint_factory import DELETE, check_patch, codes
from tests.ultracluster_factory import HYPERPOD, check_ultra, only

CUSTOM = "ami-0123456789abcdef0"


def node(instance, image, container=DELETE):
    return {"spec": {"instance": {"type": instance}, "image": image, "container": container}}


def custom(accelerator=DELETE):
    return {"dlami": DELETE, "ami_id": CUSTOM, "accelerator": accelerator}


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param({}, [], id="g5-base-gpu"),
        pytest.param(node("g5.2xlarge", {"dlami": "pytorch"}), [], id="g5-pytorch"),
        pytest.param(node("g4dn.xlarge", {"dlami": "base-gpu"}), [], id="turing-oss-driver"),
        pytest.param(node("g5.2xlarge", {"dlami": "neuron"}), [("BP150", "spec.image.dlami")], id="gpu-with-neuron"),
        pytest.param(node("trn1.32xlarge", {"dlami": "base-gpu"}), [("BP150", "spec.image.dlami")], id="trainium-gpu-image"),
        pytest.param(node("trn1.32xlarge", {"dlami": "neuron"}), [], id="trn1-neuron"),
        pytest.param(node("trn2.48xlarge", {"dlami": "neuron-base"}), [], id="trn2-neuron-base"),
        pytest.param(node("inf2.xlarge", {"dlami": "pytorch"}), [("BP150", "spec.image.dlami")], id="inf2-gpu-image"),
        pytest.param(node("p3.2xlarge", {"dlami": "pytorch"}), [("BP150", "spec.image.dlami")], id="volta-oss-driver"),
        pytest.param(node("p3.2xlarge", {"dlami": "base-gpu"}), [("BP150", "spec.image.dlami")], id="volta-base-oss"),
        pytest.param(node("p3.2xlarge", custom("gpu")), [], id="volta-own-proprietary-ami"),
        pytest.param(node("inf1.xlarge", {"dlami": "neuron"}), [("BP150", "spec.image.dlami")], id="inf1-current-neuron"),
        pytest.param(node("inf1.xlarge", custom("neuron")), [], id="inf1-own-pinned-driver"),
        pytest.param(node("dl1.24xlarge", {"dlami": "base-gpu"}), [("BP150", "spec.image.dlami")], id="gaudi-dlami"),
        pytest.param(node("dl1.24xlarge", custom("gpu")), [("BP150", "spec.image.accelerator")], id="gaudi-declared-gpu"),
        pytest.param(node("dl1.24xlarge", custom("gaudi")), [], id="gaudi-own-ami"),
        pytest.param(node("g5.2xlarge", custom("neuron")), [("BP150", "spec.image.accelerator")], id="custom-declared-wrong"),
        pytest.param(node("g5.2xlarge", custom()), [("BP150", "spec.image")], id="custom-undeclared"),
        pytest.param(node("m5.xlarge", custom()), [], id="cpu-custom-undeclared"),
        pytest.param(node("m5.xlarge", {"dlami": "base-gpu"}), [], id="cpu-dlami"),
        # containers
        pytest.param(
            node("dl1.24xlarge", custom("gaudi"), {"framework": "pytorch", "version": "2.6"}),
            [("BP150", "spec.container.framework")],
            id="gaudi-has-no-dlc",
        ),
        pytest.param(
            node("trn2.48xlarge", {"dlami": "neuron"}, {"framework": "hyperpod-recipes-neuron", "version": "2.1.2"}),
            [("BP150", "spec.container.version")],
            id="trn2-on-sdk-2.20-image",
        ),
        pytest.param(node("trn2.48xlarge", {"dlami": "neuron"}, {"framework": "pytorch", "version": "2.9"}), [], id="trn2-pytorch"),
        pytest.param(
            node("inf1.xlarge", custom("neuron"), {"framework": "pytorch", "version": "2.9"}),
            [("BP150", "spec.container.version")],
            id="inf1-has-no-torch-neuronx-training-image",
        ),
        pytest.param(node("trn1.32xlarge", {"dlami": "neuron"}, {"framework": "pytorch", "version": "2.6"}), [], id="trn1-pytorch"),
    ],
)
def test_bp150_training_cluster(patch, expected):
    assert [c for c in codes(check_patch(patch)) if c[0] == "BP150"] == expected


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param({}, [], id="p4d-batch"),
        pytest.param({"spec": {"instance": {"type": "p3dn.24xlarge"}}}, [("BP150", "spec.instance")], id="volta-batch-host"),
        pytest.param({"spec": {"instance": {"type": "dl1.24xlarge"}}}, [("BP150", "spec.instance")], id="gaudi-batch"),
        pytest.param({"spec": {"instance": {"type": "inf1.24xlarge"}}}, [("BP150", "spec.instance")], id="inf1-batch"),
        pytest.param({"spec": {"instance": {"type": "trn1.32xlarge"}, "container": {"framework": "pytorch", "version": "2.9"}}}, [], id="trn1-batch"),
        pytest.param(HYPERPOD, [], id="p4d-hyperpod"),
    ],
)
def test_bp150_ultracluster(patch, expected):
    assert only(check_ultra(patch), "BP150") == expected


def test_gaudi_ultracluster_is_not_called_habana():
    report = check_ultra({"spec": {"instance": {"type": "dl1.24xlarge"}}})
    texts = [d.message + d.hint for d in report.diagnostics]
    assert not any("has habana" in t for t in texts)  # the schema's word is gaudi
    assert any("Gaudi" in t and "trn1.32xlarge" in t for t in texts)


def test_p3_refusal_says_why_and_what_instead():
    (diagnostic,) = [d for d in check_patch(node("p3.2xlarge", {"dlami": "pytorch"})).diagnostics if d.code == "BP150"]
    assert "Turing and newer" in diagnostic.message
    assert "accelerator: gpu" in diagnostic.hint and "g5" in diagnostic.hint


def test_trn2_on_old_image_names_the_value_to_write():
    patch = node("trn2.48xlarge", {"dlami": "neuron"}, {"framework": "hyperpod-recipes-neuron", "version": "2.1.2"})
    (diagnostic,) = [d for d in check_patch(patch).diagnostics if d.code == "BP150"]
    assert "not trn2" in diagnostic.message
    assert 'framework: pytorch, version: "2.9.0"' in diagnostic.hint


def test_inf1_without_a_training_image_is_told_to_give_a_uri():
    patch = node("inf1.xlarge", custom("neuron"), {"framework": "pytorch", "version": "2.9"})
    (diagnostic,) = [d for d in check_patch(patch).diagnostics if d.code == "BP150"]
    assert "not inf1" in diagnostic.message and "uri" in diagnostic.hint
