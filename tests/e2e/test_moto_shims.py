"""The shims that make moto refuse what AWS refuses, exercised in process (moto's mock, no server)."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

moto = pytest.importorskip("moto", reason="the e2e extra is not installed")

from e2e import moto_shims  # noqa: E402

pytestmark = pytest.mark.e2e
REGION = "us-east-1"
ACCOUNT = "123456789012"
EMPTY_TEMPLATE = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})


@pytest.fixture(scope="module", autouse=True)
def shims():
    moto_shims.apply_all()


def test_a_termination_protected_stack_is_not_deleted_until_protection_is_off():
    with moto.mock_aws():
        cloudformation = boto3.client("cloudformation", region_name=REGION)
        cloudformation.create_stack(StackName="data", TemplateBody=EMPTY_TEMPLATE, EnableTerminationProtection=True)
        with pytest.raises(ClientError, match="cannot be deleted while TerminationProtection is enabled"):
            cloudformation.delete_stack(StackName="data")
        assert cloudformation.describe_stacks(StackName="data")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
        cloudformation.update_termination_protection(StackName="data", EnableTerminationProtection=False)
        cloudformation.delete_stack(StackName="data")
        assert not [s for s in cloudformation.list_stacks()["StackSummaries"] if s["StackStatus"] != "DELETE_COMPLETE"]


def _compute_environment(with_groups: bool):
    from moto.batch.models import ComputeEnvironment

    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="nodes", Description="nodes", VpcId=vpc)["GroupId"]
    template = ec2.create_launch_template(
        LaunchTemplateName="efa",
        LaunchTemplateData={"NetworkInterfaces": [{"DeviceIndex": 0, "InterfaceType": "efa", "Groups": [group]}]},
    )["LaunchTemplate"]["LaunchTemplateId"]
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="batch", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    profile = iam.create_instance_profile(InstanceProfileName="nodes")["InstanceProfile"]["Arn"]
    resources = {
        "Type": "EC2", "MinvCpus": 0, "MaxvCpus": 96, "InstanceTypes": ["p4d.24xlarge"], "Subnets": [subnet],
        "InstanceRole": profile, "LaunchTemplate": {"LaunchTemplateId": template, "Version": "1"},
    }
    if with_groups:
        resources["SecurityGroupIds"] = [group]
    body = {"Type": "AWS::Batch::ComputeEnvironment",
            "Properties": {"Type": "MANAGED", "ServiceRole": role, "ComputeResources": resources}}
    return ComputeEnvironment.create_from_cloudformation_json("NodesEnvironment", body, ACCOUNT, REGION)


def test_batch_refuses_security_groups_next_to_launch_template_interfaces():
    with moto.mock_aws():
        with pytest.raises(Exception, match="exclusively allowed"):
            _compute_environment(with_groups=True)


def test_batch_takes_a_compute_environment_whose_groups_are_on_the_interfaces():
    with moto.mock_aws():
        environment = _compute_environment(with_groups=False)
        assert "securityGroupIds" not in environment.compute_resources
