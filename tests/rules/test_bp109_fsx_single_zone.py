import pytest

from tests.blueprint_factory import check_patch, codes

FSX = {"storage_capacity_gib": 1200}


@pytest.mark.parametrize(
    "spec, expected",
    [
        pytest.param({"availability_zones": ["us-east-1a"], "storage": {"fsx": FSX}}, [], id="pinned"),
        pytest.param({"storage": {"fsx": FSX}}, [("BP109", "spec.storage.fsx")], id="any-zone"),
        pytest.param(
            {"availability_zones": ["us-east-1a", "us-east-1b"], "storage": {"fsx": FSX}},
            [("BP109", "spec.storage.fsx")],
            id="two-zones",
        ),
        pytest.param({}, [], id="no-fsx"),
    ],
)
def test_bp109(spec, expected):
    assert [c for c in codes(check_patch({"spec": spec})) if c[0] == "BP109"] == expected


def test_bp109_is_a_warning_that_can_be_suppressed():
    patch = {
        "spec": {"storage": {"fsx": FSX}},
        "metadata": {"suppress": [{"rule": "BP109", "reason": "nodes only read from FSx once per epoch"}]},
    }
    report = check_patch(patch)
    assert codes(report) == []
    assert report.blueprints
