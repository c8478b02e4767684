"""W9550: a Spot Auto Scaling group replaces nodes before interruption (Capacity Rebalancing)."""

from __future__ import annotations

import pytest

from mlblueprints.review.rules import SpotGroupWithoutCapacityRebalance as Rule
from tests.review.lint import paths, resources_of


@pytest.mark.cdk
def test_fires_on_a_spot_group_without_rebalancing_in_a_real_template(real_template):
    template = real_template("AWS::AutoScaling::AutoScalingGroup")
    groups = resources_of(template, "AWS::AutoScaling::AutoScalingGroup")
    name, group = next(iter(groups.items()))
    props = group["Properties"]
    if "MixedInstancesPolicy" not in props:  # make it a Spot group of its one type
        spec = props.pop("LaunchTemplate")
        props["MixedInstancesPolicy"] = {"LaunchTemplate": {"LaunchTemplateSpecification": spec}}
    props["MixedInstancesPolicy"]["InstancesDistribution"] = {"OnDemandPercentageAboveBaseCapacity": 0}
    for other in groups.values():
        other["Properties"]["CapacityRebalance"] = True
    assert paths(Rule, template) == []

    del props["CapacityRebalance"]
    assert paths(Rule, template) == [["Resources", name, "Properties", "MixedInstancesPolicy", "InstancesDistribution"]]


def _group(distribution, rebalance=None) -> dict:
    props = {"MinSize": "0", "MaxSize": "4", "MixedInstancesPolicy": {"LaunchTemplate": {}}}
    if distribution is not None:
        props["MixedInstancesPolicy"]["InstancesDistribution"] = distribution
    if rebalance is not None:
        props["CapacityRebalance"] = rebalance
    return {"Resources": {"Nodes": {"Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": props}}}


AT = [["Resources", "Nodes", "Properties", "MixedInstancesPolicy", "InstancesDistribution"]]


@pytest.mark.parametrize(
    "template, expected",
    [
        pytest.param(_group({"OnDemandPercentageAboveBaseCapacity": 0}), AT, id="all-spot"),
        pytest.param(_group({"OnDemandPercentageAboveBaseCapacity": "50"}), AT, id="half-spot"),
        pytest.param(_group({"OnDemandPercentageAboveBaseCapacity": 0}, rebalance=True), [], id="rebalancing"),
        pytest.param(_group({"OnDemandPercentageAboveBaseCapacity": 100}), [], id="on-demand"),
        pytest.param(_group({"OnDemandBaseCapacity": 1}), [], id="default-is-on-demand"),
        pytest.param(_group(None), [], id="no-distribution"),
    ],
)
def test_handwritten(template, expected):
    assert paths(Rule, template) == expected
