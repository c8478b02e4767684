"""Auto Scaling groups that run on Spot capacity."""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from mlblueprints.review.template import of_type, properties


def _spot_share(props: dict) -> bool:
    """Whether a group's MixedInstancesPolicy launches any Spot instances above its on-demand base."""
    policy = props.get("MixedInstancesPolicy")
    if not isinstance(policy, dict):
        return False
    distribution = policy.get("InstancesDistribution")
    if not isinstance(distribution, dict):
        return False  # without a distribution every instance is on-demand
    above_base = distribution.get("OnDemandPercentageAboveBaseCapacity", 100)
    try:
        return int(above_base) < 100
    except (TypeError, ValueError):
        return False


class SpotGroupWithoutCapacityRebalance(CloudFormationLintRule):
    id = "W9550"
    shortdesc = "Spot Auto Scaling group without Capacity Rebalancing"
    prevents = (
        "no AWS error: nodes are replaced only after Spot takes them back with a two-minute notice, instead of "
        "when EC2 first signals an elevated risk of interruption"
    )
    description = (
        "With CapacityRebalance, Amazon EC2 Auto Scaling launches a replacement when EC2 sends a rebalance "
        f"recommendation for a Spot instance, before the interruption. Prevents: {prevents}"
    )
    fix = "Set CapacityRebalance: true on the group."
    source_url = "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-capacity-rebalancing.html"
    tags = ["resources", "autoscaling", "spot", "mlblueprints"]

    def match(self, cfn):
        for name, resource in of_type(cfn.template, "AWS::AutoScaling::AutoScalingGroup"):
            props = properties(resource)
            if _spot_share(props) and props.get("CapacityRebalance") not in (True, "true", "True"):
                yield RuleMatch(
                    ["Resources", name, "Properties", "MixedInstancesPolicy", "InstancesDistribution"],
                    f"{name} runs on Spot without Capacity Rebalancing, so a node is replaced only after Spot "
                    "reclaims it. Fix: set CapacityRebalance: true on the group.",
                )
