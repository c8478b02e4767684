import pytest

from tests.blueprint_factory import check_patch, codes

ENTRY = {"resource": "StorageFileSystem61EA7B3D", "reason": "backed up to s3://archive/fsx on 2026-11-30"}


@pytest.mark.parametrize(
    "allow, expected",
    [
        pytest.param([], [], id="none"),
        pytest.param([ENTRY], [("BP500", "metadata.allow_replacement[0].resource")], id="one-entry"),
        pytest.param([ENTRY, {**ENTRY, "resource": "StorageDataBucketB1B922FA"}],
                     [("BP500", "metadata.allow_replacement[0].resource"),
                      ("BP500", "metadata.allow_replacement[1].resource")], id="two-entries"),
    ],
)
def test_bp500(allow, expected):
    report = check_patch({"metadata": {"allow_replacement": allow}})
    assert [c for c in codes(report) if c[0] == "BP500"] == expected


@pytest.mark.parametrize(
    "entry, path",
    [
        pytest.param({"resource": "Storage/FileSystem", "reason": "a long enough reason"},
                     "metadata.allow_replacement[0].resource", id="not-a-logical-id"),
        pytest.param({"resource": "StorageFileSystem61EA7B3D", "reason": "short"},
                     "metadata.allow_replacement[0].reason", id="reason-too-short"),
        pytest.param({"resource": "StorageFileSystem61EA7B3D"}, "metadata.allow_replacement[0].reason", id="no-reason"),
    ],
)
def test_schema_refuses_bad_entries(entry, path):
    report = check_patch({"metadata": {"allow_replacement": [entry]}})
    assert report.has_errors
    assert any(p == path for _, p in codes(report)), codes(report)


def test_model_keeps_the_entries():
    report = check_patch({"metadata": {"allow_replacement": [ENTRY]}})
    (blueprint,) = report.blueprints
    assert [(a.resource, a.reason) for a in blueprint.metadata.allow_replacement] == [
        (ENTRY["resource"], ENTRY["reason"])
    ]
