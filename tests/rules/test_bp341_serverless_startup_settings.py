import pytest

from tests.fleet_factory import SERVERLESS, check_fleet, only

AT = "spec.endpoints[0]"


@pytest.mark.parametrize(
    "endpoint_patch, expected",
    [
        pytest.param(SERVERLESS, [], id="serverless-without-settings"),
        pytest.param({**SERVERLESS, "startup_health_check_timeout_seconds": 600},
                     [("BP341", f"{AT}.startup_health_check_timeout_seconds")], id="startup-timeout"),
        pytest.param({**SERVERLESS, "model_download_timeout_seconds": 600},
                     [("BP341", f"{AT}.model_download_timeout_seconds")], id="download-timeout"),
        pytest.param({**SERVERLESS, "volume_size_gb": 30}, [("BP341", f"{AT}.volume_size_gb")], id="volume"),
        pytest.param({"startup_health_check_timeout_seconds": 600, "model_download_timeout_seconds": 900}, [],
                     id="realtime-takes-them"),
    ],
)
def test_bp341(endpoint_patch, expected):
    assert only(check_fleet(endpoint_patch), "BP341") == expected
