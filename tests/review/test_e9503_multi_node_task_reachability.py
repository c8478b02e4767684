"""E9503: the security groups of MNP job containers must let the job's nodes reach each other."""

from __future__ import annotations

import pytest

from mlblueprints.review.rules import MultiNodeTaskReachability as Rule
from tests.review.handwritten import batch_mnp, gid
from tests.review.lint import one, paths

CE = ["Resources", "Compute", "Properties", "ComputeResources"]


def _task_group(template: dict, *, admits_itself: bool) -> dict:
    """Add a security group for the job containers (in the CE's VPC when the template has one)."""
    resources = template["Resources"]
    vpc = next((n for n, r in resources.items() if r["Type"] == "AWS::EC2::VPC"), None)
    resources["InjectedTaskGroup"] = {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {"GroupDescription": "MNP tasks", **({"VpcId": {"Ref": vpc}} if vpc else {})},
    }
    if admits_itself:
        resources["InjectedTaskGroupSelf"] = {
            "Type": "AWS::EC2::SecurityGroupIngress",
            "Properties": {
                "GroupId": gid("InjectedTaskGroup"),
                "SourceSecurityGroupId": gid("InjectedTaskGroup"),
                "IpProtocol": "-1",
            },
        }
    return gid("InjectedTaskGroup")


@pytest.mark.cdk
def test_fires_when_the_containers_group_does_not_admit_itself_in_a_real_template(real_template):
    template = real_template("AWS::Batch::ComputeEnvironment", "AWS::Batch::JobDefinition")
    name, ce = one(template, "AWS::Batch::ComputeEnvironment")
    resources = ce["Properties"]["ComputeResources"]

    resources["SecurityGroupIds"] = [_task_group(template, admits_itself=True)]
    assert paths(Rule, template) == []

    template["Resources"].pop("InjectedTaskGroupSelf")
    assert paths(Rule, template) == [["Resources", name, "Properties", "ComputeResources", "SecurityGroupIds"]]


@pytest.mark.parametrize(
    "template, expected",
    [
        # The trap of aws/aws-cdk#21577's obvious fix: no CE groups, and the default group stripped.
        pytest.param(batch_mnp(restrict_default=True), [CE], id="default-group-restricted"),
        pytest.param(batch_mnp(), [], id="default-group-as-aws-makes-it"),
        pytest.param(batch_mnp(ce_groups=[gid("NodeGroup")]), [], id="ce-group-admits-itself"),
        pytest.param(batch_mnp(ce_groups=["sg-0123456789abcdef0"]), [], id="group-outside-the-template"),
        pytest.param(batch_mnp(subnets=["subnet-0123456789abcdef0"], restrict_default=True), [], id="vpc-outside"),
    ],
)
def test_handwritten(template, expected):
    assert paths(Rule, template) == expected


def test_rules_added_to_the_restricted_default_group_count():
    template = batch_mnp(restrict_default=True)
    default = {"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]}
    template["Resources"]["DefaultSelf"] = {
        "Type": "AWS::EC2::SecurityGroupIngress",
        "Properties": {"GroupId": default, "SourceSecurityGroupId": default, "IpProtocol": "-1"},
    }
    template["Resources"]["DefaultSelfOut"] = {
        "Type": "AWS::EC2::SecurityGroupEgress",
        "Properties": {"GroupId": default, "DestinationSecurityGroupId": default, "IpProtocol": "-1"},
    }
    assert paths(Rule, template) == []
    del template["Resources"]["DefaultSelfOut"]  # the custom resource also removed the allow-all egress rule
    assert paths(Rule, template) == [CE]


def test_inline_egress_that_excludes_peers_blocks_them():
    template = batch_mnp(ce_groups=[gid("NodeGroup")])
    del template["Resources"]["NodeGroupSelfOut"]
    template["Resources"]["NodeGroup"]["Properties"]["SecurityGroupEgress"] = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}
    ]
    assert paths(Rule, template) == [[*CE, "SecurityGroupIds"]]


def test_single_node_jobs_are_not_checked():
    template = batch_mnp(restrict_default=True)
    template["Resources"]["Train"]["Properties"] = {"Type": "container", "ContainerProperties": {"Image": "x"}}
    assert paths(Rule, template) == []
