import pytest

from tests.fleet_factory import check_fleet, only

AT = "spec.endpoints[0]"


def container(framework: str, version: str) -> dict:
    return {"framework": framework, "version": version}


@pytest.mark.parametrize(
    "endpoint_patch, expected",
    [
        pytest.param({"container": container("inferentia-pytorch", "1.9"), "instance_type": "ml.inf1.xlarge"},
                     [("BP342", f"{AT}.container.framework")], id="neo-torch-neuron-1.9"),
        pytest.param({"container": container("huggingface-neuron", "4.12"), "instance_type": "ml.inf1.xlarge"},
                     [("BP342", f"{AT}.container.framework")], id="hf-neuron-on-pytorch-1.9"),
        pytest.param({"container": container("pytorch-inference-neuron", "1.13"), "instance_type": "ml.inf1.xlarge"},
                     [], id="torch-neuron-1.13"),
        pytest.param({}, [], id="gpu-pytorch"),
        pytest.param({"container": {"uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/mine:1"},
                      "instance_type": "ml.inf1.xlarge"}, [], id="own-image"),
    ],
)
def test_bp342(endpoint_patch, expected):
    assert only(check_fleet(endpoint_patch), "BP342") == expected


def test_hint_names_the_supported_family():
    report = check_fleet({"container": container("inferentia-pytorch", "1.9"), "instance_type": "ml.inf1.xlarge"})
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP342"]
    assert "`framework: pytorch-inference-neuron`" in diagnostic.hint
