import pytest

from tests.blueprint_factory import check_patch, codes

CAPACITY = "spec.storage.fsx.storage_capacity_gib"
THROUGHPUT = "spec.storage.fsx.throughput_per_tib"


def fsx(**fields):
    return {"spec": {"availability_zones": ["us-east-1a"], "storage": {"fsx": fields}}}


@pytest.mark.parametrize(
    "fields, expected",
    [
        pytest.param({"storage_capacity_gib": 1200}, [], id="p2-1200-default-throughput"),
        pytest.param({"storage_capacity_gib": 4800, "throughput_per_tib": 1000}, [], id="p2-4800-1000"),
        pytest.param({"storage_capacity_gib": 3600}, [("BP105", CAPACITY)], id="p2-3600-not-multiple-of-2400"),
        pytest.param({"storage_capacity_gib": 2400, "throughput_per_tib": 200}, [("BP105", THROUGHPUT)], id="p2-p1-throughput"),
        pytest.param(
            {"deployment_type": "PERSISTENT_1", "storage_capacity_gib": 2400, "throughput_per_tib": 200}, [], id="p1-200"
        ),
        pytest.param(
            {"deployment_type": "PERSISTENT_1", "storage_capacity_gib": 2400},
            [("BP105", "spec.storage.fsx.deployment_type")],
            id="p1-needs-throughput",
        ),
        pytest.param({"deployment_type": "SCRATCH_1", "storage_capacity_gib": 2400}, [], id="s1-2400"),
        pytest.param({"deployment_type": "SCRATCH_1", "storage_capacity_gib": 7200}, [], id="s1-7200"),
        pytest.param({"deployment_type": "SCRATCH_1", "storage_capacity_gib": 4800}, [("BP105", CAPACITY)], id="s1-4800"),
        pytest.param(
            {"deployment_type": "SCRATCH_2", "storage_capacity_gib": 1200, "throughput_per_tib": 250},
            [("BP105", THROUGHPUT)],
            id="scratch-has-no-throughput-setting",
        ),
    ],
)
def test_bp105(fields, expected):
    assert [c for c in codes(check_patch(fsx(**fields))) if c[0] == "BP105"] == expected


def test_capacity_hint_names_neighbouring_legal_sizes():
    report = check_patch(fsx(storage_capacity_gib=3600))
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP105"]
    assert diagnostic.hint == "use 2400 or 4800"
