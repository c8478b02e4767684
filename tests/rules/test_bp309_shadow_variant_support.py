import pytest

from tests.fleet_factory import ASYNC, MULTI_MODEL, SERVERLESS, check_fleet, only

SHADOW = {"shadow": {"name": "candidate", "model": {"artifact": "chat/v2/model.tar.gz"}, "sampling_percentage": 50}}
AT = "spec.endpoints[0].shadow"


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param(SHADOW, [], id="realtime"),
        pytest.param({**SERVERLESS, **SHADOW}, [("BP309", AT)], id="serverless"),
        pytest.param({**ASYNC, **SHADOW}, [("BP309", AT)], id="async"),
        pytest.param({**MULTI_MODEL, **SHADOW}, [("BP309", AT)], id="multi-model"),
        pytest.param({**SHADOW, "variants": [{"name": "a", "model": {"artifact": "a/model.tar.gz"}},
                                             {"name": "b", "model": {"artifact": "b/model.tar.gz"}}]},
                     [("BP309", AT)], id="two-production-variants"),
        pytest.param({**SHADOW, "container": {"framework": "inferentia-pytorch", "version": "1.9"},
                      "instance_type": "ml.inf1.xlarge"}, [("BP309", "spec.endpoints[0].instance_type")], id="inf1"),
        pytest.param({**SHADOW, "container": {"framework": "huggingface-neuronx", "version": "4.51"},
                      "instance_type": "ml.inf2.xlarge"}, [], id="inf2-is-fine"),
    ],
)
def test_bp309(patch, expected):
    assert only(check_fleet(patch), "BP309") == expected
