"""Print one line per synthesized stack: name, region, resource count, the compute, the stateful parts.

Every blueprint has a data stack (``<name>-data``, termination-protected: its
line says so) and a compute stack, which reads the data stack and is listed
right after it (docs/lifecycle.md, "Stack layout").

Usage: python scripts/synth_summary.py cdk.out
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

STATEFUL = {
    "AWS::S3::Bucket": ("bucket", "buckets"),
    "AWS::FSx::FileSystem": ("FSx file system", "FSx file systems"),
    "AWS::KMS::Key": ("KMS key", "KMS keys"),
    "AWS::Logs::LogGroup": ("log group", "log groups"),
}


def summarize(assembly: Path) -> list[str]:
    manifest = json.loads((assembly / "manifest.json").read_text())
    lines = []
    for name, artifact in sorted(manifest["artifacts"].items(), key=lambda item: _deploy_order(item, manifest)):
        if artifact["type"] != "aws:cloudformation:stack":
            continue
        template = json.loads((assembly / artifact["properties"]["templateFile"]).read_text())
        resources = template.get("Resources", {})
        kinds = collections.Counter(r["Type"] for r in resources.values())
        region = artifact["environment"].rsplit("/", 1)[-1]
        retained = sum(
            1 for r in resources.values() if r["Type"] in STATEFUL and r.get("DeletionPolicy") == "Retain"
        )
        stateful = ", ".join(
            f"{kinds[t]} {one if kinds[t] == 1 else many}" for t, (one, many) in STATEFUL.items() if kinds[t]
        )
        compute = _compute(resources)
        protected = " | termination-protected" if artifact["properties"].get("terminationProtection") else ""
        lines.append(
            f"{artifact['properties'].get('stackName', name)} ({region}): {len(resources)} resources"
            f"{' | ' + compute if compute else ''}"
            f" | stateful: {stateful or 'none'} ({retained} retained on delete){protected}"
        )
    return lines


def _deploy_order(item: tuple[str, dict], manifest: dict) -> tuple[str, int]:
    """A stack right after the stacks it depends on: a blueprint's data stack, then its compute stack."""
    name, artifact = item
    stacks = [d for d in artifact.get("dependencies", []) if manifest["artifacts"].get(d, {}).get("type") == "aws:cloudformation:stack"]
    return (stacks[0] if stacks else name, len(stacks))


def _compute(resources: dict) -> str:
    for resource in resources.values():
        if resource["Type"] == "AWS::AutoScaling::AutoScalingGroup":
            props = resource["Properties"]
            return f"nodes min/desired/max {props.get('MinSize')}/{props.get('DesiredCapacity', '-')}/{props.get('MaxSize')}"
    endpoints = sorted(r["Properties"]["EndpointName"] for r in resources.values() if r["Type"] == "AWS::SageMaker::Endpoint")
    if endpoints:
        scaling = sorted(
            f"{r['Properties']['ResourceId'].split('/variant/')[-1]} {r['Properties']['MinCapacity']}-{r['Properties']['MaxCapacity']}"
            for r in resources.values()
            if r["Type"] == "AWS::ApplicationAutoScaling::ScalableTarget"
        )
        return f"endpoints {', '.join(endpoints)}" + (f" (variants scaling {', '.join(scaling)})" if scaling else "")
    for resource in resources.values():
        if resource["Type"] == "AWS::Batch::JobDefinition" and resource["Properties"].get("Type") == "multinode":
            node = resource["Properties"]["NodeProperties"]
            instance = node["NodeRangeProperties"][0]["Container"].get("InstanceType", "?")
            return f"Batch multi-node jobs on {node['NumNodes']}x {instance}"
        if resource["Type"] == "AWS::SageMaker::Cluster":
            groups = resource["Properties"]["InstanceGroups"]
            return "HyperPod " + ", ".join(f"{g['InstanceGroupName']} {g['InstanceCount']}x {g['InstanceType']}" for g in groups)
    return ""


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    for line in summarize(Path(sys.argv[1])):
        print(line)
