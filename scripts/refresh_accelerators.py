#!/usr/bin/env python3
"""Rebuild mlblueprints/data/accelerators.json from scripts/accelerator_source.yaml.

The YAML holds public per-device specifications (dense TFLOPS by precision, memory
bandwidth), each citing its datasheet, the framework x accelerator compatibility
table, and the advisor's documented model assumptions.

Checks (any failure exits non-zero and writes nothing):
  * every accelerator model of mlblueprints/data/instances.json has an entry, and no entry
    names a model the catalog lacks;
  * every entry cites a source listed under ``sources`` (or ``none`` with a note);
  * every framework names known accelerators and tasks.

Usage:
    python scripts/refresh_accelerators.py [--check]
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mlblueprints.loader import load_file  # noqa: E402
from scripts.data_file import check_or_write, one_line  # noqa: E402

SOURCE = ROOT / "scripts" / "accelerator_source.yaml"
OUT = ROOT / "mlblueprints" / "data" / "accelerators.json"
INSTANCES = ROOT / "mlblueprints" / "data" / "instances.json"
PRECISIONS = {"fp32", "fp16", "bf16", "fp8", "int8"}
TASKS = {"training", "inference"}


def build(as_of: str) -> dict:
    document = load_file(SOURCE)
    if document.diagnostics:
        raise ValueError(document.diagnostics[0].format_text())
    src = document.data
    catalog = json.loads(INSTANCES.read_text())["instances"]
    models = {e["accelerator"]["model"] for e in catalog.values() if "ec2" not in e and e["accelerator"]}
    accelerators = src["accelerators"]
    if set(accelerators) != models:
        raise ValueError(f"accelerators differ from the catalog's models: missing {sorted(models - set(accelerators))}, "
                         f"unknown {sorted(set(accelerators) - models)}")
    for name, entry in accelerators.items():
        if entry["source"] != "none" and entry["source"] not in src["sources"]:
            raise ValueError(f"{name}: source {entry['source']!r} is not listed under sources")
        if entry["source"] == "none" and not entry.get("note"):
            raise ValueError(f"{name}: an entry without a source needs a note saying why")
        if set(entry["dense_tflops"]) - PRECISIONS:
            raise ValueError(f"{name}: unknown precision in {sorted(entry['dense_tflops'])}")
    for name, framework in src["frameworks"].items():
        if set(framework["accelerators"]) - set(accelerators) or set(framework["tasks"]) - TASKS:
            raise ValueError(f"framework {name}: unknown accelerator or task")
    return {
        "schema_version": 1,
        "generated_by": "scripts/refresh_accelerators.py",
        "as_of": as_of,
        "sources": src["sources"],
        "frameworks": src["frameworks"],
        "inference_only": src["inference_only"],
        "model": src["model"],
        "accelerators": dict(sorted(accelerators.items())),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if the committed file is out of date")
    args = ap.parse_args(argv)
    try:
        doc = build(datetime.date.today().isoformat())
    except (ValueError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return check_or_write(
        OUT, doc, root=ROOT, script="scripts/refresh_accelerators.py", table="accelerators", entry=one_line, check=args.check
    )


if __name__ == "__main__":
    sys.exit(main())
