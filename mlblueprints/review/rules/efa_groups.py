"""EFA network interfaces and the security groups their traffic needs."""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from mlblueprints.review.handoff import keys_in_writer
from mlblueprints.review.network import group_key, peers_reach_each_other
from mlblueprints.review.template import as_list, of_type, properties

EFA_TYPES = ("efa", "efa-only")


class EfaGroupsNotSelfReferencing(CloudFormationLintRule):
    id = "E9507"
    shortdesc = "EFA interface whose security groups do not allow all traffic from and to themselves"
    prevents = (
        "no AWS error: instances launch, then NCCL over EFA hangs or fails, because EFA's SRD traffic is only "
        "allowed by rules that name the group itself (an address-range rule does not authorise it)"
    )
    description = (
        "An EFA-enabled security group must allow all inbound and outbound traffic to and from the group "
        f"itself. Prevents: {prevents}"
    )
    fix = "Add all-traffic ingress and egress rules whose source and destination are the group itself."
    source_url = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa-start.html#efa-start-security"
    tags = ["resources", "ec2", "efa", "mlblueprints"]

    def match(self, cfn):
        for name, resource in of_type(cfn.template, "AWS::EC2::LaunchTemplate"):
            data = properties(resource).get("LaunchTemplateData")
            interfaces = as_list(data.get("NetworkInterfaces")) if isinstance(data, dict) else []
            for index, interface in enumerate(interfaces):
                if not isinstance(interface, dict) or interface.get("InterfaceType") not in EFA_TYPES:
                    continue
                keys, where = keys_in_writer(as_list(interface.get("Groups")), cfn, group_key)
                if where is None or None in keys:
                    continue  # groups the template (and its cloud assembly) cannot show
                if not peers_reach_each_other(keys, where, self_only=True):
                    yield RuleMatch(
                        ["Resources", name, "Properties", "LaunchTemplateData", "NetworkInterfaces", index, "Groups"],
                        f"EFA interface {index} of launch template {name} has the groups {', '.join(keys)}, which do "
                        "not allow all traffic from and to themselves, so EFA traffic between the nodes is "
                        "dropped. Fix: add an ingress rule for all protocols from the group itself and an egress "
                        "rule for all protocols to it.",
                    )
