"""Write tests/golden/stateful_logical_ids.json: every retained resource of every synthesized stack.

A retained resource holds data (buckets, FSx, KMS keys, log groups). If a change
renames its logical id, CloudFormation creates an empty new one and orphans the
old one with the data, so tests/test_examples_lint.py fails until this lock is
rewritten on purpose, which puts the rename in the pull request's diff.

Usage: make synth && .venv/bin/python scripts/lock_stateful_ids.py cdk.out
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

LOCK = Path(__file__).resolve().parent.parent / "tests" / "golden" / "stateful_logical_ids.json"


def retained(template: dict) -> dict[str, str]:
    """logical id -> type of every resource CloudFormation keeps when the stack is deleted."""
    return {
        logical_id: resource["Type"]
        for logical_id, resource in sorted(template.get("Resources", {}).items())
        if resource.get("DeletionPolicy") == "Retain"
    }


def lock(assembly: Path) -> dict[str, dict[str, str]]:
    manifest = json.loads((assembly / "manifest.json").read_text())
    stacks = {}
    for name, artifact in manifest["artifacts"].items():
        if artifact["type"] == "aws:cloudformation:stack":
            template = json.loads((assembly / artifact["properties"]["templateFile"]).read_text())
            stacks[artifact["properties"].get("stackName", name)] = retained(template)
    return dict(sorted(stacks.items()))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    LOCK.write_text(json.dumps(lock(Path(sys.argv[1])), indent=2) + "\n")
    print(f"wrote {LOCK}")
