"""Deploy e2e/blueprints into the emulator with the CDK CLI, then ask boto3 what exists.

Runs in file order: every check on every stack, then an update that changes a node
count, then the delete and re-create cycle of docs/lifecycle.md twice, then the final
delete. Expectations come from each stack's synthesized template (e2e/checks.py), so
the same checks cover every kind of stack.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from e2e import checks
from e2e.deploy import BLUEPRINTS, RECREATE_CYCLES, ROOT, delete_and_recreate, retained_everywhere

pytestmark = pytest.mark.e2e

NAMES = [f"mlbp-{yaml.safe_load(p.read_text())['metadata']['name']}" for p in BLUEPRINTS.glob("*.yaml")]
#: Every blueprint is a data stack and a compute stack.
STACKS = sorted(NAMES + [f"{name}-data" for name in NAMES])


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
        # The launch templates read the node group's id from the data stack's parameter (stacks/handoff.py).
        groups = {
            stack.value_of(group)
            for template in stack.template_resources("AWS::EC2::LaunchTemplate").values()
            for interface in template["LaunchTemplateData"].get("NetworkInterfaces", [])
            for group in interface.get("Groups", [])
        } - {None}
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


def test_batch_job_containers_reach_each_other(deployment):
    """The effective group of a Batch MNP job container's interface (the VPC's default group, as deployed)."""
    (stack_name,) = [n for n in STACKS if "ultra" in n and not n.endswith("-data")]
    result = checks.job_container_network(describe(deployment, stack_name))
    assert result.ok and "1 effective" in result.detail, result.detail


def test_update_changes_the_node_count(deployment):
    stack_name, desired = deployment.update_node_count()
    result = checks.node_count(describe(deployment, stack_name), desired)
    assert result.ok, result.detail
    # The rest of the stack is untouched by the update.
    assert all(r.ok for r in checks.verify(describe(deployment, stack_name))), checks.verify(
        describe(deployment, stack_name)
    )


@pytest.mark.parametrize("cycle", range(1, RECREATE_CYCLES + 1))
def test_delete_and_recreate_without_clean_up(deployment, cycle):
    """`cdk destroy --all` deletes the compute and stops at the protected data; the deliberate data delete removes
    every stack and keeps what is retained; `cdk deploy --all` then creates everything again and every check passes."""
    results = delete_and_recreate(deployment, deployment.emulator.url, cycle, say=lambda _: None)
    assert [f"{r.name}: {r.detail}" for r in results if not r.ok] == []


def test_final_delete_removes_every_stack_and_keeps_retained_data(deployment):
    kept = retained_everywhere(deployment, deployment.emulator.url)
    assert kept, "the data stacks retain their buckets and keys on delete"
    deployment.destroy_compute(log_name="destroy-final")
    assert checks.compute_destroyed(deployment.assembly, deployment.emulator.url).ok
    deployment.delete_data(log_name="delete-data-final")
    result = checks.destroyed(deployment.assembly, deployment.emulator.url, kept)
    assert result.ok, result.detail


def test_emulator_blueprints_stay_out_of_make_synth():
    """`make synth` validates blueprints/ recursively; the emulator's live elsewhere."""
    assert not BLUEPRINTS.is_relative_to(ROOT / "blueprints")
    assert Path(BLUEPRINTS).is_dir() and STACKS
