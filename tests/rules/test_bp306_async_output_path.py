import pytest

from tests.fleet_factory import ASYNC, DELETE, check_fleet, only


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param(ASYNC, [], id="has-output-path"),
        pytest.param({**ASYNC, "async": DELETE}, [("BP306", "spec.endpoints[0].mode")], id="no-async-block"),
        pytest.param({**ASYNC, "async": {"notify_error": True}}, [("BP306", "spec.endpoints[0].async")], id="no-output-path"),
        pytest.param({}, [], id="realtime-needs-none"),
    ],
)
def test_bp306(patch, expected):
    assert only(check_fleet(patch), "BP306") == expected


def test_failure_path_defaults_under_the_output_path():
    (blueprint,) = check_fleet(ASYNC).blueprints
    config = blueprint.spec.endpoints[0].async_inference
    assert (config.output_path, config.failure_path) == ("chat/async-out", "chat/async-out/failures")
