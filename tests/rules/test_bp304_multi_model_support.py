import pytest

from mlblueprints.rules.inference import MultiModelSupport
from tests.fleet_factory import MULTI_MODEL, check_fleet, only

VARIANT = "spec.endpoints[0].variants[0]"
TRITON = {"framework": "sagemaker-tritonserver", "version": "25.09"}


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param(MULTI_MODEL, [], id="pytorch-on-cpu"),
        pytest.param({**MULTI_MODEL, "container": {"framework": "sagemaker-tritonserver", "version": "25.09"}}, [],
                     id="triton-on-cpu"),
        pytest.param({**MULTI_MODEL, "container": {"framework": "sagemaker-tritonserver", "version": "25.09"},
                      "instance_type": "ml.g5.xlarge"}, [], id="triton-on-gpu"),
        pytest.param({**MULTI_MODEL, "container": TRITON, "instance_type": "ml.g4dn.16xlarge"}, [], id="triton-on-listed-g4dn"),
        pytest.param({**MULTI_MODEL, "container": TRITON, "instance_type": "ml.g5.12xlarge"},
                     [("BP304", "spec.endpoints[0].instance_type")], id="triton-on-unlisted-g5-size"),
        pytest.param({**MULTI_MODEL, "container": TRITON, "instance_type": "ml.g6e.xlarge"},
                     [("BP304", "spec.endpoints[0].instance_type")], id="triton-on-unlisted-g6e"),
        pytest.param({**MULTI_MODEL, "container": TRITON, "instance_type": "ml.p5.48xlarge", "autoscaling": {"min": 2, "max": 2}},
                     [("BP304", "spec.endpoints[0].instance_type")], id="triton-on-unlisted-p5"),
        pytest.param({**MULTI_MODEL, "container": TRITON, "instance_type": "ml.c5.xlarge",
                      "variants": [{"name": "a", "model": {"prefix": "a/"}, "instance_type": "ml.g6.xlarge"},
                                   {"name": "b", "model": {"prefix": "b/"}, "instance_type": "ml.g5.xlarge"}]},
                     [("BP304", f"{VARIANT}.instance_type")], id="unlisted-type-on-the-variant-that-chose-it"),
        pytest.param({**MULTI_MODEL, "container": TRITON, "instance_type": "ml.g6.xlarge",
                      "variants": [{"name": "a", "model": {"prefix": "a/"}}, {"name": "b", "model": {"prefix": "b/"}}]},
                     [("BP304", "spec.endpoints[0].instance_type")], id="one-finding-for-the-endpoint-type"),
        pytest.param({**MULTI_MODEL, "instance_type": "ml.g5.xlarge"},
                     [("BP304", "spec.endpoints[0].container.framework")], id="gpu-without-triton"),
        pytest.param({**MULTI_MODEL, "instance_type": "ml.g6.xlarge"},
                     [("BP304", "spec.endpoints[0].container.framework"), ("BP304", "spec.endpoints[0].instance_type")],
                     id="unlisted-gpu-without-triton"),
        pytest.param({**MULTI_MODEL, "container": {"framework": "huggingface-neuronx", "version": "4.51"},
                      "instance_type": "ml.inf2.xlarge"}, [("BP304", "spec.endpoints[0].instance_type")], id="inferentia"),
        pytest.param({**MULTI_MODEL, "container": {"framework": "huggingface-tei-cpu", "version": "1.8"}},
                     [("BP304", "spec.endpoints[0].container.framework")], id="image-without-multi-model"),
        pytest.param({**MULTI_MODEL, "variants": [{"name": "all", "model": {"artifact": "one/model.tar.gz"}}]},
                     [("BP304", f"{VARIANT}.model.artifact")], id="needs-a-prefix"),
        pytest.param({"variants": [{"name": "blue", "model": {"prefix": "tenants/"}}]},
                     [("BP304", f"{VARIANT}.model.prefix")], id="prefix-on-realtime"),
    ],
)
def test_bp304(patch, expected):
    assert only(check_fleet(patch), "BP304") == expected


def test_unlisted_gpu_type_names_the_supported_ones_and_its_family():
    report = check_fleet({**MULTI_MODEL, "container": TRITON, "instance_type": "ml.g5.12xlarge"})
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP304"]
    assert "ml.g5.12xlarge is not one" in diagnostic.message
    assert "ml.g4dn.xlarge" in diagnostic.message and "ml.p3.2xlarge" in diagnostic.message
    assert "(g5: ml.g5.xlarge, ml.g5.2xlarge, ml.g5.4xlarge, ml.g5.8xlarge, ml.g5.16xlarge)" in diagnostic.hint


def test_supported_gpu_types_are_data_with_a_source():
    import json

    from mlblueprints import serving

    listed = json.loads(serving.DATA_FILE.read_text())["multi_model_gpu_instance_types"]
    assert listed["source"] == MultiModelSupport.source_url and listed["as_of"]
    assert serving.multi_model_gpu_instance_types() == tuple(listed["types"])
