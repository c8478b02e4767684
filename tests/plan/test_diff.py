"""Resource diff and CloudFormation's replacement rules, on hand-written templates."""

from __future__ import annotations

import pytest

from mlblueprints.plan.diff import Action, diff_templates, is_stateful
from mlblueprints.plan.iam import broadening

FSX = {
    "Type": "AWS::FSx::FileSystem",
    "DeletionPolicy": "Retain",
    "UpdateReplacePolicy": "Retain",
    "Properties": {
        "FileSystemType": "LUSTRE",
        "StorageCapacity": 2400,
        "SubnetIds": [{"Ref": "Subnet"}],
        "LustreConfiguration": {"DeploymentType": "PERSISTENT_2", "PerUnitStorageThroughput": 250},
    },
}
SUBNET = {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/24"}}


def template(**resources) -> dict:
    return {"Resources": resources}


def with_props(resource: dict, **props) -> dict:
    changed = {**resource, "Properties": {**resource["Properties"], **props}}
    return changed


def actions(old: dict | None, new: dict | None) -> dict[str, str]:
    return {c.logical_id: c.action.value for c in diff_templates(old, new, "us-east-1")}


@pytest.mark.parametrize(
    "new_fsx, expected",
    [
        pytest.param(FSX, {}, id="unchanged"),
        pytest.param(with_props(FSX, StorageCapacity=4800), {"Fs": "modify"}, id="capacity-in-place"),
        pytest.param(
            with_props(FSX, LustreConfiguration={"DeploymentType": "PERSISTENT_1", "PerUnitStorageThroughput": 200}),
            {"Fs": "replace"}, id="deployment-type-curated-gap",
        ),
        pytest.param(with_props(FSX, FileSystemType="OPENZFS"), {"Fs": "replace"}, id="schema-create-only"),
        pytest.param(with_props(FSX, SubnetIds=[{"Ref": "OtherSubnet"}]), {"Fs": "may replace"},
                     id="create-only-intrinsic-may-replace"),
        pytest.param({**FSX, "Type": "AWS::EFS::FileSystem"}, {"Fs": "replace"}, id="type-change"),
        pytest.param({**FSX, "Metadata": {"mlbp:source": ["spec"]}}, {}, id="metadata-only-is-no-change"),
    ],
)
def test_replacement_rules(new_fsx, expected):
    assert actions(template(Fs=FSX, Subnet=SUBNET), template(Fs=new_fsx, Subnet=SUBNET)) == expected


def test_a_replaced_resource_may_replace_what_refers_to_it_in_a_create_only_property():
    new_subnet = with_props(SUBNET, CidrBlock="10.0.1.0/24")  # CidrBlock is create-only: the subnet is replaced
    found = actions(template(Fs=FSX, Subnet=SUBNET), template(Fs=FSX, Subnet=new_subnet))
    assert found == {"Subnet": "replace", "Fs": "may replace"}


def test_added_and_removed_logical_ids():
    assert actions(template(Fs=FSX), template(Fs2=FSX)) == {"Fs": "remove", "Fs2": "add"}
    assert actions(None, template(Fs=FSX)) == {"Fs": "add"}
    assert actions(template(Fs=FSX), None) == {"Fs": "remove"}


def test_reasons_name_the_property_and_values():
    (change,) = diff_templates(
        template(Fs=FSX),
        template(Fs=with_props(FSX, LustreConfiguration={"DeploymentType": "SCRATCH_2", "PerUnitStorageThroughput": 250})),
        "us-east-1",
    )
    assert change.action is Action.REPLACE
    assert change.reasons == ['LustreConfiguration.DeploymentType is create-only: "PERSISTENT_2" -> "SCRATCH_2"']


@pytest.mark.parametrize(
    "resource, stateful",
    [
        pytest.param({"Type": "AWS::S3::Bucket"}, True, id="bucket"),
        pytest.param({"Type": "AWS::Logs::LogGroup"}, True, id="log-group"),
        pytest.param({"Type": "AWS::SNS::Topic", "DeletionPolicy": "Retain"}, True, id="anything-retained"),
        pytest.param({"Type": "AWS::EC2::Subnet"}, False, id="subnet"),
    ],
)
def test_stateful(resource, stateful):
    assert is_stateful(resource) is stateful


def _policy(*statements) -> dict:
    return {"Type": "AWS::IAM::Policy", "Properties": {"PolicyDocument": {"Statement": list(statements)}}}


READ = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/x/*"}


@pytest.mark.parametrize(
    "old, new, expected",
    [
        pytest.param(_policy(READ), _policy(READ), [], id="same"),
        pytest.param(_policy(READ), _policy(), [], id="narrower"),
        pytest.param(_policy(READ), _policy(READ, {**READ, "Action": ["s3:PutObject"]}),
                     ["allows s3:PutObject on arn:aws:s3:::b/x/*"], id="new-action"),
        pytest.param(_policy(READ), _policy({**READ, "Resource": "*"}), ["allows s3:GetObject on *"], id="wider-resource"),
        pytest.param(None, _policy(READ), ["allows s3:GetObject on arn:aws:s3:::b/x/*"], id="new-policy"),
        pytest.param(_policy(READ), _policy({**READ, "Effect": "Deny", "Action": "s3:*"}), [], id="deny-is-not-broader"),
    ],
)
def test_iam_broadening(old, new, expected):
    assert broadening("AWS::IAM::Policy", old, new) == expected


def test_new_managed_policy_and_ingress_broaden():
    role = {"Type": "AWS::IAM::Role", "Properties": {"ManagedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}}
    assert broadening("AWS::IAM::Role", None, role) == [
        "attaches managed policy arn:aws:iam::aws:policy/ReadOnlyAccess"
    ]
    ingress = {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"CidrIp": "0.0.0.0/0", "IpProtocol": "-1"}}
    assert broadening("AWS::EC2::SecurityGroupIngress", None, ingress) == [
        'allows ingress {"CidrIp":"0.0.0.0/0","IpProtocol":"-1"}'
    ]
