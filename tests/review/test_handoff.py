"""E9503 and W9504 follow SSM-parameter handoffs between the stacks of one cloud assembly.

A data stack writes the subnet id to an SSM parameter; the compute stack reads
it through an SSM-typed template parameter. Linting the compute template inside
its cdk.out folder, the rules see the data stack's VPC and its default group.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from cfnlint.template import Template

from mlblueprints.review.rules import MultiNodeDefaultGroupUnknown, MultiNodeTaskReachability
from tests.review.handwritten import batch_mnp

SUBNET_PARAMETER = "/demo/data/subnet"
DEFAULT = {"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]}


def _stacks(*, self_rules: bool) -> tuple[dict, dict]:
    """(data template: VPC, subnet, stripped default group, the SSM parameter; compute template reading it)."""
    whole = batch_mnp(restrict_default=True)
    network = ("Vpc", "Subnet", "RestrictDefault")
    data = {"Resources": {k: copy.deepcopy(v) for k, v in whole["Resources"].items() if k in network}}
    data["Resources"]["SubnetHandoff"] = {
        "Type": "AWS::SSM::Parameter",
        "Properties": {"Name": SUBNET_PARAMETER, "Type": "String", "Value": {"Ref": "Subnet"}},
    }
    if self_rules:
        data["Resources"]["TaskIn"] = {
            "Type": "AWS::EC2::SecurityGroupIngress",
            "Properties": {"GroupId": DEFAULT, "SourceSecurityGroupId": DEFAULT, "IpProtocol": "-1"},
        }
        data["Resources"]["TaskOut"] = {
            "Type": "AWS::EC2::SecurityGroupEgress",
            "Properties": {"GroupId": DEFAULT, "DestinationSecurityGroupId": DEFAULT, "IpProtocol": "-1"},
        }
    compute = {
        "Parameters": {"SubnetId": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": SUBNET_PARAMETER}},
        "Resources": {k: v for k, v in whole["Resources"].items() if k not in network},
    }
    compute["Resources"]["Compute"]["Properties"]["ComputeResources"]["Subnets"] = [{"Ref": "SubnetId"}]
    return data, compute


def _lint(folder: Path, rule, *, self_rules: bool, manifest: bool = True) -> list[list]:
    folder.mkdir()
    data, compute = _stacks(self_rules=self_rules)
    (folder / "Data.template.json").write_text(json.dumps(data))
    (folder / "Compute.template.json").write_text(json.dumps(compute))
    if manifest:
        (folder / "manifest.json").write_text(json.dumps({"artifacts": {}}))
    cfn = Template(str(folder / "Compute.template.json"), compute, ["us-east-1"])
    return [list(m.path) for m in rule().match(cfn)]


CE = ["Resources", "Compute", "Properties", "ComputeResources"]


def test_the_data_stacks_stripped_default_group_is_seen_from_the_compute_stack(tmp_path):
    assert _lint(tmp_path / "a", MultiNodeTaskReachability, self_rules=False) == [CE]
    assert _lint(tmp_path / "b", MultiNodeDefaultGroupUnknown, self_rules=False) == []


def test_self_rules_in_the_data_stack_make_it_reachable(tmp_path):
    assert _lint(tmp_path / "a", MultiNodeTaskReachability, self_rules=True) == []
    assert _lint(tmp_path / "b", MultiNodeDefaultGroupUnknown, self_rules=True) == []


def test_outside_a_cloud_assembly_the_vpc_is_unknown(tmp_path):
    assert _lint(tmp_path / "a", MultiNodeTaskReachability, self_rules=False, manifest=False) == []
    assert _lint(tmp_path / "b", MultiNodeDefaultGroupUnknown, self_rules=False, manifest=False) == [[*CE, "Subnets"]]
