import pytest

from tests.blueprint_factory import check_patch, codes


@pytest.mark.parametrize(
    "spec, expected",
    [
        pytest.param({"efa": True}, [("BP131", "spec.efa")], id="g5-2xlarge-has-no-efa"),
        pytest.param({"efa": False}, [], id="opt-out-anywhere"),
        pytest.param({"instance": {"type": "p4d.24xlarge"}, "efa": True}, [], id="p4d"),
        pytest.param({"instance": {"type": "g5.8xlarge"}, "efa": True}, [], id="g5-8xlarge-one-card"),
    ],
)
def test_bp131(spec, expected):
    assert [c for c in codes(check_patch({"spec": spec})) if c[0] == "BP131"] == expected
