"""E9506: a cluster placement group lives in one Availability Zone, so its subnets must too."""

from __future__ import annotations

import pytest

from mlblueprints.review.rules import ClusterPlacementGroupSpansZones as Rule
from tests.review.handwritten import batch_mnp
from tests.review.lint import one, paths


def _subnet(zone) -> dict:
    return {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": "vpc-0123456789abcdef0", "CidrBlock": "10.0.0.0/24", "AvailabilityZone": zone}}


def _select(index: int) -> dict:
    return {"Fn::Select": [index, {"Fn::GetAZs": ""}]}


@pytest.mark.cdk
def test_fires_when_a_second_zone_is_added_in_a_real_template(real_template):
    template = real_template("AWS::Batch::ComputeEnvironment", "AWS::Batch::JobDefinition")
    name, ce = one(template, "AWS::Batch::ComputeEnvironment")
    resources = template["Resources"]
    compute = ce["Properties"]["ComputeResources"]
    resources["InjectedCluster"] = {"Type": "AWS::EC2::PlacementGroup", "Properties": {"Strategy": "cluster"}}
    compute["PlacementGroup"] = {"Ref": "InjectedCluster"}
    resources["InjectedSubnetA"] = _subnet(_select(0))
    resources["InjectedSubnetA2"] = _subnet(_select(0))
    compute["Subnets"] = [{"Ref": "InjectedSubnetA"}, {"Ref": "InjectedSubnetA2"}]
    assert paths(Rule, template) == []

    resources["InjectedSubnetB"] = _subnet(_select(1))
    compute["Subnets"].append({"Ref": "InjectedSubnetB"})
    assert paths(Rule, template) == [["Resources", name, "Properties", "ComputeResources", "Subnets"]]


def _batch(zones, strategy="cluster") -> dict:
    template = batch_mnp()
    resources = template["Resources"]
    resources["Cluster"] = {"Type": "AWS::EC2::PlacementGroup", "Properties": {"Strategy": strategy}}
    for index, zone in enumerate(zones):
        resources[f"Subnet{index}"] = _subnet(zone)
    compute = resources["Compute"]["Properties"]["ComputeResources"]
    compute["PlacementGroup"] = {"Ref": "Cluster"}
    compute["Subnets"] = [{"Ref": f"Subnet{i}"} for i in range(len(zones))]
    return template


def _asg(zones) -> dict:
    resources = {f"Subnet{i}": _subnet(z) for i, z in enumerate(zones)}
    resources["Cluster"] = {"Type": "AWS::EC2::PlacementGroup", "Properties": {"Strategy": "cluster"}}
    resources["Nodes"] = {
        "Type": "AWS::AutoScaling::AutoScalingGroup",
        "Properties": {
            "MinSize": "0",
            "MaxSize": "4",
            "PlacementGroup": {"Ref": "Cluster"},
            "VPCZoneIdentifier": [{"Ref": f"Subnet{i}"} for i in range(len(zones))],
        },
    }
    return {"Resources": resources}


CE_SUBNETS = [["Resources", "Compute", "Properties", "ComputeResources", "Subnets"]]


@pytest.mark.parametrize(
    "template, expected",
    [
        pytest.param(_batch(["us-east-1a", "us-east-1b"]), CE_SUBNETS, id="two-literal-zones"),
        pytest.param(_batch([_select(0), _select(1)]), CE_SUBNETS, id="two-selected-zones"),
        pytest.param(_batch(["us-east-1a", "us-east-1a"]), [], id="one-zone"),
        pytest.param(_batch(["us-east-1a", "us-east-1b"], strategy="spread"), [], id="spread-group"),
        pytest.param(_batch(["us-east-1a", _select(1)]), [], id="literal-and-selected-cannot-be-compared"),
        pytest.param(_asg(["us-east-1a", "us-east-1b"]), [["Resources", "Nodes", "Properties", "VPCZoneIdentifier"]], id="asg"),
        pytest.param(_asg(["us-east-1a"]), [], id="asg-one-zone"),
    ],
)
def test_handwritten(template, expected):
    assert paths(Rule, template) == expected
