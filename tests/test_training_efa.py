"""Multi-node TrainingCluster networking (issue 11): EFA on every card, a cluster placement group and
one zone by default on EFA-capable types; nothing of the kind for one node or after `efa: false`."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match

from mlblueprints import efa
from mlblueprints.resolve import resolve
from tests.blueprint_factory import patched
from tests.synthesized import Synth, valid

P4D_TWO = patched({"spec": {"instance": {"type": "p4d.24xlarge"}, "nodes": {"min": 0, "desired": 2, "max": 2}}})
RESERVED = patched({"spec": {"availability_zones": ["us-east-1a"],
                             "capacity": {"capacity_reservation_id": "cr-0123456789abcdef0"}}}, P4D_TWO)


@pytest.mark.parametrize(
    "patch, interfaces, placement",
    [
        pytest.param({}, 5, True, id="p4d-two-nodes"),  # ENA + efa-only on card 0, efa-only on cards 1-3
        pytest.param({"spec": {"nodes": {"min": 0, "desired": 1, "max": 1}}}, 0, False, id="one-node"),
        pytest.param({"spec": {"efa": False}}, 0, False, id="opted-out"),
        pytest.param({"spec": {"availability_zones": ["us-east-1a"],
                               "capacity": {"capacity_reservation_id": "cr-0123456789abcdef0"}}}, 5, False,
                     id="reservation-fixes-placement"),
    ],
)
def test_resolved_networking(patch, interfaces, placement):
    resolved = resolve(valid(patched(patch, P4D_TWO)))
    assert len(resolved.efa_layout) == interfaces
    assert len(efa.efa_interfaces(resolved.efa_layout)) == (4 if interfaces else 0)
    assert resolved.cluster_placement is placement


@pytest.fixture(scope="module")
def p4d(build_stack) -> Synth:
    blueprint = valid(P4D_TWO)
    return Synth(blueprint, build_stack(blueprint))


@pytest.mark.cdk
def test_every_card_gets_an_efa_in_the_node_security_group(p4d):
    data = p4d.props("AWS::EC2::LaunchTemplate")["LaunchTemplateData"]
    interfaces = data["NetworkInterfaces"]
    assert [(i["NetworkCardIndex"], i["DeviceIndex"], i["InterfaceType"]) for i in interfaces] == [
        (0, 0, "interface"), (0, 1, "efa-only"), (1, 0, "efa-only"), (2, 0, "efa-only"), (3, 0, "efa-only")
    ]
    group = interfaces[0]["Groups"]
    assert all(i["Groups"] == group and i["AssociatePublicIpAddress"] is False for i in interfaces)
    assert "SecurityGroupIds" not in data  # cannot be combined with NetworkInterfaces


@pytest.mark.cdk
def test_cfn_lint_accepts_the_efa_template(p4d):
    import json

    from cfnlint.api import lint

    matches = lint(json.dumps(p4d.json), regions=["us-east-1"])
    assert [f"{m.rule.id}: {m.message}" for m in matches if m.rule.id.startswith("E")] == []


@pytest.mark.cdk
def test_nodes_join_one_cluster_placement_group_in_one_subnet(p4d):
    name, _ = p4d.one("AWS::EC2::PlacementGroup")
    assert p4d.props("AWS::EC2::PlacementGroup")["Strategy"] == "cluster"
    group = p4d.props("AWS::AutoScaling::AutoScalingGroup")
    assert group["PlacementGroup"] == {"Ref": name}
    assert len(group["VPCZoneIdentifier"]) == 1


@pytest.mark.cdk
def test_efa_security_group_allows_all_traffic_to_and_from_itself(p4d):
    group_id = next(n for n in p4d.resources("AWS::EC2::SecurityGroup") if "NodeSecurityGroup" in n)
    me = {"Fn::GetAtt": [group_id, "GroupId"]}
    ingress = [r["Properties"] for r in p4d.resources("AWS::EC2::SecurityGroupIngress").values()]
    egress = [r["Properties"] for r in p4d.resources("AWS::EC2::SecurityGroupEgress").values()]
    assert any(r["GroupId"] == me and r.get("SourceSecurityGroupId") == me and r["IpProtocol"] == "-1" for r in ingress)
    assert any(r["GroupId"] == me and r.get("DestinationSecurityGroupId") == me and r["IpProtocol"] == "-1" for r in egress)


@pytest.mark.cdk
def test_a_reserved_cluster_has_efa_but_no_placement_group(build_stack):
    blueprint = valid(RESERVED)
    stack = Synth(blueprint, build_stack(blueprint))
    assert stack.resources("AWS::EC2::PlacementGroup") == {}
    assert len(stack.props("AWS::EC2::LaunchTemplate")["LaunchTemplateData"]["NetworkInterfaces"]) == 5


@pytest.mark.cdk
def test_a_spot_efa_pool_keeps_its_interfaces_and_placement(build_stack):
    document = patched({"spec": {"instance": {"type": "g6.12xlarge"}, "nodes": {"min": 0, "desired": 2, "max": 8},
                                 "availability_zones": ["us-east-1a"], "capacity": {"purchase": "spot"}}})
    blueprint = valid(document)
    stack = Synth(blueprint, build_stack(blueprint))
    interfaces = stack.props("AWS::EC2::LaunchTemplate")["LaunchTemplateData"]["NetworkInterfaces"]
    assert [i["InterfaceType"] for i in interfaces] == ["interface", "efa-only"]  # one card: ENA primary + efa-only
    group = stack.props("AWS::AutoScaling::AutoScalingGroup")
    assert "MixedInstancesPolicy" in group and "PlacementGroup" in group
    findings = stack.annotations.find_error("*", Match.string_like_regexp("AwsSolutions-.*"))
    findings += stack.annotations.find_warning("*", Match.string_like_regexp("(AwsSolutions-|CdkNagValidationFailure).*"))
    assert [f"{f.id}: {f.entry.data}" for f in findings] == []
