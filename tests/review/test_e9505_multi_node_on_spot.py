"""E9505: MNP job definitions need an on-demand EC2 compute environment."""

from __future__ import annotations

import pytest

from mlblueprints.review.rules import MultiNodeOnSpot as Rule
from tests.review.handwritten import batch_mnp
from tests.review.lint import one, paths, resources_of


@pytest.mark.cdk
def test_fires_when_every_environment_is_spot_in_a_real_template(real_template):
    template = real_template("AWS::Batch::ComputeEnvironment", "AWS::Batch::JobDefinition")
    job, _ = one(template, "AWS::Batch::JobDefinition")
    environments = resources_of(template, "AWS::Batch::ComputeEnvironment").values()
    for ce in environments:
        ce["Properties"]["ComputeResources"]["Type"] = "EC2"
    assert paths(Rule, template) == []

    for ce in environments:
        ce["Properties"]["ComputeResources"]["Type"] = "SPOT"
    assert paths(Rule, template) == [["Resources", job, "Properties", "Type"]]


@pytest.mark.parametrize(
    "ce_type, expected",
    [("EC2", []), ("SPOT", [["Resources", "Train", "Properties", "Type"]]), ("FARGATE_SPOT", [["Resources", "Train", "Properties", "Type"]])],
)
def test_handwritten(ce_type, expected):
    assert paths(Rule, batch_mnp(ce_type=ce_type)) == expected


def test_an_on_demand_environment_next_to_spot_is_enough():
    template = batch_mnp(ce_type="SPOT")
    on_demand = {**template["Resources"]["Compute"], "Properties": {**template["Resources"]["Compute"]["Properties"]}}
    on_demand["Properties"]["ComputeResources"] = {**on_demand["Properties"]["ComputeResources"], "Type": "EC2"}
    template["Resources"]["OnDemand"] = on_demand
    assert paths(Rule, template) == []
