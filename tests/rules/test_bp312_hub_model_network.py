import pytest

from tests.fleet_factory import check_fleet, only

TGI = {"container": {"framework": "huggingface-llm", "version": "3.3"}}
HUB = {"variants": [{"name": "blue", "model": {"hub": "Qwen/Qwen2.5-7B-Instruct"}}]}
AT = "spec.endpoints[0]"


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param({**TGI, **HUB}, [], id="hub-model-leaves-isolation-off"),
        pytest.param({**TGI, **HUB, "network_isolation": True}, [("BP312", f"{AT}.network_isolation")], id="isolated-hub"),
        pytest.param({**HUB}, [("BP312", f"{AT}.variants[0].model.hub")], id="pytorch-does-not-download"),
        pytest.param({**TGI, "network_isolation": True}, [], id="isolated-s3-weights"),
    ],
)
def test_bp312(patch, expected):
    assert only(check_fleet(patch), "BP312") == expected


@pytest.mark.parametrize(
    "patch, isolated",
    [({}, True), ({**TGI, **HUB}, False), ({**TGI, "network_isolation": False}, False)],
    ids=["s3-weights-isolated", "hub-not-isolated", "opted-out"],
)
def test_isolation_defaults(patch, isolated):
    (blueprint,) = check_fleet(patch).blueprints
    assert blueprint.spec.endpoints[0].network_isolation is isolated
