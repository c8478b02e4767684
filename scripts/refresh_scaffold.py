#!/usr/bin/env python3
"""Rebuild the files `mlbp init` copies that mirror this checkout: cdk.json (the app becomes
`mlbp app`), package.json and package-lock.json (the same CDK CLI pin, under the user
repository's package name) and requirements.txt (this version of mlblueprints with the cdk extra).

    python scripts/refresh_scaffold.py [--check]

With --check, exit 1 and name the files that differ instead of writing them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCAFFOLD = ROOT / "mlblueprints" / "scaffold"
#: The user repository's npm package name (private; it only pins the CLI).
PACKAGE_NAME = "blueprints-cdk-cli"


def built() -> dict[str, str]:
    cdk = json.loads((ROOT / "cdk.json").read_text())
    scaffold_cdk = {"app": "mlbp app", "output": "cdk.out", "watch": {"include": ["blueprints/**"]},
                    "context": cdk["context"]}
    package = json.loads((ROOT / "package.json").read_text())
    package.update(name=PACKAGE_NAME, description="Pins the AWS CDK CLI that deploys the blueprints (written by mlbp init).")
    lock = json.loads((ROOT / "package-lock.json").read_text())
    lock["name"] = PACKAGE_NAME
    lock["packages"][""]["name"] = PACKAGE_NAME
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    return {
        "cdk.json": _json(scaffold_cdk),
        "package.json": _json(package),
        "package-lock.json": _json(lock),
        "requirements.txt": f"# The mlbp that reviews and deploys these blueprints (written by mlbp init).\n"
                            f"mlblueprints[cdk]=={version}\n",
    }


def _json(data: dict) -> str:
    return json.dumps(data, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = []
    for name, text in built().items():
        target = SCAFFOLD / name
        if target.exists() and target.read_text() == text:
            continue
        if args.check:
            stale.append(name)
        else:
            target.write_text(text)
            print(f"wrote {target.relative_to(ROOT)}")
    if stale:
        print(f"out of date in {SCAFFOLD.relative_to(ROOT)}: {', '.join(stale)}; run scripts/refresh_scaffold.py",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
