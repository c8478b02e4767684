#!/usr/bin/env python3
"""Rebuild mlblueprints/data/instances.json from scripts/catalog_source.yaml.

Checks before writing (any failure exits non-zero and writes nothing):
  * every EC2 type exists in the installed cfn-lint's EC2 enum (except the
    listed, explained exceptions), every ml.* type in its SageMaker enum;
  * each entry is complete and consistent (EFA count vs. network cards, ...);
  * GPU count and memory agree with the SageMaker SDK's instance_gpu_info.json
    (from the sagemaker-core wheel). That file has typo keys such as
    ml.g5n.xlarge, so it is a cross-check: count mismatches fail, memory
    differences under 10 % are reported as warnings.

Usage:
    python scripts/refresh_catalog.py [--wheel PATH | --sdk-version X.Y.Z] [--check]

Runs on the standard library, PyYAML and ``pip download``.
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlblueprints.catalog import cfnlint_offerings as offerings  # noqa: E402  (reads cfn-lint JSON, no cfnlint import)
from refresh_images import sagemaker_core_wheel, wheel_version  # noqa: E402

SOURCE = ROOT / "scripts" / "catalog_source.yaml"
OUT = ROOT / "mlblueprints" / "data" / "instances.json"
GPU_INFO = "sagemaker/core/image_uri_config/instance_gpu_info.json"
SPEC_FIELDS = ("vcpus", "memory_gib", "network_gbps", "efa", "network_cards", "arch", "cluster_placement", "local_nvme")
MEMORY_TOLERANCE = 0.10


class Problems:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, msg: str) -> None:
        self.errors.append(msg)

    def warn(self, msg: str) -> None:
        self.warnings.append(msg)


def ec2_entries(src: dict, problems: Problems) -> dict[str, dict]:
    out: dict[str, dict] = {}
    efa_facts = src["efa_facts"]
    for family, fam in src["families"].items():
        for name, row in fam["sizes"].items():
            spec = {**fam.get("defaults", {}), **row}
            missing = [f for f in SPEC_FIELDS if spec.get(f) is None]
            if missing:
                problems.error(f"{name}: missing {', '.join(missing)} in {SOURCE.name}")
                continue
            if name.split(".")[0] != family:
                problems.error(f"{name}: listed under family {family}")
            acc = fam["accelerator"]
            if acc and not row.get("count"):
                problems.error(f"{name}: accelerator family without a count")
            if acc and (acc["kind"] == "neuron") != ("cores_per_device" in acc):
                # NPROC_PER_NODE is count x cores_per_device; a Neuron family without it would
                # start one process per chip and leave most NeuronCores idle.
                problems.error(f"{name}: cores_per_device is required on Neuron accelerators and only there")
            efa = spec["efa"]
            if efa and efa > spec["network_cards"] and spec["network_cards"] > 1:
                problems.error(f"{name}: {efa} EFA interfaces but only {spec['network_cards']} network cards")
            if efa and spec["network_cards"] > 1 and efa != spec["network_cards"]:
                # The UltraCluster layout puts one EFA on every card; a type with EFA on only
                # some cards (p6-b300's card 0 is ENA-only) needs per-card data first.
                problems.error(f"{name}: {efa} EFA interfaces on {spec['network_cards']} network cards; record which cards carry EFA")
            out[name] = {
                "family": family,
                "accelerator": {**acc, "count": row["count"]} if acc else None,
                "vcpus": spec["vcpus"],
                "memory_gib": spec["memory_gib"],
                "network_gbps": spec["network_gbps"],
                "efa_supported": efa > 0,
                "max_efa_interfaces": efa,
                "efa_only_supported": efa > 0 and name not in efa_facts["efa_only_unsupported"],
                "efa_rdma": efa > 0 and family in efa_facts["rdma_families"],
                "network_cards": spec["network_cards"],
                "cluster_placement": spec["cluster_placement"],
                "local_nvme": spec["local_nvme"],
                "arch": spec["arch"],
                "on_demand_usd_per_hour": spec.get("price"),
            }
    return out


def check_ec2_enum(ec2: dict[str, dict], src: dict, problems: Problems) -> None:
    known = set().union(*offerings("ec2").values())
    allowed = src.get("allow_missing_from_ec2_enum", {})
    for name in ec2:
        if name not in known and name not in allowed:
            problems.error(f"{name}: not in cfn-lint's EC2 instance-type enum (typo, or retired?)")
        if name in known and name in allowed:
            problems.warn(f"{name}: now in cfn-lint's EC2 enum; drop it from allow_missing_from_ec2_enum")


def sagemaker_entries(ec2: dict[str, dict], src: dict, problems: Problems) -> dict[str, dict]:
    cfg = src["sagemaker"]
    known = {svc: set().union(*offerings(svc).values()) for svc in cfg["services"]}
    out: dict[str, dict] = {}
    for name in ec2:
        ml = f"ml.{name}"
        if any(ml in names for names in known.values()):
            out[ml] = {"ec2": name, "on_demand_usd_per_hour": cfg["prices"].get(ml)}
    for ml in cfg["prices"]:
        if ml not in out:
            problems.error(f"{ml}: priced in {SOURCE.name} but not a SageMaker {'/'.join(cfg['services'])} type in cfn-lint")
    return out


def sdk_gpu_info(wheel: Path) -> dict[str, set[tuple[int, int]]]:
    with zipfile.ZipFile(wheel) as zf:
        doc = json.loads(zf.read(GPU_INFO))
    merged: dict[str, set[tuple[int, int]]] = {}
    for per_region in doc.values():
        for name, info in per_region.items():
            merged.setdefault(name, set()).add((info["Count"], info["TotalGpuMemoryInMiB"]))
    return merged


def cross_check(ec2: dict[str, dict], sdk: dict[str, set[tuple[int, int]]], problems: Problems) -> list[str]:
    report = []
    sagemaker_types = set().union(*(set().union(*offerings(s).values()) for s in ("hosting", "cluster", "processing", "transform")))
    ec2_types = set().union(*offerings("ec2").values())
    for ml, values in sorted(sdk.items()):
        name = ml.removeprefix("ml.")
        if ml not in sagemaker_types and name not in ec2_types:
            report.append(f"SDK lists {ml}: unknown to cfn-lint for EC2 and SageMaker (typo key or retired type)")
        entry = ec2.get(name)
        if entry is None:
            continue
        acc = entry["accelerator"]
        for count, mib in sorted(values):
            if not acc or acc["kind"] != "gpu":
                problems.error(f"{ml}: SDK says {count} GPUs, catalog has none")
                continue
            if count != acc["count"]:
                problems.error(f"{ml}: SDK GPU count {count} != catalog {acc['count']}")
            ours = acc["count"] * acc["memory_gib"] * 1024
            diff = abs(mib - ours) / ours
            if diff > MEMORY_TOLERANCE:
                problems.error(f"{ml}: SDK GPU memory {mib} MiB != catalog {ours:.0f} MiB")
            elif diff:
                problems.warn(f"{ml}: SDK GPU memory {mib} MiB vs catalog {ours:.0f} MiB ({diff:.1%})")
            else:
                report.append(f"{ml}: GPU count and memory agree")
    for name, entry in sorted(ec2.items()):
        if entry["accelerator"] and entry["accelerator"]["kind"] == "gpu" and f"ml.{name}" not in sdk:
            report.append(f"ml.{name}: not in the SDK's instance_gpu_info.json (no cross-check)")
    return report


def render(doc: dict) -> str:
    """Pretty top level, one line per instance: small diffs on refresh."""
    head = {k: v for k, v in doc.items() if k != "instances"}
    lines = json.dumps(head, indent=1)[:-2] + ',\n "instances": {\n'
    rows = [f"  {json.dumps(n)}: {json.dumps(e, separators=(', ', ': '))}" for n, e in doc["instances"].items()]
    return lines + ",\n".join(rows) + "\n }\n}\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel", type=Path, help="sagemaker-core wheel to cross-check against (default: download)")
    ap.add_argument("--sdk-version", help="sagemaker-core version to download (default: latest)")
    ap.add_argument("--check", action="store_true", help="run the checks, write nothing")
    ap.add_argument("-v", "--verbose", action="store_true", help="also print agreeing cross-checks")
    args = ap.parse_args(argv)

    src = yaml.safe_load(SOURCE.read_text())
    problems = Problems()
    ec2 = ec2_entries(src, problems)
    check_ec2_enum(ec2, src, problems)
    ml = sagemaker_entries(ec2, src, problems)
    wheel = args.wheel or sagemaker_core_wheel(args.sdk_version)
    report = cross_check(ec2, sdk_gpu_info(wheel), problems)

    for line in report:
        if args.verbose or "agree" not in line:
            print(f"note: {line}")
    for w in problems.warnings:
        print(f"warning: {w}")
    if problems.errors:
        for e in problems.errors:
            print(f"error: {e}", file=sys.stderr)
        print(f"{len(problems.errors)} check(s) failed; {OUT.relative_to(ROOT)} not written", file=sys.stderr)
        return 1

    doc = {
        "schema_version": 1,
        "generated_by": "scripts/refresh_catalog.py",
        "as_of": src["as_of"],
        "source": [s["url"] for s in src["sources"]],
        "prices_as_of": src["prices_as_of"],
        "price_source": " ".join(src["price_source"].split()),
        "checked_against": {"cfn-lint": metadata.version("cfn-lint"), "sagemaker-core": wheel_version(wheel)},
        "notes": {
            "network_gbps": "peak bandwidth; 'Up to N Gigabit' sizes record N",
            "accelerator.memory_gib": "per accelerator",
            "accelerator.cores_per_device": "Neuron only: NeuronCores the runtime exposes per chip by default (trn2: logical cores at LNC=2); torchrun runs one process per core, GPUs one per device",
            "ml.*": "SageMaker types point at their EC2 spec ('ec2') and carry their own price",
            "efa_only_supported": "EFA-only interfaces on every EFA type except efa_facts.efa_only_unsupported (source yaml)",
            "efa_rdma": "EFA device supports RDMA read: FI_EFA_USE_DEVICE_RDMA=1 is safe",
        },
        "instances": {**dict(sorted(ec2.items())), **dict(sorted(ml.items()))},
    }
    if args.check:
        print(f"checks passed ({len(ec2)} EC2 types, {len(ml)} SageMaker types)")
        return 0
    OUT.write_text(render(doc))
    json.loads(OUT.read_text())  # the hand-rolled layout must stay valid JSON
    print(f"wrote {OUT.relative_to(ROOT)}: {len(ec2)} EC2 + {len(ml)} SageMaker types ({OUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
