import pytest

from tests.fleet_factory import ASYNC, DELETE, check_fleet, only


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param(ASYNC, [], id="has-output-path"),
        pytest.param({**ASYNC, "async": DELETE}, [("BP306", "spec.endpoints[0].mode")], id="no-async-block"),
        pytest.param({**ASYNC, "async": {"notify_error": True}}, [("BP306", "spec.endpoints[0].async")], id="no-output-path"),
        pytest.param({}, [], id="realtime-needs-none"),
        pytest.param({**ASYNC, "async": {"output_path": "chat/async-out", "input_path": "chat/requests"}}, [],
                     id="input-beside-output"),
        pytest.param({**ASYNC, "async": {"output_path": "chat/async-out", "input_path": "chat/async-out-requests"}}, [],
                     id="same-start-is-not-the-same-prefix"),
        pytest.param({**ASYNC, "async": {"output_path": "chat", "input_path": "chat/requests"}},
                     [("BP306", "spec.endpoints[0].async.input_path")], id="input-under-output"),
        pytest.param({**ASYNC, "async": {"output_path": "jobs/out", "input_path": "jobs"}},
                     [("BP306", "spec.endpoints[0].async.input_path")], id="output-under-input"),
        pytest.param({**ASYNC, "async": {"output_path": "out", "failure_path": "requests/failed", "input_path": "requests"}},
                     [("BP306", "spec.endpoints[0].async.input_path")], id="failures-under-input"),
        pytest.param({**ASYNC, "async": {"output_path": "async-inputs"}},
                     [("BP306", "spec.endpoints[0].async.output_path")], id="output-over-the-default-input"),
    ],
)
def test_bp306(patch, expected):
    assert only(check_fleet(patch), "BP306") == expected


def test_failure_path_defaults_under_the_output_path():
    (blueprint,) = check_fleet(ASYNC).blueprints
    config = blueprint.spec.endpoints[0].async_inference
    assert (config.output_path, config.failure_path) == ("chat/async-out", "chat/async-out/failures")


def test_overlap_message_names_both_prefixes():
    report = check_fleet({**ASYNC, "async": {"output_path": "chat", "input_path": "chat/requests"}})
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP306"]
    assert "chat/requests/" in diagnostic.message and "chat/" in diagnostic.message and "input_path" in diagnostic.hint
