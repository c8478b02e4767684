import pytest

from tests.ultracluster_factory import check_ultra, fsx, only

FSX = "spec.storage.fsx"


@pytest.mark.parametrize(
    "nodes, file_system, expected",
    [
        # 2 x 8 A100 = 16 GPUs; 4800 GiB x 500 MB/s/TiB = 2,344 MB/s = 146 MB/s per GPU
        pytest.param(2, {"storage_capacity_gib": 4800, "throughput_per_tib": 500}, [], id="enough"),
        # 16 x 8 = 128 GPUs; 1200 GiB x 125 = 146 MB/s, about 1 MB/s per GPU
        pytest.param(16, {"storage_capacity_gib": 1200, "throughput_per_tib": 125}, [("BP210", FSX)], id="starved"),
        pytest.param(16, fsx(throughput_per_gpu_mbps=60), [], id="sized-to-the-rule"),
        pytest.param(16, fsx(throughput_per_gpu_mbps=20), [("BP210", FSX)], id="sized-below-the-rule"),
    ],
)
def test_bp210(nodes, file_system, expected):
    assert only(check_ultra({"spec": {"nodes": nodes, "storage": {"fsx": file_system}}}), "BP210") == expected


def test_bp210_can_be_suppressed_with_a_reason():
    report = check_ultra(
        {
            "metadata": {"suppress": [{"rule": "BP210", "reason": "the tokenised corpus is cached in node memory"}]},
            "spec": {"nodes": 16, "storage": {"fsx": {"storage_capacity_gib": 1200, "throughput_per_tib": 125}}},
        }
    )
    assert report.diagnostics == []
