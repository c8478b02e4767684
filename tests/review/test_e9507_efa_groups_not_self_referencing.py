"""E9507: the security groups of an EFA interface allow all traffic from and to themselves."""

from __future__ import annotations

import pytest

from mlblueprints.review.rules import EfaGroupsNotSelfReferencing as Rule
from tests.review.handwritten import batch_mnp, gid
from tests.review.lint import paths, resources_of

SELF_IN = {"IpProtocol": "-1", "SourceSecurityGroupId": gid("InjectedEfaGroup")}
SELF_OUT = {"IpProtocol": "-1", "DestinationSecurityGroupId": gid("InjectedEfaGroup")}


@pytest.mark.cdk
def test_fires_when_the_efa_group_does_not_admit_itself_in_a_real_template(real_template):
    template = real_template("AWS::EC2::LaunchTemplate", "AWS::Batch::ComputeEnvironment")
    name, launch_template = next(iter(resources_of(template, "AWS::EC2::LaunchTemplate").items()))
    interfaces = launch_template["Properties"]["LaunchTemplateData"]["NetworkInterfaces"]
    efa = [i for i, interface in enumerate(interfaces) if interface.get("InterfaceType") in ("efa", "efa-only")]
    assert efa
    for interface in interfaces:
        interface["Groups"] = [gid("InjectedEfaGroup")]
    group = {"GroupDescription": "efa", "SecurityGroupIngress": [SELF_IN], "SecurityGroupEgress": [SELF_OUT]}
    template["Resources"]["InjectedEfaGroup"] = {"Type": "AWS::EC2::SecurityGroup", "Properties": group}
    assert paths(Rule, template) == []

    group["SecurityGroupIngress"] = [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]  # a range does not authorise SRD
    base = ["Resources", name, "Properties", "LaunchTemplateData", "NetworkInterfaces"]
    assert paths(Rule, template) == [[*base, i, "Groups"] for i in efa]


GROUPS = [["Resources", "Nodes", "Properties", "LaunchTemplateData", "NetworkInterfaces", 0, "Groups"]]


def _with_rules(*, ingress=True, egress=True, inline_egress=None) -> dict:
    """batch_mnp's node group, without its separate self rules if asked, with inline egress rules if given."""
    template = batch_mnp()
    if not ingress:
        del template["Resources"]["NodeGroupSelf"]
    if not egress:
        del template["Resources"]["NodeGroupSelfOut"]
    if inline_egress is not None:
        template["Resources"]["NodeGroup"]["Properties"]["SecurityGroupEgress"] = inline_egress
    return template


@pytest.mark.parametrize(
    "template, expected",
    [
        pytest.param(_with_rules(), [], id="self-both-ways"),
        pytest.param(_with_rules(egress=False), GROUPS, id="default-egress-is-not-to-itself"),
        pytest.param(_with_rules(ingress=False), GROUPS, id="no-self-ingress"),
        pytest.param(
            _with_rules(egress=False, inline_egress=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}]),
            GROUPS,
            id="https-egress-only",
        ),
    ],
)
def test_handwritten(template, expected):
    assert paths(Rule, template) == expected


def test_plain_interfaces_and_groups_from_outside_are_not_checked():
    template = _with_rules(ingress=False)
    interface = template["Resources"]["Nodes"]["Properties"]["LaunchTemplateData"]["NetworkInterfaces"][0]
    interface["InterfaceType"] = "interface"
    assert paths(Rule, template) == []
    interface["InterfaceType"] = "efa-only"
    interface["Groups"] = ["sg-0123456789abcdef0"]
    assert paths(Rule, template) == []
