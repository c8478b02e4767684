import pytest

from tests.fleet_factory import MULTI_MODEL, check_fleet, only

VARIANT = "spec.endpoints[0].variants[0]"


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param(MULTI_MODEL, [], id="pytorch-on-cpu"),
        pytest.param({**MULTI_MODEL, "container": {"framework": "sagemaker-tritonserver", "version": "25.09"}}, [],
                     id="triton-on-cpu"),
        pytest.param({**MULTI_MODEL, "container": {"framework": "sagemaker-tritonserver", "version": "25.09"},
                      "instance_type": "ml.g5.xlarge"}, [], id="triton-on-gpu"),
        pytest.param({**MULTI_MODEL, "instance_type": "ml.g5.xlarge"},
                     [("BP304", "spec.endpoints[0].container.framework")], id="gpu-without-triton"),
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
