"""Write tests/golden/stateful_logical_ids.json: every data-holding resource of every synthesized stack.

A data-holding resource (bucket, FSx file system, KMS key, log group) keeps its
data under its logical id. If a change renames that id, CloudFormation creates
an empty new resource and deletes or orphans the old one with the data; if a
change flips its DeletionPolicy or UpdateReplacePolicy, a later delete or
replacement behaves differently. So tests/test_examples_lint.py fails until
this lock is rewritten on purpose, which puts the change in the pull request's
diff.

The lock records, per stack name, ``logical id -> "<type> delete:<policy>
replace:<policy>"``. Since the split into data and compute stacks
(docs/lifecycle.md, "Stack layout") the data-holding resources sit in the
``<stack_name>-data`` stacks, under the logical ids they had before; the FSx
file systems are ``delete:Delete replace:Retain``.

Usage: make synth && .venv/bin/python scripts/lock_stateful_ids.py cdk.out
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

LOCK = Path(__file__).resolve().parent.parent / "tests" / "golden" / "stateful_logical_ids.json"
DATA_HOLDING = ("AWS::S3::Bucket", "AWS::FSx::FileSystem", "AWS::KMS::Key", "AWS::Logs::LogGroup")


def stateful(template: dict) -> dict[str, str]:
    """logical id -> type and policies of every data-holding resource of ``template``."""
    return {
        logical_id: f"{resource['Type']} delete:{resource.get('DeletionPolicy', 'Delete')}"
        f" replace:{resource.get('UpdateReplacePolicy', 'Delete')}"
        for logical_id, resource in sorted(template.get("Resources", {}).items())
        if resource["Type"] in DATA_HOLDING
    }


def lock(assembly: Path) -> dict[str, dict[str, str]]:
    manifest = json.loads((assembly / "manifest.json").read_text())
    stacks = {}
    for name, artifact in manifest["artifacts"].items():
        if artifact["type"] == "aws:cloudformation:stack":
            template = json.loads((assembly / artifact["properties"]["templateFile"]).read_text())
            stacks[artifact["properties"].get("stackName", name)] = stateful(template)
    return dict(sorted(stacks.items()))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    LOCK.write_text(json.dumps(lock(Path(sys.argv[1])), indent=2) + "\n")
    print(f"wrote {LOCK}")
