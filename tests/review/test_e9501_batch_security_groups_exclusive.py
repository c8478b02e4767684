"""E9501: a Batch compute environment may not set SecurityGroupIds when its launch template sets interfaces."""

from __future__ import annotations

import pytest

from mlblueprints.review.rules import BatchSecurityGroupsExclusive as Rule
from tests.review.handwritten import batch_mnp, gid
from tests.review.lint import one, paths

CE_GROUPS = ["Resources", "Compute", "Properties", "ComputeResources", "SecurityGroupIds"]


def _interface_groups(template: dict, launch_template: str) -> list:
    data = template["Resources"][launch_template]["Properties"]["LaunchTemplateData"]
    return data["NetworkInterfaces"][0]["Groups"]


@pytest.mark.cdk
def test_fires_on_the_old_defect_in_a_real_template_and_not_without_it(real_template):
    template = real_template("AWS::Batch::ComputeEnvironment", "AWS::EC2::LaunchTemplate")
    name, ce = one(template, "AWS::Batch::ComputeEnvironment")
    resources = ce["Properties"]["ComputeResources"]
    launch_template = resources["LaunchTemplate"]["LaunchTemplateId"]["Ref"]

    resources.pop("SecurityGroupIds", None)
    assert paths(Rule, template) == []

    resources["SecurityGroupIds"] = list(_interface_groups(template, launch_template))
    assert paths(Rule, template) == [["Resources", name, "Properties", "ComputeResources", "SecurityGroupIds"]]


@pytest.mark.parametrize(
    "template, expected",
    [
        pytest.param(batch_mnp(ce_groups=[gid("NodeGroup")]), [CE_GROUPS], id="groups-and-interfaces"),
        pytest.param(batch_mnp(), [], id="interfaces-only"),
        pytest.param(batch_mnp(ce_groups=[gid("NodeGroup")], interfaces=False), [], id="groups-only"),
        pytest.param(batch_mnp(ce_groups=["sg-0123456789abcdef0"]), [CE_GROUPS], id="literal-group"),
    ],
)
def test_handwritten(template, expected):
    assert paths(Rule, template) == expected


def test_launch_template_named_by_name():
    template = batch_mnp(ce_groups=[gid("NodeGroup")])
    template["Resources"]["Nodes"]["Properties"]["LaunchTemplateName"] = "nodes"
    template["Resources"]["Compute"]["Properties"]["ComputeResources"]["LaunchTemplate"] = {"LaunchTemplateName": "nodes"}
    assert paths(Rule, template) == [CE_GROUPS]
