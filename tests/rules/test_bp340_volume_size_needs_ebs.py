import pytest

from tests.fleet_factory import MULTI_MODEL, check_fleet, only

AT = "spec.endpoints[0]"


@pytest.mark.parametrize(
    "endpoint_patch, expected",
    [
        pytest.param({}, [], id="no-volume-size"),
        pytest.param({"volume_size_gb": 100}, [("BP340", f"{AT}.volume_size_gb")], id="g5-has-local-nvme"),
        pytest.param({"instance_type": "ml.m5.xlarge", "volume_size_gb": 100}, [], id="m5-is-ebs-backed"),
        pytest.param(
            {"container": {"framework": "huggingface-llm-neuronx", "version": "0.3.0"},
             "instance_type": "ml.inf2.xlarge", "volume_size_gb": 256},
            [], id="inf2-is-ebs-backed",
        ),
        pytest.param({"instance_type": "ml.g4dn.xlarge", "volume_size_gb": 50},
                     [("BP340", f"{AT}.volume_size_gb")], id="g4dn-has-local-nvme"),
        pytest.param({**MULTI_MODEL, "volume_size_gb": 50}, [], id="cpu-multi-model-is-ebs-backed"),
        pytest.param(
            {"instance_type": "ml.m5.xlarge", "volume_size_gb": 100,
             "variants": [{"name": "a", "model": {"artifact": "a/model.tar.gz"}},
                          {"name": "b", "model": {"artifact": "b/model.tar.gz"}, "instance_type": "ml.g5.xlarge"}]},
            [("BP340", f"{AT}.volume_size_gb")], id="one-variant-on-nvme",
        ),
    ],
)
def test_bp340(endpoint_patch, expected):
    assert only(check_fleet(endpoint_patch), "BP340") == expected
