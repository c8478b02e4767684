import pytest

from tests.fleet_factory import ASYNC, DELETE, check_fleet, only

AT = "spec.endpoints[0].autoscaling"


def scaling(**fields):
    return {"autoscaling": fields}


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param({}, [], id="valid"),
        pytest.param(scaling(min=5, max=4), [("BP307", f"{AT}.min")], id="min-above-max"),
        pytest.param(scaling(min=2, max=2), [], id="min-equals-max"),
        pytest.param({**scaling(min=2, max=4), "instance_count": 6}, [("BP307", "spec.endpoints[0].instance_count")],
                     id="initial-count-outside"),
        pytest.param(scaling(min=0, max=4), [("BP307", f"{AT}.min")], id="realtime-cannot-scale-to-zero"),
        pytest.param(ASYNC, [], id="async-scales-to-zero-on-backlog"),
        pytest.param({**ASYNC, "autoscaling": {"min": 0, "max": 2, "invocations_per_instance": 100}},
                     [("BP307", f"{AT}.invocations_per_instance")], id="async-needs-backlog-target"),
        pytest.param(scaling(invocations_per_instance=DELETE, backlog_per_instance=3),
                     [("BP307", f"{AT}.backlog_per_instance")], id="backlog-on-realtime"),
        pytest.param(scaling(step={"metric": "gpu_utilization", "above": 80}), [], id="gpu-step-on-gpu"),
        pytest.param(scaling(step={"metric": "gpu_utilization", "above": 180}), [("BP307", f"{AT}.step.above")],
                     id="gpu-percent-above-100"),
        pytest.param({"instance_type": "ml.c5.xlarge", **scaling(step={"metric": "gpu_utilization", "above": 80})},
                     [("BP307", f"{AT}.step.metric")], id="gpu-step-on-cpu"),
        pytest.param({"instance_type": "ml.c5.xlarge", **scaling(step={"metric": "model_latency", "above": 500})}, [],
                     id="latency-step-on-cpu"),
    ],
)
def test_bp307(patch, expected):
    assert only(check_fleet(patch), "BP307") == expected


@pytest.mark.parametrize(
    "fields, code, path",
    [
        ({"min": 1, "max": 2, "invocations_per_instance": DELETE}, "BP025", AT),
        ({"min": 1, "max": 2, "invocations_per_instance": 10, "max_rps_per_instance": 1}, "BP025", AT),
        ({"min": 1, "max": 2, "invocations_per_instance": 0}, "BP024", f"{AT}.invocations_per_instance"),
        ({"min": 1, "max": 2, "invocations_per_instance": 60, "safety_factor": 0.5}, "BP025", f"{AT}.safety_factor"),
        ({"min": 1, "max": 2, "max_rps_per_instance": 2, "safety_factor": 1.5}, "BP024", f"{AT}.safety_factor"),
    ],
)
def test_target_shape_is_the_schemas_job(fields, code, path):
    report = check_fleet({"autoscaling": fields})
    assert (code, path) in [(d.code, d.path) for d in report.diagnostics]


def test_rps_target_is_converted_to_invocations_per_minute():
    (blueprint,) = check_fleet(scaling(invocations_per_instance=DELETE, max_rps_per_instance=4, safety_factor=0.6)).blueprints
    assert blueprint.spec.endpoints[0].autoscaling.invocations_per_minute == pytest.approx(4 * 60 * 0.6)


def test_initial_count_defaults_to_the_minimum():
    (blueprint,) = check_fleet(scaling(min=3, max=5)).blueprints
    assert blueprint.spec.endpoints[0].instance_count == 3
