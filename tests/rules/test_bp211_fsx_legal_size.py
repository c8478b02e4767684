import pytest

from tests.ultracluster_factory import check_ultra, fsx, only

FSX = "spec.storage.fsx"
EXISTING = {
    "file_system_id": "fs-0123456789abcdef0",
    "dns_name": "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com",
    "mount_name": "abcdefgh",
    "availability_zone": "us-east-1a",
}
REPOSITORY = {"bucket": "team-datasets", "prefix": "llm/tokens"}


@pytest.mark.parametrize(
    "storage, expected",
    [
        pytest.param({"fsx": fsx(storage_capacity_gib=1200)}, [], id="1200-default-throughput"),
        pytest.param({"fsx": fsx(storage_capacity_gib=3600)}, [("BP211", f"{FSX}.storage_capacity_gib")], id="3600"),
        pytest.param({"fsx": fsx(storage_capacity_gib=2400, throughput_per_tib=200)}, [("BP211", f"{FSX}.throughput_per_tib")], id="p1-tier"),
        pytest.param({"fsx": fsx(throughput_per_gpu_mbps=200)}, [], id="sized"),
        pytest.param({"fsx": fsx(throughput_per_gpu_mbps=100000)}, [], id="sized-large-but-possible"),
        pytest.param({"fsx": fsx(existing=EXISTING)}, [], id="existing"),
        pytest.param({"fsx": fsx(existing=EXISTING), "data_repository": REPOSITORY}, [("BP211", "spec.storage.data_repository")], id="existing-with-association"),
        pytest.param({"fsx": fsx(storage_capacity_gib=2400), "data_repository": REPOSITORY}, [], id="new-with-association"),
    ],
)
def test_bp211(storage, expected):
    assert only(check_ultra({"spec": {"storage": storage}}), "BP211") == expected


def test_bp211_when_no_file_system_is_large_enough():
    report = check_ultra({"spec": {"nodes": 1000, "storage": {"fsx": fsx(throughput_per_gpu_mbps=100000)}}})
    assert only(report, "BP211") == [("BP211", f"{FSX}.throughput_per_gpu_mbps")]


def test_capacity_hint_names_neighbouring_legal_sizes():
    (diagnostic,) = [d for d in check_ultra({"spec": {"storage": {"fsx": fsx(storage_capacity_gib=3600)}}}).diagnostics if d.code == "BP211"]
    assert diagnostic.hint == "use 2400 or 4800"
