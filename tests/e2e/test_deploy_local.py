"""Deploy e2e/blueprints into the emulator with the CDK CLI, then ask boto3 what exists.

Runs in file order: every check on every stack, then an update that changes a node
count, then destroy. Expectations come from each stack's synthesized template
(e2e/checks.py), so the same checks cover every kind of stack.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from e2e import checks
from e2e.deploy import BLUEPRINTS, ROOT

pytestmark = pytest.mark.e2e

STACKS = sorted(f"mlbp-{yaml.safe_load(p.read_text())['metadata']['name']}" for p in BLUEPRINTS.glob("*.yaml"))


def describe(deployment, stack_name: str) -> checks.DeployedStack:
    return checks.DeployedStack.describe(
        deployment.assembly.stack(stack_name), deployment.emulator.url, deployment.images
    )


def test_every_blueprint_became_a_deployed_stack(deployment):
    assert sorted(s.stack_name for s in deployment.assembly.stacks) == STACKS
    for artifact in deployment.assembly.stacks:
        cloudformation = checks.client("cloudformation", artifact.region, deployment.emulator.url)
        (stack,) = cloudformation.describe_stacks(StackName=artifact.stack_name)["Stacks"]
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        assert ":123456789012:" in stack["StackId"]  # the emulator's account, from mlbp:account


def test_stacks_read_their_ami_from_public_parameters(deployment):
    """Every stack that boots instances resolved a public /aws/service/... parameter, seeded with a known AMI."""
    for artifact in deployment.assembly.stacks:
        types = {r["Type"] for r in artifact.template["Resources"].values()}
        if types & {"AWS::EC2::LaunchTemplate", "AWS::Batch::ComputeEnvironment"}:
            assert artifact.public_parameters, f"{artifact.stack_name} boots instances but reads no public parameter"
        for path in artifact.public_parameters:
            image = deployment.images[(artifact.region, path)]
            ec2 = checks.client("ec2", artifact.region, deployment.emulator.url)
            assert ec2.describe_images(ImageIds=[image])["Images"]


@pytest.mark.parametrize("stack_name", STACKS)
@pytest.mark.parametrize("check", checks.ALL, ids=lambda check: check.__name__)
def test_deployed_stack(deployment, check, stack_name):
    result = check(describe(deployment, stack_name))
    assert result.ok, f"{stack_name}: {result.name}: {result.detail}"


def test_security_groups_reference_themselves_both_ways(deployment):
    """The nodes' group admits and sends all traffic to itself (NCCL, EFA) and admits nothing else."""
    checked = 0
    for stack_name in STACKS:
        stack = describe(deployment, stack_name)
        groups = {
            stack.physical_id(logical)
            for template in stack.template_resources("AWS::EC2::LaunchTemplate").values()
            for logical in _get_att_targets(template)
            if stack.template["Resources"][logical]["Type"] == "AWS::EC2::SecurityGroup"
        }
        if not groups:
            continue
        for group in stack.client("ec2").describe_security_groups(GroupIds=sorted(groups))["SecurityGroups"]:
            own = group["GroupId"]
            inbound = [
                (p["IpProtocol"], [g["GroupId"] for g in p["UserIdGroupPairs"]], p["IpRanges"])
                for p in group["IpPermissions"]
            ]
            assert ("-1", [own], []) in inbound, f"{stack_name}: {own} does not admit itself"
            assert all(not ranges for _, _, ranges in inbound), f"{stack_name}: {own} admits an address range"
            assert any(
                p["IpProtocol"] == "-1" and [g["GroupId"] for g in p["UserIdGroupPairs"]] == [own]
                for p in group["IpPermissionsEgress"]
            ), f"{stack_name}: {own} cannot send to itself"
            checked += 1
    assert checked >= 3  # the training pools and the UltraCluster


def _get_att_targets(value) -> set[str]:
    """Logical ids named by Fn::GetAtt anywhere in a template fragment."""
    if isinstance(value, dict):
        if "Fn::GetAtt" in value:
            return {value["Fn::GetAtt"][0]}
        return set().union(*(_get_att_targets(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_get_att_targets(v) for v in value)) if value else set()
    return set()


def test_update_changes_the_node_count(deployment):
    stack_name, desired = deployment.update_node_count()
    result = checks.node_count(describe(deployment, stack_name), desired)
    assert result.ok, result.detail
    # The rest of the stack is untouched by the update.
    assert all(r.ok for r in checks.verify(describe(deployment, stack_name))), checks.verify(
        describe(deployment, stack_name)
    )


def test_destroy_deletes_every_stack_and_keeps_retained_data(deployment):
    kept = [item for name in STACKS for item in checks.retained(describe(deployment, name))]
    assert kept, "the stacks retain their buckets and keys on delete"
    deployment.destroy()
    result = checks.destroyed(deployment.assembly, deployment.emulator.url, kept)
    assert result.ok, result.detail


def test_emulator_blueprints_stay_out_of_make_synth():
    """`make synth` validates blueprints/ recursively; the emulator's live elsewhere."""
    assert not BLUEPRINTS.is_relative_to(ROOT / "blueprints")
    assert Path(BLUEPRINTS).is_dir() and STACKS
