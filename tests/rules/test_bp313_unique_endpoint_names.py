import copy

import pytest

from tests.fleet_factory import check_fleet, endpoint, only

A = {"name": "a", "model": {"artifact": "a/model.tar.gz"}}


@pytest.mark.parametrize(
    "endpoints, expected",
    [
        pytest.param([endpoint(), endpoint({"name": "embed"})], [], id="distinct"),
        pytest.param([endpoint(), endpoint()], [("BP313", "spec.endpoints[1].name")], id="same-endpoint-name"),
        pytest.param([endpoint({"variants": [A, copy.deepcopy(A)]})], [("BP313", "spec.endpoints[0].variants[1].name")], id="same-variant"),
        pytest.param([endpoint({"variants": [A], "shadow": copy.deepcopy(A)})], [("BP313", "spec.endpoints[0].shadow.name")],
                     id="shadow-reuses-name"),
        pytest.param([endpoint({"variants": [A, dict(copy.deepcopy(A), name="A")]})],
                     [("BP313", "spec.endpoints[0].variants[1].name")], id="case-does-not-count"),
    ],
)
def test_bp313(endpoints, expected):
    assert only(check_fleet(endpoints=endpoints), "BP313") == expected
