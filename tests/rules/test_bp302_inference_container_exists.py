import pytest

from tests.fleet_factory import DELETE, check_fleet, only

AT = "spec.endpoints[0].container"


@pytest.mark.parametrize(
    "container, instance_type, expected",
    [
        pytest.param({"framework": "pytorch", "version": "2.6"}, "ml.g5.xlarge", [], id="pytorch"),
        pytest.param({"framework": "huggingface-llm", "version": "3.3"}, "ml.g5.xlarge", [], id="tgi"),
        pytest.param({"framework": "sagemaker-tritonserver", "version": "25.09"}, "ml.g5.xlarge", [], id="triton"),
        pytest.param({"framework": "huggingface-neuronx", "version": "4.51"}, "ml.inf2.xlarge", [], id="neuronx"),
        pytest.param({"framework": "huggingface", "version": "4.51", "base_framework": "pytorch2.6"}, "ml.g5.xlarge", [],
                     id="huggingface-base-framework"),
        pytest.param({"framework": "pytorch", "version": "0.1"}, "ml.g5.xlarge", [("BP302", f"{AT}.version")], id="no-version"),
        pytest.param({"framework": "pytorch", "version": "2.6", "python": "py30"}, "ml.g5.xlarge",
                     [("BP302", f"{AT}.python")], id="no-python"),
        pytest.param({"framework": "huggingface", "version": "4.51", "base_framework": "tensorflow9"}, "ml.g5.xlarge",
                     [("BP302", f"{AT}.base_framework")], id="no-base-framework"),
        pytest.param({"framework": "pytorchh", "version": "2.6"}, "ml.g5.xlarge", [("BP302", f"{AT}.framework")], id="typo"),
        pytest.param({"framework": "hyperpod-recipes-neuron", "version": "2.1.2"}, "ml.g5.xlarge",
                     [("BP302", f"{AT}.framework")], id="training-only-framework"),
        pytest.param({"framework": DELETE, "version": DELETE, "uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/mine:1"},
                     "ml.g5.xlarge", [], id="uri-not-checked"),
    ],
)
def test_bp302(container, instance_type, expected):
    patch = {"container": {"framework": DELETE, "version": DELETE, **container}, "instance_type": instance_type}
    assert only(check_fleet(patch), "BP302") == expected


def test_variant_container_is_checked_where_it_is_written():
    patch = {"variants": [{"name": "blue", "model": {"artifact": "a/model.tar.gz"},
                           "container": {"framework": "pytorch", "version": "0.1"}}]}
    assert only(check_fleet(patch), "BP302") == [("BP302", "spec.endpoints[0].variants[0].container.version")]


def test_unknown_framework_suggests_the_closest():
    report = check_fleet({"container": {"framework": "huggingface-lm"}})
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP302"]
    assert "huggingface-llm" in diagnostic.hint
