#!/usr/bin/env python3
"""Rebuild mlblueprints/data/fsx_lustre.json from botocore's FSx API model.

botocore ships the FSx API model (``botocore/data/fsx/2018-03-01/service-2.json.gz``),
and the documentation strings of its shapes are the text of the FSx API reference.
This script reads that file as data (botocore is not imported) and takes from it:

  * the deployment types: the ``LustreDeploymentType`` enum;
  * legal capacities: ``CreateFileSystemRequest.StorageCapacity``
    ("... valid values are 1200 GiB, 2400 GiB, and increments of 2400 GiB.");
  * throughput tiers: ``CreateFileSystemLustreConfiguration.PerUnitStorageThroughput``
    ("For PERSISTENT_2 SSD storage: 125, 250, 500, 1000 MB/s/TiB."), and which
    types take one at all ("Required with PERSISTENT_1 and PERSISTENT_2 ...");
  * customer KMS keys: the ``KmsKeyId`` shape (what ``CreateFileSystemRequest.KmsKeyId``
    refers to): "PERSISTENT_1 and PERSISTENT_2 deployment types only", scratch types
    use the FSx service key.

Only SSD storage is kept: mlblueprints does not offer HDD file systems, so the
PERSISTENT_1 HDD sentences are recognised and skipped.

Checks (any failure exits non-zero and writes nothing):
  * every sentence about a Lustre deployment type matches its pattern, and every
    type in the enum gets exactly one capacity sentence, throughput tiers exactly
    when the model says throughput is required, and a key ownership. Changed
    wording is an error naming the shape and the sentence, never a guess;
  * the smallest legal Lustre capacity equals the LUSTRE ``minimum`` in the
    installed cfn-lint's ``aws_fsx_filesystem/storage_capacity.json``.

Usage:
    python scripts/refresh_fsx.py [--check]

``--check`` writes nothing and exits 1 if the committed file differs from what
would be written, apart from ``as_of`` (the day the file was written). botocore
and cfn-lint are pinned, so a different recorded version is a difference too.

Runs on the standard library; botocore (the ``e2e`` extra, which ``make test``
installs) and cfn-lint must be installed.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import html
import json
import re
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.data_file import check_or_write, one_line  # noqa: E402

OUT = ROOT / "mlblueprints" / "data" / "fsx_lustre.json"
MODEL = "botocore/data/fsx/2018-03-01/service-2.json.gz"
CFNLINT_CAPACITY = "cfnlint/data/schemas/extensions/aws_fsx_filesystem/storage_capacity.json"
API_REFERENCE = [
    "https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystem.html (StorageCapacity, KmsKeyId)",
    "https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreConfiguration.html (PerUnitStorageThroughput)",
]
NOTES = [
    "SSD deployment types only: the model's PERSISTENT_1 HDD capacities and 12/40 MB/s/TiB tiers are left out "
    "because mlblueprints does not offer HDD storage.",
    "capacity_gib: a capacity is legal if it is in `allowed` or a multiple of `multiple_of`; the API reference's "
    "values that are already multiples (2400 for SCRATCH_2 and PERSISTENT_*) are left out of `allowed`.",
    "throughput_per_tib: MB/s per TiB; null where the API takes no PerUnitStorageThroughput (scratch types).",
    "customer_kms_key: false where the FSx service key of the account encrypts the file system (scratch types).",
]

TYPE = r"[A-Z]+_[0-9]+"
TYPES = rf"{TYPE}(?:(?:,| and|, and) {TYPE})*"
# CreateFileSystemRequest.StorageCapacity, one <li> per sentence, e.g.
# "For SCRATCH_2, PERSISTENT_2, and PERSISTENT_1 deployment types using SSD storage type,
#  the valid values are 1200 GiB, 2400 GiB, and increments of 2400 GiB."
CAPACITY = re.compile(
    rf"For (?P<types>{TYPES}) deployment types?(?: using SSD storage type)?, (?:the )?valid values are "
    r"(?P<values>[0-9]+ GiB(?:, [0-9]+ GiB)*),? and increments of (?P<step>[0-9]+) GiB\."
)
# CreateFileSystemLustreConfiguration.PerUnitStorageThroughput.
THROUGHPUT_REQUIRED = re.compile(rf"Required with (?P<types>{TYPES}) deployment types using an SSD or HDD storage class")
THROUGHPUT = re.compile(rf"For (?P<type>{TYPE}) (?P<storage>SSD|HDD) storage: (?P<values>[0-9]+(?:, [0-9]+)*) MB/s/TiB\.")
# The KmsKeyId shape.
KMS_CUSTOMER = re.compile(rf"Amazon FSx for Lustre (?P<types>{TYPES}) deployment types only\.")
KMS_SERVICE = re.compile(rf"(?P<types>{TYPES}) types are encrypted using the Amazon FSx service KMS key for your account\.")
MENTIONS_TYPE = re.compile(r"\b(?:SCRATCH|PERSISTENT)_[0-9]+\b")


class WordingChanged(ValueError):
    """A documentation string no longer reads the way a pattern here expects."""


class MissingPackage(RuntimeError):
    """botocore or cfn-lint is not installed."""


def plain(fragment: str) -> str:
    """The text of an HTML fragment of the model: tags dropped, entities decoded, spaces collapsed."""
    inline_dropped = re.sub(r"</?(?:code|b|i|a)\b[^>]*>", "", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline_dropped)).split())


def list_items(doc: str) -> list[str]:
    return [plain(item) for item in re.findall(r"<li>(.*?)</li>", doc, flags=re.S)]


def type_names(text: str) -> list[str]:
    return re.findall(TYPE, text)


def changed(where: str, what: str, text: str) -> WordingChanged:
    return WordingChanged(
        f"{where}: {what}. The documentation wording changed; read it and update the pattern in "
        f"scripts/refresh_fsx.py (nothing was written).\n  text: {text!r}"
    )


def parse_capacity(doc: str, deployment_types: list[str]) -> dict[str, dict]:
    """``{type: {"allowed": [...], "multiple_of": n}}`` from the StorageCapacity documentation."""
    where = "CreateFileSystemRequest.StorageCapacity"
    found: dict[str, dict] = {}
    for item in list_items(doc):
        if not MENTIONS_TYPE.search(item) or "HDD" in item:
            continue  # other file-system kinds, or HDD (not offered)
        match = CAPACITY.fullmatch(item)
        if not match:
            raise changed(where, "a sentence about a Lustre deployment type does not match the capacity pattern", item)
        values = [int(v) for v in re.findall(r"[0-9]+", match["values"])]
        step = int(match["step"])
        for name in type_names(match["types"]):
            if name in found:
                raise changed(where, f"{name} has two capacity sentences", item)
            found[name] = {"allowed": [v for v in values if v % step], "multiple_of": step}
    missing = [t for t in deployment_types if t not in found]
    if missing:
        raise changed(where, f"no SSD capacity sentence for {', '.join(missing)}", plain(doc))
    unknown = sorted(set(found) - set(deployment_types))
    if unknown:
        raise changed(where, f"capacities for {', '.join(unknown)}, which LustreDeploymentType does not list", plain(doc))
    return found


def parse_throughput(doc: str, deployment_types: list[str]) -> dict[str, list[int] | None]:
    """``{type: [MB/s/TiB, ...] or None}`` from the PerUnitStorageThroughput documentation."""
    where = "CreateFileSystemLustreConfiguration.PerUnitStorageThroughput"
    required = THROUGHPUT_REQUIRED.search(plain(doc))
    if not required:
        raise changed(where, "the sentence saying which deployment types require it is not found", plain(doc))
    takes_throughput = type_names(required["types"])
    tiers: dict[str, list[int]] = {}
    for item in list_items(doc):
        if not MENTIONS_TYPE.search(item):
            continue
        match = THROUGHPUT.fullmatch(item)
        if not match:
            raise changed(where, "a sentence about a Lustre deployment type does not match the throughput pattern", item)
        if match["storage"] == "HDD":
            continue  # not offered
        if match["type"] in tiers:
            raise changed(where, f"{match['type']} has two SSD throughput sentences", item)
        tiers[match["type"]] = [int(v) for v in match["values"].split(", ")]
    if sorted(tiers) != sorted(takes_throughput):
        raise changed(
            where,
            f"SSD tiers listed for {', '.join(sorted(tiers)) or 'no type'}, but required with "
            f"{', '.join(sorted(takes_throughput))}",
            plain(doc),
        )
    unknown = sorted(set(tiers) - set(deployment_types))
    if unknown:
        raise changed(where, f"tiers for {', '.join(unknown)}, which LustreDeploymentType does not list", plain(doc))
    return {t: tiers.get(t) for t in deployment_types}


def parse_kms(doc: str, deployment_types: list[str]) -> dict[str, bool]:
    """``{type: whether a customer KMS key applies}`` from the KmsKeyId documentation."""
    where = "KmsKeyId"
    text = plain(doc)
    customer, service = KMS_CUSTOMER.search(text), KMS_SERVICE.search(text)
    if not customer or not service:
        which = "customer-key" if not customer else "service-key"
        raise changed(where, f"the Lustre {which} sentence is not found", text)
    own, fsx_key = set(type_names(customer["types"])), set(type_names(service["types"]))
    if own & fsx_key or own | fsx_key != set(deployment_types):
        raise changed(
            where,
            f"customer key for {', '.join(sorted(own))} and service key for {', '.join(sorted(fsx_key))} "
            f"do not split {', '.join(deployment_types)}",
            text,
        )
    return {t: t in own for t in deployment_types}


def installed_file(distribution: str, path: str) -> tuple[Path, str]:
    """A data file of an installed distribution and the distribution's version, without importing it."""
    try:
        dist = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        raise MissingPackage(
            f"{distribution} is not installed; install the project with its e2e extra (make test does): "
            "pip install -e '.[cdk,test,e2e]'"
        ) from None
    file = Path(dist.locate_file(path))
    if not file.is_file():
        raise MissingPackage(f"{distribution} {dist.version} has no {path}")
    return file, dist.version


def cfnlint_lustre_minimum(schema: dict) -> int:
    for branch in schema.get("allOf", []):
        condition = branch.get("if", {}).get("properties", {}).get("FileSystemType", {})
        if condition.get("enum") == ["LUSTRE"]:
            return branch["then"]["properties"]["StorageCapacity"]["minimum"]
    raise ValueError(f"cfn-lint's {CFNLINT_CAPACITY} has no LUSTRE StorageCapacity minimum")


def shape_field(model: dict, path: str, field: str):
    """``field`` of a shape (``"KmsKeyId"``) or of a shape's member (``"CreateFileSystemRequest.StorageCapacity"``)."""
    shape, _, member = path.partition(".")
    node = model["shapes"].get(shape, {})
    if member:
        node = node.get("members", {}).get(member, {})
    if field not in node:
        raise WordingChanged(f"the FSx model has no {field} for {path}; the model changed shape, see {MODEL}")
    return node[field]


def build_from(model: dict, botocore_version: str, cfnlint_schema: dict, cfnlint_version: str, as_of: str) -> dict:
    deployment_types = shape_field(model, "LustreDeploymentType", "enum")
    capacity = parse_capacity(shape_field(model, "CreateFileSystemRequest.StorageCapacity", "documentation"), deployment_types)
    throughput = parse_throughput(
        shape_field(model, "CreateFileSystemLustreConfiguration.PerUnitStorageThroughput", "documentation"), deployment_types
    )
    kms = parse_kms(shape_field(model, "KmsKeyId", "documentation"), deployment_types)

    smallest = min(min(c["allowed"] + [c["multiple_of"]]) for c in capacity.values())
    cfn_minimum = cfnlint_lustre_minimum(cfnlint_schema)
    if smallest != cfn_minimum:
        raise ValueError(
            f"the FSx model's smallest Lustre capacity is {smallest} GiB, but cfn-lint {cfnlint_version} "
            f"({CFNLINT_CAPACITY}) says LUSTRE minimum {cfn_minimum} GiB"
        )
    return {
        "source": [
            f"botocore {botocore_version}: {MODEL} (LustreDeploymentType; CreateFileSystemRequest.StorageCapacity; "
            "CreateFileSystemLustreConfiguration.PerUnitStorageThroughput; KmsKeyId)",
            *API_REFERENCE,
        ],
        "as_of": as_of,
        "generated_by": "scripts/refresh_fsx.py",
        "checked_against": f"cfn-lint {cfnlint_version}: {CFNLINT_CAPACITY} (LUSTRE minimum {cfn_minimum} GiB)",
        "notes": NOTES,
        "deployment_types": {
            t: {"capacity_gib": capacity[t], "throughput_per_tib": throughput[t], "customer_kms_key": kms[t]}
            for t in deployment_types
        },
    }


def build(as_of: str) -> dict:
    """The file's content from the installed botocore and cfn-lint."""
    model_file, botocore_version = installed_file("botocore", MODEL)
    schema_file, cfnlint_version = installed_file("cfn-lint", CFNLINT_CAPACITY)
    model = json.loads(gzip.decompress(model_file.read_bytes()))
    return build_from(model, botocore_version, json.loads(schema_file.read_text()), cfnlint_version, as_of)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if the committed file is out of date")
    args = ap.parse_args(argv)

    try:
        doc = build(datetime.date.today().isoformat())
    except (WordingChanged, MissingPackage, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        print(f"{OUT.relative_to(ROOT)} not written", file=sys.stderr)
        return 1
    return check_or_write(
        OUT, doc, root=ROOT, script="scripts/refresh_fsx.py", table="deployment_types", entry=one_line, check=args.check
    )

if __name__ == "__main__":
    sys.exit(main())
