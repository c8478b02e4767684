import pytest

from tests.fleet_factory import DELETE, SERVERLESS, check_fleet, only

TYPE = "spec.endpoints[0].instance_type"


def container(framework, version):
    return {"framework": framework, "version": version}


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param({}, [], id="pytorch-on-gpu"),
        pytest.param({"instance_type": "ml.c5.xlarge"}, [], id="pytorch-on-cpu"),
        pytest.param({"container": container("huggingface-llm", "3.3"), "instance_type": "ml.c5.xlarge"},
                     [("BP303", TYPE)], id="tgi-needs-gpu"),
        pytest.param({"container": container("huggingface-tei-cpu", "1.8")}, [("BP303", TYPE)], id="cpu-image-on-gpu"),
        pytest.param({"container": container("huggingface-neuronx", "4.51"), "instance_type": "ml.inf2.xlarge"}, [],
                     id="neuronx-on-inf2"),
        pytest.param({"container": container("huggingface-neuronx", "4.51"), "instance_type": "ml.trn1.2xlarge"}, [],
                     id="neuronx-on-trn1"),
        pytest.param({"container": container("huggingface-neuronx", "4.51")}, [("BP303", TYPE)], id="neuron-image-on-gpu"),
        pytest.param({"container": container("huggingface-neuronx", "4.51"), "instance_type": "ml.inf1.xlarge"},
                     [("BP303", TYPE)], id="neuronx-image-on-inf1"),
        pytest.param({"container": container("inferentia-pytorch", "1.9"), "instance_type": "ml.inf1.xlarge"}, [],
                     id="neuron-v1-on-inf1"),
        pytest.param({"instance_type": "ml.inf2.xlarge"}, [("BP303", TYPE)], id="gpu-image-on-inferentia"),
        pytest.param({**SERVERLESS, "container": container("huggingface-llm", "3.3")},
                     [("BP303", "spec.endpoints[0].container.framework")], id="serverless-is-cpu-only"),
        pytest.param({**SERVERLESS, "container": container("huggingface-tei-cpu", "1.8")}, [], id="serverless-cpu-image"),
        pytest.param({"container": {"framework": DELETE, "version": DELETE, "uri": "example.com/any/image:1"},
                      "instance_type": "ml.inf2.xlarge"}, [], id="custom-uri-not-checked"),
    ],
)
def test_bp303(patch, expected):
    assert only(check_fleet(patch), "BP303") == expected


def test_hint_lists_images_for_the_hardware():
    report = check_fleet({"instance_type": "ml.inf2.xlarge", "container": container("huggingface-tei-cpu", "1.8")})
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP303"]
    assert "huggingface-neuronx" in diagnostic.hint and "Inferentia2" in diagnostic.message


@pytest.mark.parametrize(
    "instance_type, twin",
    [("ml.inf2.xlarge", "pytorch-inference-neuronx"), ("ml.inf1.xlarge", "pytorch-inference-neuron")],
)
def test_natural_pytorch_spelling_is_told_the_neuron_family_to_write(instance_type, twin):
    (diagnostic,) = [d for d in check_fleet({"instance_type": instance_type}).diagnostics if d.code == "BP303"]
    assert f"`framework: {twin}`" in diagnostic.hint


@pytest.mark.parametrize(
    "framework, version, twin",
    [("huggingface", "4.49", "huggingface-neuronx"), ("huggingface-llm", "3.3", "huggingface-llm-neuronx")],
)
def test_hugging_face_families_are_told_their_neuronx_build(framework, version, twin):
    report = check_fleet({"instance_type": "ml.inf2.xlarge", "container": container(framework, version)})
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP303"]
    assert f"`framework: {twin}`" in diagnostic.hint
