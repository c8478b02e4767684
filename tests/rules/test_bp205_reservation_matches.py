import pytest

from tests.ultracluster_factory import check_ultra, only

CR = "cr-0123456789abcdef0"


@pytest.mark.parametrize(
    "capacity, expected",
    [
        pytest.param({"source": "reservation", "reservation_id": CR, "reservation_zone": "us-east-1a"}, [], id="same-zone"),
        pytest.param(
            {"source": "reservation", "reservation_id": CR, "reservation_zone": "us-east-1b"},
            [("BP205", "spec.capacity.reservation_zone")], id="other-zone",
        ),
        pytest.param(
            {"source": "capacity-block", "reservation_id": CR, "reservation_zone": "us-east-1c"},
            [("BP205", "spec.capacity.reservation_zone")], id="block-other-zone",
        ),
        pytest.param({"source": "on-demand", "reservation_id": CR}, [("BP205", "spec.capacity.reservation_id")], id="id-without-reservation"),
        pytest.param({"source": "spot", "reservation_zone": "us-east-1a"}, [("BP205", "spec.capacity.reservation_zone")], id="zone-on-spot"),
    ],
)
def test_bp205(capacity, expected):
    assert only(check_ultra({"spec": {"capacity": capacity}}), "BP205") == expected


def test_a_reservation_must_state_its_id_and_zone():
    report = check_ultra({"spec": {"capacity": {"source": "reservation"}}})
    assert sorted((d.code, d.path) for d in report.diagnostics) == [
        ("BP021", "spec.capacity.reservation_id"),
        ("BP021", "spec.capacity.reservation_zone"),
    ]
