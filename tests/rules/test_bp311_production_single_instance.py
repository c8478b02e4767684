import pytest

from tests.fleet_factory import ASYNC, DELETE, MULTI_MODEL, check_fleet, only

AT = "spec.endpoints[0]"


@pytest.mark.parametrize(
    "endpoint_patch, spec_patch, expected",
    [
        pytest.param({}, {}, [], id="min-two"),
        pytest.param({"autoscaling": {"min": 1}}, {}, [("BP311", f"{AT}.autoscaling.min")], id="min-one"),
        pytest.param({"autoscaling": DELETE}, {}, [("BP311", AT)], id="default-one-instance"),
        pytest.param({"autoscaling": DELETE, "instance_count": 1}, {}, [("BP311", f"{AT}.instance_count")], id="count-one"),
        pytest.param({"autoscaling": DELETE, "instance_count": 2}, {}, [], id="count-two"),
        pytest.param({"autoscaling": {"min": 1}}, {"tier": "development"}, [], id="development"),
        pytest.param({**MULTI_MODEL, "autoscaling": {"min": 1}}, {}, [("BP311", f"{AT}.autoscaling.min")], id="multi-model"),
        pytest.param({**ASYNC, "autoscaling": {"min": 1, "max": 2, "backlog_per_instance": 5, "invocations_per_instance": DELETE}},
                     {}, [], id="async-queues-instead"),
    ],
)
def test_bp311(endpoint_patch, spec_patch, expected):
    assert only(check_fleet(endpoint_patch, spec_patch), "BP311") == expected
