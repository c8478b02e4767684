#!/usr/bin/env python3
"""Rebuild mlblueprints/data/aws_formats.json from scripts/formats_source.yaml.

The YAML holds the formats AWS accepts for values a blueprint passes through as
written (VPC CIDR blocks, S3 bucket names, tag keys and values), each citing the
page it was read from. This script checks that every section cites known sources
and that the values are well formed, then writes the JSON that
``mlblueprints.aws_formats`` reads.

Usage:
    python scripts/refresh_formats.py [--check]

``--check`` writes nothing and exits 1 if the committed file differs from what
would be written, apart from ``as_of``.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mlblueprints.loader import load_file  # noqa: E402
from scripts.data_file import check_or_write, one_line  # noqa: E402

SOURCE = ROOT / "scripts" / "formats_source.yaml"
OUT = ROOT / "mlblueprints" / "data" / "aws_formats.json"
SECTIONS = ("vpc_cidr", "s3_bucket_name", "sagemaker_lengths", "tag")


def build() -> dict:
    loaded = load_file(SOURCE)
    if loaded.diagnostics:
        raise SystemExit("\n".join(d.format_text() for d in loaded.diagnostics))
    src = loaded.data
    sources = src["sources"]
    for section in SECTIONS:
        for key in ("cite", "private_cite", "reserved_cite"):
            for cited in src[section].get(key, ()):
                if cited not in sources:
                    raise SystemExit(f"error: {section}.{key} cites unknown source {cited!r}")
    for network in src["vpc_cidr"]["private_ranges"] + src["vpc_cidr"]["reserved_ranges"]:
        ipaddress.IPv4Network(network)  # raises on a typo
    formats = {}
    for section in SECTIONS:
        entry = dict(src[section])
        entry["sources"] = sorted({sources[c]["url"] for k in ("cite", "private_cite", "reserved_cite") for c in entry.pop(k, ())})
        formats[section] = entry
    return {
        "source": sorted({s["url"] for s in sources.values()}),
        "as_of": src["as_of"],
        "generated_by": "scripts/refresh_formats.py from scripts/formats_source.yaml",
        "formats": formats,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file is not what this builds")
    args = parser.parse_args(argv)
    return check_or_write(
        OUT, build(), root=ROOT, script="scripts/refresh_formats.py", table="formats", entry=one_line, check=args.check
    )


if __name__ == "__main__":
    sys.exit(main())
