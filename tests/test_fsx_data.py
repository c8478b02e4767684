"""mlblueprints/data/fsx_lustre.json is what scripts/refresh_fsx.py builds from botocore's FSx model."""

from __future__ import annotations

import json

import pytest

from scripts import refresh_fsx
from scripts.data_file import comparable, differences, one_line, render
from scripts.refresh_fsx import WordingChanged, build_from, parse_capacity, parse_kms, parse_throughput

TYPES = ["SCRATCH_1", "SCRATCH_2", "PERSISTENT_1", "PERSISTENT_2"]

# The documentation strings of botocore 1.44.8's fsx/2018-03-01 model, cut to the Lustre parts.
CAPACITY_DOC = (
    "<p>Sets the storage capacity of the file system that you're creating, in gibibytes (GiB).</p> "
    "<ul> <li> <p>For <code>SCRATCH_2</code>, <code>PERSISTENT_2</code>, and <code>PERSISTENT_1</code> deployment "
    "types using SSD storage type, the valid values are 1200 GiB, 2400 GiB, and increments of 2400 GiB.</p> </li> "
    "<li> <p>For <code>PERSISTENT_1</code> HDD file systems, valid values are increments of 6000 GiB for 12 MB/s/TiB "
    "file systems and increments of 1800 GiB for 40 MB/s/TiB file systems.</p> </li> "
    "<li> <p>For <code>SCRATCH_1</code> deployment type, valid values are 1200 GiB, 2400 GiB, and increments of "
    "3600 GiB.</p> </li> </ul> "
    "<ul> <li> <p>For SSD storage, valid values are 32 GiB-65,536 GiB (64 TiB).</p> </li> </ul>"
)
THROUGHPUT_DOC = (
    "<p>Required with <code>PERSISTENT_1</code> and <code>PERSISTENT_2</code> deployment types using an SSD or HDD "
    "storage class, provisions the amount of read and write throughput for each 1 tebibyte (TiB) of file system "
    "storage capacity, in MB/s/TiB.</p> <p>Valid values:</p> <ul> "
    "<li> <p>For <code>PERSISTENT_1</code> SSD storage: 50, 100, 200 MB/s/TiB.</p> </li> "
    "<li> <p>For <code>PERSISTENT_1</code> HDD storage: 12, 40 MB/s/TiB.</p> </li> "
    "<li> <p>For <code>PERSISTENT_2</code> SSD storage: 125, 250, 500, 1000 MB/s/TiB.</p> </li> </ul>"
)
KMS_DOC = (
    "<p>Specifies the ID of the Key Management Service (KMS) key to use for encrypting data on Amazon FSx file "
    "systems, as follows:</p> <ul> <li> <p>Amazon FSx for Lustre <code>PERSISTENT_1</code> and "
    "<code>PERSISTENT_2</code> deployment types only.</p> <p> <code>SCRATCH_1</code> and <code>SCRATCH_2</code> "
    "types are encrypted using the Amazon FSx service KMS key for your account.</p> </li> "
    "<li> <p>Amazon FSx for NetApp ONTAP</p> </li> </ul>"
)
CFNLINT_SCHEMA = {
    "allOf": [
        {
            "if": {"properties": {"FileSystemType": {"enum": ["LUSTRE"]}}, "required": ["FileSystemType"]},
            "then": {"properties": {"StorageCapacity": {"minimum": 1200}}},
        }
    ]
}


def model(capacity=CAPACITY_DOC, throughput=THROUGHPUT_DOC, kms=KMS_DOC) -> dict:
    return {
        "shapes": {
            "LustreDeploymentType": {"type": "string", "enum": TYPES},
            "CreateFileSystemRequest": {"members": {"StorageCapacity": {"documentation": capacity}}},
            "CreateFileSystemLustreConfiguration": {"members": {"PerUnitStorageThroughput": {"documentation": throughput}}},
            "KmsKeyId": {"type": "string", "documentation": kms},
        }
    }


def test_committed_file_is_what_the_script_builds_from_the_installed_botocore():
    committed = json.loads(refresh_fsx.OUT.read_text())
    try:
        built = refresh_fsx.build(as_of=committed["as_of"])
    except refresh_fsx.MissingPackage as exc:
        pytest.skip(f"cannot rebuild fsx_lustre.json here: {exc}")
    assert committed["deployment_types"] == built["deployment_types"]
    assert comparable(committed) == comparable(built), (
        "run .venv/bin/python scripts/refresh_fsx.py"
    )
    assert committed["generated_by"] == "scripts/refresh_fsx.py"


def test_the_current_wording_gives_the_ssd_limits():
    doc = build_from(model(), "1.44.8", CFNLINT_SCHEMA, "1.58.0", as_of="2026-11-27")
    assert doc["deployment_types"] == {
        "SCRATCH_1": {"capacity_gib": {"allowed": [1200, 2400], "multiple_of": 3600}, "throughput_per_tib": None, "customer_kms_key": False},
        "SCRATCH_2": {"capacity_gib": {"allowed": [1200], "multiple_of": 2400}, "throughput_per_tib": None, "customer_kms_key": False},
        "PERSISTENT_1": {"capacity_gib": {"allowed": [1200], "multiple_of": 2400}, "throughput_per_tib": [50, 100, 200], "customer_kms_key": True},
        "PERSISTENT_2": {"capacity_gib": {"allowed": [1200], "multiple_of": 2400}, "throughput_per_tib": [125, 250, 500, 1000], "customer_kms_key": True},
    }
    assert doc["source"][0].startswith("botocore 1.44.8: botocore/data/fsx/2018-03-01/service-2.json.gz")
    assert json.loads(render(doc, "deployment_types", one_line)) == doc


@pytest.mark.parametrize(
    "parse, doc, says",
    [
        pytest.param(
            parse_capacity,
            CAPACITY_DOC.replace("valid values are 1200 GiB, 2400 GiB, and increments of 3600 GiB", "see the user guide"),
            "does not match the capacity pattern",
            id="capacity-numbers-gone",
        ),
        pytest.param(
            parse_capacity,
            CAPACITY_DOC.replace("<code>SCRATCH_2</code>, <code>PERSISTENT_2</code>, and ", ""),
            "no SSD capacity sentence for SCRATCH_2, PERSISTENT_2",
            id="capacity-type-dropped",
        ),
        pytest.param(
            parse_throughput,
            THROUGHPUT_DOC.replace("125, 250, 500, 1000 MB/s/TiB", "up to 1000 MB/s/TiB"),
            "does not match the throughput pattern",
            id="throughput-numbers-gone",
        ),
        pytest.param(
            parse_throughput,
            THROUGHPUT_DOC.replace("<li> <p>For <code>PERSISTENT_2</code> SSD storage: 125, 250, 500, 1000 MB/s/TiB.</p> </li>", ""),
            "SSD tiers listed for PERSISTENT_1, but required with PERSISTENT_1, PERSISTENT_2",
            id="throughput-type-dropped",
        ),
        pytest.param(
            parse_kms,
            KMS_DOC.replace("deployment types only", "deployment types"),
            "customer-key sentence is not found",
            id="kms-reworded",
        ),
    ],
)
def test_changed_wording_fails_loudly(parse, doc, says):
    with pytest.raises(WordingChanged, match="wording changed") as raised:
        parse(doc, TYPES)
    assert says in str(raised.value)


def test_cfn_lint_disagreeing_on_the_lustre_minimum_fails():
    schema = json.loads(json.dumps(CFNLINT_SCHEMA).replace("1200", "1000"))
    with pytest.raises(ValueError, match="cfn-lint 1.58.0 .* says LUSTRE minimum 1000 GiB"):
        build_from(model(), "1.44.8", schema, "1.58.0", as_of="2026-11-27")


def test_a_different_botocore_is_a_difference_because_it_is_pinned():
    old = build_from(model(), "1.44.8", CFNLINT_SCHEMA, "1.58.0", as_of="2026-11-27")
    new = build_from(model(), "1.44.9", CFNLINT_SCHEMA, "1.58.0", as_of="2026-12-01")
    assert differences(old, new, "deployment_types") == ["source"]
