"""W9504: MNP containers on the default group of a VPC the template does not show."""

from __future__ import annotations

import pytest

from mlblueprints.review.rules import MultiNodeDefaultGroupUnknown as Rule
from tests.review.handwritten import batch_mnp, gid
from tests.review.lint import one, paths


@pytest.mark.cdk
def test_fires_for_subnets_from_outside_in_a_real_template(real_template):
    template = real_template("AWS::Batch::ComputeEnvironment", "AWS::Batch::JobDefinition")
    name, ce = one(template, "AWS::Batch::ComputeEnvironment")
    resources = ce["Properties"]["ComputeResources"]
    template.setdefault("Parameters", {})["ExistingSubnet"] = {"Type": "AWS::EC2::Subnet::Id"}
    resources["Subnets"] = [{"Ref": "ExistingSubnet"}]

    resources["SecurityGroupIds"] = ["sg-0123456789abcdef0"]
    assert paths(Rule, template) == []

    del resources["SecurityGroupIds"]
    assert paths(Rule, template) == [["Resources", name, "Properties", "ComputeResources", "Subnets"]]


@pytest.mark.parametrize(
    "template, expected",
    [
        pytest.param(batch_mnp(subnets=["subnet-0123456789abcdef0"]), [["Subnets"]], id="literal-subnet"),
        pytest.param(batch_mnp(subnets=[{"Fn::ImportValue": "net-private-a"}]), [["Subnets"]], id="imported-subnet"),
        pytest.param(batch_mnp(), [], id="vpc-in-template"),
        pytest.param(batch_mnp(subnets=["subnet-0123456789abcdef0"], ce_groups=[gid("NodeGroup")]), [], id="ce-groups"),
    ],
)
def test_handwritten(template, expected):
    assert paths(Rule, template) == [["Resources", "Compute", "Properties", "ComputeResources", *p] for p in expected]
