import pytest

from tests.ultracluster_factory import check_ultra, fsx, only


def existing(zone):
    return {
        "file_system_id": "fs-0123456789abcdef0",
        "dns_name": "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com",
        "mount_name": "abcdefgh",
        "availability_zone": zone,
    }


@pytest.mark.parametrize(
    "file_system, expected",
    [
        pytest.param(fsx(storage_capacity_gib=4800), [], id="new-file-system"),
        pytest.param(fsx(existing=existing("us-east-1a")), [], id="existing-same-zone"),
        pytest.param(fsx(existing=existing("us-east-1b")), [("BP208", "spec.storage.fsx.existing.availability_zone")], id="existing-other-zone"),
    ],
)
def test_bp208(file_system, expected):
    assert only(check_ultra({"spec": {"storage": {"fsx": file_system}}}), "BP208") == expected
