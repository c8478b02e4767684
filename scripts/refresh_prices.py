#!/usr/bin/env python3
"""Rebuild mlblueprints/data/prices.json from the shared pricing CSVs and, when given,
official AWS Price List bulk offer files.

Inputs (``--source DIR``, default ``../shared/pricing`` beside the checkout; see the
SOURCES.md there for where every row came from):

  * ``ec2_ondemand.csv``: EC2 on-demand per (region, type) with its source token and as-of;
  * ``ec2_spot_by_az.csv``: spot per availability zone id; Local Zone ids are dropped
    (a blueprint never places nodes there) and counted in the header;
  * ``storage.csv``: S3, EBS gp3 and FSx for Lustre unit prices. Only ``verified=yes``
    rows are confirmed; every other row is kept with ``verified: false`` so that any
    estimate using it says so. A row without a price is a recorded gap, not a guess.

``--offer FILE`` (repeatable) reads an AWS Price List bulk offer file in the published
JSON format (``products`` + ``terms.OnDemand.<sku>.<term>.priceDimensions``) for
AmazonEC2 (instances, EBS gp3, NAT gateway hours), AmazonSageMaker (ml.* instance
hours per component) or AmazonFSx (Lustre storage per deployment type and tier).
Offer rows replace CSV rows of the same key: the price list is the authority.
Only instance types of mlblueprints/data/instances.json are kept.

Usage:
    python scripts/refresh_prices.py [--source DIR] [--offer FILE ...] [--check]

``--check`` writes nothing and exits 1 if the committed file differs from the build,
apart from ``as_of``. Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.data_file import check_or_write, one_line  # noqa: E402

OUT = ROOT / "mlblueprints" / "data" / "prices.json"
INSTANCES = ROOT / "mlblueprints" / "data" / "instances.json"
DEFAULT_SOURCE = ROOT.parent / "shared" / "pricing"
SOURCE_FILES = ("ec2_ondemand.csv", "ec2_spot_by_az.csv", "storage.csv")

SOURCES = {
    "skypilot-catalog-v9@3e9a1751": "github.com/skypilot-org/skypilot-catalog catalogs/v9/aws/vms.csv at commit "
    "3e9a1751b1edfb3592877f242c2f8dc10fc1fc6e (Apache-2.0), built by SkyPilot from the AWS Price List API and "
    "spot price history",
    "vantage-via-tsaol-aws-gpu@77fcd9fe": "github.com/tsaol/aws-gpu data/all_gpu_instances.js at commit 77fcd9fe "
    "(instances.vantage.sh data of 2026-01-21; no license; AWS list prices as facts). Stop-gap: replace on refresh",
}


class BadInput(ValueError):
    """An input row or offer the script cannot read; nothing is written."""


def _price(text: str) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


def read_csvs(folder: Path) -> tuple[dict, list[str]]:
    rows: dict[str, dict] = {}
    gaps: list[str] = []
    for name in SOURCE_FILES:
        if not (folder / name).is_file():
            raise BadInput(f"{folder / name}: missing (pass --source with the shared pricing folder)")
    with open(folder / "ec2_ondemand.csv", newline="") as f:
        for r in csv.DictReader(f):
            key = f"ec2/{r['region']}/{r['instance_type']}"
            usd = _price(r["on_demand_usd_per_hour"])
            row = {"usd": usd, "unit": "hour", "source": r["source"], "as_of": r["as_of"], "verified": True}
            if usd is None:
                row["note"] = "no public on-demand rate (Capacity Blocks and Savings Plans only)"
            rows[key] = row
    spot: dict[str, dict] = {}
    local = 0
    with open(folder / "ec2_spot_by_az.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["is_local_zone"] == "true":
                local += 1
                continue
            usd = _price(r["spot_usd_per_hour_or_empty"])
            if usd is None:
                continue
            entry = spot.setdefault(
                f"ec2-spot/{r['region']}/{r['instance_type']}",
                {"unit": "hour", "source": r["source"], "as_of": r["as_of"], "verified": True, "by_zone": {}},
            )
            entry["by_zone"][r["availability_zone_id"]] = usd
    for key, entry in spot.items():
        zones = dict(sorted(entry["by_zone"].items()))
        rows[key] = {
            "usd": min(zones.values()), "usd_max": max(zones.values()), "unit": "hour",
            "source": entry["source"], "as_of": entry["as_of"], "verified": True, "by_zone": zones,
        }
    with open(folder / "storage.csv", newline="") as f:
        for r in csv.DictReader(f):
            key = storage_key(r)
            usd = _price(r["usd"])
            if usd is None:
                gaps.append(f"{key}: {r['verified']}")
                continue
            source = r["source"] if r["source"].strip() not in ("", "-") else "unverified list price (storage.csv)"
            row = {
                "usd": usd, "unit": r["unit"], "source": source,
                "as_of": r["as_of"] if r["as_of"].strip() not in ("", "-") else "unknown",
                "verified": r["verified"].strip() == "yes",
            }
            if key in rows:
                if rows[key]["usd"] != usd:
                    raise BadInput(f"storage.csv: two prices for {key}: {rows[key]['usd']} and {usd}")
                if rows[key]["source"].startswith("unverified"):
                    rows[key] = row  # keep the row that names where it came from
                continue
            rows[key] = row
    return rows, gaps + [f"ec2-spot: {local} Local Zone rows left out"]


def storage_key(r: dict) -> str:
    """``service/region/item`` for a storage.csv row."""
    service, region, kind, dimension = r["service"], r["region"], r["deployment_or_class"], r["dimension"]
    if service == "S3":
        return f"s3/{region}/{kind.lower()}"
    if service == "EBS":
        extra = {"storage": "", "IOPS above 3000": "-iops", "throughput above 125 MB/s": "-throughput"}
        if dimension not in extra:
            raise BadInput(f"storage.csv: unknown EBS dimension {dimension!r}")
        return f"ebs/{region}/{kind}{extra[dimension]}"
    if service == "FSxLustre":
        if kind == "all":
            return f"fsx/{region}/*"
        if kind == "backup":
            return f"fsx/{region}/backup"
        if kind.startswith("SCRATCH"):
            return f"fsx/{region}/{kind}"
        if kind == "PERSISTENT SSD 125 MB/s/TiB":  # the third-party page's name for PERSISTENT_2 at 125
            return f"fsx/{region}/PERSISTENT_2/125"
        deployment, medium = kind.split()
        tier = dimension.split()[0]
        return f"fsx/{region}/{deployment}{'-HDD' if medium == 'HDD' else ''}/{tier}"
    raise BadInput(f"storage.csv: unknown service {service!r}")


# --- AWS Price List bulk offer files -------------------------------------------------------------


def on_demand_usd(offer: dict, sku: str) -> tuple[float, str] | None:
    """The one USD price per unit of ``sku``'s on-demand term, with its unit; None without one."""
    terms = offer.get("terms", {}).get("OnDemand", {}).get(sku, {})
    found = []
    for term in terms.values():
        for dimension in term.get("priceDimensions", {}).values():
            if dimension.get("beginRange", "0") not in ("0", "0.0"):
                continue  # tiered prices: the first tier is the list price
            usd = dimension.get("pricePerUnit", {}).get("USD")
            if usd is not None:
                found.append((float(usd), dimension.get("unit", "")))
    return found[0] if len(found) == 1 else None


def parse_offer(offer: dict, known_types: set[str]) -> tuple[dict, list[str]]:
    """``service/region/item`` rows from one offer file, and the SKUs it skipped with why."""
    code = offer.get("offerCode")
    if "products" not in offer or "terms" not in offer:
        raise BadInput("not an AWS Price List offer file: no products or terms")
    source = f"aws-price-list:{code}@{offer.get('version', 'unknown')}"
    as_of = str(offer.get("publicationDate", "unknown"))[:10]
    rows: dict[str, dict] = {}
    skipped: list[str] = []
    for sku, product in sorted(offer["products"].items()):
        key = _offer_key(code, product.get("productFamily", ""), product.get("attributes", {}), known_types)
        if key is None:
            continue
        priced = on_demand_usd(offer, sku)
        if priced is None:
            skipped.append(f"{sku} ({key}): no single on-demand USD price")
            continue
        usd, unit = priced
        rows[key] = {"usd": usd, "unit": _unit(unit), "source": source, "as_of": as_of, "verified": True}
    return rows, skipped


def _unit(unit: str) -> str:
    return {"Hrs": "hour", "GB-Mo": "GB-month", "IOPS-Mo": "IOPS-month", "GiBps-mo": "MB/s-month"}.get(unit, unit)


def _offer_key(code: str, family: str, a: dict, known_types: set[str]) -> str | None:
    region = a.get("regionCode")
    if not region:
        return None
    if code == "AmazonEC2":
        if family == "Compute Instance":
            if (
                a.get("instanceType") in known_types and a.get("operatingSystem") == "Linux"
                and a.get("tenancy") == "Shared" and a.get("preInstalledSw") == "NA"
                and a.get("capacitystatus") == "Used" and a.get("licenseModel", "No License required") == "No License required"
            ):
                return f"ec2/{region}/{a['instanceType']}"
            return None
        if family == "Storage" and a.get("volumeApiName") == "gp3":
            return f"ebs/{region}/gp3"
        if family == "NAT Gateway" and a.get("usagetype", "").endswith("NatGateway-Hours"):
            return f"natgateway/{region}/hour"
        return None
    if code == "AmazonSageMaker":
        name = a.get("instanceName", "")
        if family == "ML Instance" and name in known_types and a.get("component"):
            return f"sagemaker/{region}/{name}/{a['component'].lower().replace(' ', '-')}"
        return None
    if code == "AmazonFSx":
        if family == "Storage" and a.get("fileSystemType") == "Lustre" and a.get("storageType") == "SSD":
            deployment = a.get("deploymentOption", "")
            tier = a.get("throughputCapacity", "")
            if deployment.startswith("SCRATCH"):
                return f"fsx/{region}/{deployment}"
            if deployment.startswith("PERSISTENT") and tier.isdigit():
                return f"fsx/{region}/{deployment}/{tier}"
        return None
    raise BadInput(f"offer code {code!r} is not one of AmazonEC2, AmazonSageMaker, AmazonFSx")


def build(source: Path, offers: list[Path], as_of: str) -> dict:
    rows, gaps = read_csvs(source)
    known = set(json.loads(INSTANCES.read_text())["instances"])
    offer_notes = []
    for path in offers:
        try:
            offer = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise BadInput(f"{path}: {error}") from error
        parsed, skipped = parse_offer(offer, known)
        rows.update(parsed)
        offer_notes.append(f"{path.name}: {offer.get('offerCode')} {offer.get('version')}, {len(parsed)} rows")
        gaps.extend(f"{path.name}: {s}" for s in skipped)
    sources = dict(SOURCES)
    for row in rows.values():
        sources.setdefault(row["source"], row["source"])
    return {
        "schema_version": 1,
        "generated_by": "scripts/refresh_prices.py",
        "as_of": as_of,
        "currency": "USD",
        "notes": [
            "keys are service/region/item; usd is per unit; null means no public price (never guessed)",
            "ec2-spot: usd is the lowest and usd_max the highest spot price over the region's standard zones "
            "(by_zone, AZ ids) at snapshot time; a snapshot, not a forecast",
            "verified false: an unconfirmed list price; every estimate that uses one says so",
            "no SageMaker ml.* prices offline: pass the AmazonSageMaker offer file or a price override",
        ],
        "sources": dict(sorted(sources.items())),
        "offers": offer_notes,
        "gaps": gaps,
        "prices": dict(sorted(rows.items())),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder of the pricing CSVs")
    ap.add_argument("--offer", type=Path, action="append", default=[], help="an AWS Price List bulk offer JSON file")
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if the committed file is out of date")
    args = ap.parse_args(argv)
    try:
        doc = build(args.source, args.offer, datetime.date.today().isoformat())
    except BadInput as error:
        print(f"error: {error}", file=sys.stderr)
        print(f"{OUT.relative_to(ROOT)} not written", file=sys.stderr)
        return 1
    return check_or_write(
        OUT, doc, root=ROOT, script="scripts/refresh_prices.py", table="prices", entry=one_line, check=args.check
    )


if __name__ == "__main__":
    sys.exit(main())
