"""Cluster placement groups and the zones of the subnets that launch into them."""

from __future__ import annotations

import json

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from mlblueprints.review.template import as_list, of_type, properties, resources, target


def _cluster_group(value, template: dict) -> str | None:
    name = target(value)
    resource = resources(template).get(name or "")
    if resource and resource.get("Type") == "AWS::EC2::PlacementGroup" and properties(resource).get("Strategy") == "cluster":
        return name
    return None


def _zone(subnet, template: dict) -> str | None:
    """A comparable form of a template subnet's zone: a literal, or Fn::Select over Fn::GetAZs; else None."""
    resource = resources(template).get(target(subnet) or "")
    if not resource or resource.get("Type") != "AWS::EC2::Subnet":
        return None
    zone = properties(resource).get("AvailabilityZone")
    if isinstance(zone, str):
        return zone
    if isinstance(zone, dict) and list(zone) == ["Fn::Select"]:
        index, source = (zone["Fn::Select"] + [None, None])[:2]
        if isinstance(source, dict) and list(source) == ["Fn::GetAZs"]:
            return json.dumps({"Fn::Select": [index, source]}, sort_keys=True)
    return None


def _launchers(template: dict):
    """``(logical id, placement group value, path of the subnets, subnets)`` of what launches into a group."""
    for name, resource in of_type(template, "AWS::Batch::ComputeEnvironment"):
        compute = properties(resource).get("ComputeResources")
        if isinstance(compute, dict) and "PlacementGroup" in compute:
            base = ["Resources", name, "Properties", "ComputeResources"]
            yield name, compute["PlacementGroup"], [*base, "Subnets"], as_list(compute.get("Subnets"))
    for name, resource in of_type(template, "AWS::AutoScaling::AutoScalingGroup"):
        props = properties(resource)
        if "PlacementGroup" in props:
            yield name, props["PlacementGroup"], ["Resources", name, "Properties", "VPCZoneIdentifier"], as_list(
                props.get("VPCZoneIdentifier")
            )


class ClusterPlacementGroupSpansZones(CloudFormationLintRule):
    id = "E9506"
    shortdesc = "Cluster placement group used with subnets in more than one Availability Zone"
    prevents = (
        "instance launches outside the group's zone fail (a cluster placement group cannot span "
        "Availability Zones), so nodes never join the job or the group"
    )
    description = f"A cluster placement group lives in one Availability Zone. Prevents: {prevents}"
    fix = "Give the compute environment or Auto Scaling group subnets of one Availability Zone only."
    source_url = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/placement-strategies.html#placement-groups-cluster"
    tags = ["resources", "ec2", "batch", "autoscaling", "mlblueprints"]

    def match(self, cfn):
        for name, group, path, subnets in _launchers(cfn.template):
            placement = _cluster_group(group, cfn.template)
            zones = [_zone(s, cfn.template) for s in subnets]
            # A literal zone and a selected one may be the same zone: compare like with like only.
            forms = {zone.startswith("{") for zone in zones if zone is not None}
            if placement and zones and None not in zones and len(forms) == 1 and len(set(zones)) > 1:
                yield RuleMatch(
                    path,
                    f"{name} launches into cluster placement group {placement} from subnets in {len(set(zones))} "
                    "Availability Zones; a cluster placement group lives in one zone, so launches elsewhere fail. "
                    "Fix: give it subnets of a single Availability Zone.",
                )
