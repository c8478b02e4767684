import pytest

from tests.fleet_factory import SERVERLESS, check_fleet, only

AT = "spec.endpoints[0]"
TWO = [{"name": "a", "model": {"artifact": "a/model.tar.gz"}}, {"name": "b", "model": {"artifact": "b/model.tar.gz"}}]


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param({}, [], id="serverless"),
        pytest.param({"instance_type": "ml.g5.xlarge"}, [("BP305", f"{AT}.instance_type")], id="gpu-instance"),
        pytest.param({"vpc": True}, [("BP305", f"{AT}.vpc")], id="vpc"),
        pytest.param({"network_isolation": True}, [("BP305", f"{AT}.network_isolation")], id="isolation"),
        pytest.param({"variants": TWO}, [("BP305", f"{AT}.variants[1]")], id="two-variants"),
        pytest.param({"data_capture": {"sampling_percentage": 10}}, [("BP305", f"{AT}.data_capture")], id="data-capture"),
        pytest.param({"autoscaling": {"min": 1, "max": 2, "invocations_per_instance": 100}},
                     [("BP305", f"{AT}.autoscaling")], id="autoscaling"),
        pytest.param({"variants": [{"name": "a", "model": {"prefix": "m/"}}]}, [("BP305", f"{AT}.mode")], id="multi-model"),
        pytest.param({"serverless": {"max_concurrency": 5, "provisioned_concurrency": 6}},
                     [("BP305", f"{AT}.serverless.provisioned_concurrency")], id="provisioned-above-max"),
    ],
)
def test_bp305(patch, expected):
    assert only(check_fleet({**SERVERLESS, **patch}), "BP305") == expected


def test_serverless_defaults_leave_the_vpc_and_isolation_off():
    report = check_fleet(SERVERLESS)
    (blueprint,) = report.blueprints
    endpoint = blueprint.spec.endpoints[0]
    assert (endpoint.vpc, endpoint.network_isolation, endpoint.instance_count) == (False, False, None)
    assert (endpoint.serverless.memory_mb, endpoint.serverless.max_concurrency) == (2048, 10)
    assert blueprint.spec.uses_vpc is False
