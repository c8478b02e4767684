"""E9502: a launch template with network interfaces keeps its security groups on the interfaces."""

from __future__ import annotations

import pytest

from mlblueprints.review.rules import LaunchTemplateGroupsOnInterfaces as Rule
from tests.review.handwritten import batch_mnp, gid
from tests.review.lint import paths, resources_of


@pytest.mark.cdk
def test_fires_on_the_defect_in_a_real_template_and_not_without_it(real_template):
    template = real_template("AWS::EC2::LaunchTemplate", "AWS::Batch::ComputeEnvironment")
    name, resource = next(iter(resources_of(template, "AWS::EC2::LaunchTemplate").items()))
    data = resource["Properties"]["LaunchTemplateData"]
    assert data["NetworkInterfaces"]
    for key in ("SecurityGroupIds", "SecurityGroups"):
        data.pop(key, None)
    assert paths(Rule, template) == []

    data["SecurityGroupIds"] = list(data["NetworkInterfaces"][0]["Groups"])
    assert paths(Rule, template) == [["Resources", name, "Properties", "LaunchTemplateData", "SecurityGroupIds"]]


@pytest.mark.parametrize("key", ["SecurityGroupIds", "SecurityGroups"])
def test_handwritten_instance_level_groups_with_interfaces(key):
    template = batch_mnp()
    template["Resources"]["Nodes"]["Properties"]["LaunchTemplateData"][key] = [gid("NodeGroup")]
    assert paths(Rule, template) == [["Resources", "Nodes", "Properties", "LaunchTemplateData", key]]


def test_handwritten_instance_level_groups_without_interfaces_are_fine():
    template = batch_mnp(interfaces=False)
    template["Resources"]["Nodes"]["Properties"]["LaunchTemplateData"]["SecurityGroupIds"] = [gid("NodeGroup")]
    assert paths(Rule, template) == []
