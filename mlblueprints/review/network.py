"""Which security groups a template's network interfaces get, and whether they let peers talk.

Multi-node training needs every node to reach every other node on every port
(torchrun's rendezvous, NCCL's bootstrap sockets, EFA's SRD traffic). A group
set allows that when one of its groups admits all traffic from the set and the
set may send all traffic to itself (EC2 User Guide, "Security group rules":
rules of all groups on an interface are combined;
https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).

A group is named by a key: the logical id of an ``AWS::EC2::SecurityGroup`` in
the template, or ``<Vpc>.DefaultSecurityGroup`` for the default group of a VPC
in the template. A group the template cannot show (a parameter, an import, a
literal ``sg-...``) has no key, and nothing is claimed about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlblueprints.review.template import as_list, get_att, of_type, properties, resources, target

#: The custom resource behind the CDK's ``restrictDefaultSecurityGroup`` (on by default
#: since the feature flag @aws-cdk/aws-ec2:restrictDefaultSecurityGroup): it revokes
#: every rule of the VPC's default group when the stack is created.
RESTRICT_DEFAULT_SG = "Custom::VpcRestrictDefaultSG"
ALL_PROTOCOLS = ("-1", -1, "all")
ANYWHERE = ("0.0.0.0/0",)


def default_group_key(vpc: str) -> str:
    return f"{vpc}.DefaultSecurityGroup"


def group_key(value: Any, template: dict) -> str | None:
    """The key of the group that ``value`` (a GroupId) names, or None when the template cannot tell."""
    attribute = get_att(value)
    if attribute and attribute[1] == "DefaultSecurityGroup":
        return default_group_key(attribute[0]) if _is(template, attribute[0], "AWS::EC2::VPC") else None
    name = target(value)
    return name if name and _is(template, name, "AWS::EC2::SecurityGroup") else None


def subnet_vpc(value: Any, template: dict) -> str | None:
    """The template VPC of a subnet reference, or None when the subnet is not in the template."""
    name = target(value)
    if not name or not _is(template, name, "AWS::EC2::Subnet"):
        return None
    vpc = target(properties(resources(template)[name]).get("VpcId"))
    return vpc if vpc and _is(template, vpc, "AWS::EC2::VPC") else None


@dataclass(frozen=True)
class _Rule:
    protocol: Any
    peer: str | None  # a group key, or None
    cidr: Any


def peers_reach_each_other(keys: list[str], template: dict, *, self_only: bool = False) -> bool:
    """True when interfaces that all carry the groups ``keys`` can send each other all traffic.

    With ``self_only``, only rules that name a group of the set count, not address
    ranges: EFA's SRD traffic is allowed by group rules alone (EC2 User Guide, EFA).
    """
    group_set = set(keys)
    ingress, egress, default_egress = [], [], False
    for key in keys:
        rules_in, rules_out, allows_all_out = _rules(key, template)
        ingress += rules_in
        egress += rules_out
        default_egress = default_egress or allows_all_out

    def all_traffic(rule: _Rule) -> bool:
        return rule.protocol in ALL_PROTOCOLS and (rule.peer in group_set or (not self_only and rule.cidr in ANYWHERE))

    return any(map(all_traffic, ingress)) and ((default_egress and not self_only) or any(map(all_traffic, egress)))


def _rules(key: str, template: dict) -> tuple[list[_Rule], list[_Rule], bool]:
    """(ingress, egress, whether all egress is allowed by default) of one group."""
    ingress = _separate_rules(template, "AWS::EC2::SecurityGroupIngress", key, "SourceSecurityGroupId")
    egress = _separate_rules(template, "AWS::EC2::SecurityGroupEgress", key, "DestinationSecurityGroupId")
    if key.endswith(".DefaultSecurityGroup"):
        vpc = key.split(".", 1)[0]
        if _default_group_restricted(vpc, template):
            return ingress, egress, False
        # A new VPC's default group admits all traffic from itself and allows all egress
        # (VPC User Guide, "Default security groups for your VPCs").
        return [*ingress, _Rule("-1", key, None)], egress, True
    props = properties(resources(template)[key])
    for rule in as_list(props.get("SecurityGroupIngress")):
        if isinstance(rule, dict):
            ingress.append(_Rule(rule.get("IpProtocol"), group_key(rule.get("SourceSecurityGroupId"), template), rule.get("CidrIp")))
    for rule in as_list(props.get("SecurityGroupEgress")):
        if isinstance(rule, dict):
            egress.append(
                _Rule(rule.get("IpProtocol"), group_key(rule.get("DestinationSecurityGroupId"), template), rule.get("CidrIp"))
            )
    # Without inline egress rules CloudFormation leaves EC2's default allow-all egress rule.
    return ingress, egress, "SecurityGroupEgress" not in props


def _separate_rules(template: dict, kind: str, key: str, peer_property: str) -> list[_Rule]:
    found = []
    for _, resource in of_type(template, kind):
        props = properties(resource)
        if group_key(props.get("GroupId"), template) == key:
            found.append(_Rule(props.get("IpProtocol"), group_key(props.get(peer_property), template), props.get("CidrIp")))
    return found


def _default_group_restricted(vpc: str, template: dict) -> bool:
    for _, resource in of_type(template, RESTRICT_DEFAULT_SG):
        if group_key(properties(resource).get("DefaultSecurityGroupId"), template) == default_group_key(vpc):
            return True
    return False


def _is(template: dict, name: str, kind: str) -> bool:
    resource = resources(template).get(name)
    return resource is not None and resource.get("Type") == kind
