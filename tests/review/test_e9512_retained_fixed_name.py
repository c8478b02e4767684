"""E9512: a retained resource with a fixed name makes the next create of the stack fail."""

from __future__ import annotations

import pytest

from mlblueprints.review.names import identifier_properties
from mlblueprints.review.rules import RetainedFixedName as Rule
from mlblueprints.review.template import is_retained
from tests.review.lint import messages, paths


def _drop_fixed_names(template: dict) -> None:
    for resource in template["Resources"].values():
        if is_retained(resource):
            for key in identifier_properties(resource["Type"]):
                resource.get("Properties", {}).pop(key, None)


@pytest.mark.cdk
@pytest.mark.parametrize(
    "types, kind, key, value",
    [
        # HyperPodLifecycleBucket: a fixed BucketName of account id and blueprint name.
        (("AWS::SageMaker::Cluster",), "AWS::S3::Bucket", "BucketName",
         {"Fn::Join": ["-", ["sagemaker-lifecycle", {"Ref": "AWS::AccountId"}]]}),
        # The endpoint log group whose name SageMaker fixes: /aws/sagemaker/Endpoints/<endpoint>.
        (("AWS::SageMaker::Endpoint",), "AWS::Logs::LogGroup", "LogGroupName", "/aws/sagemaker/Endpoints/chat"),
    ],
    ids=["bucket", "log-group"],
)
def test_fires_on_a_fixed_name_injected_into_a_real_template(real_template, types, kind, key, value):
    template = real_template(*types)
    _drop_fixed_names(template)
    assert paths(Rule, template) == []

    template["Resources"]["InjectedKept"] = {"Type": kind, "DeletionPolicy": "Retain", "Properties": {key: value}}
    assert paths(Rule, template) == [["Resources", "InjectedKept", "Properties", key]]


def _kept(kind: str, properties: dict, policy: str = "Retain") -> dict:
    return {
        "Parameters": {"Name": {"Type": "String"}},
        "Resources": {
            "Other": {"Type": "AWS::SNS::Topic", "Properties": {}},
            "Kept": {"Type": kind, "DeletionPolicy": policy, "Properties": properties},
        },
    }


@pytest.mark.parametrize(
    "template, expected",
    [
        pytest.param(_kept("AWS::S3::Bucket", {"BucketName": "data"}), ["BucketName"], id="literal"),
        pytest.param(_kept("AWS::S3::Bucket", {"BucketName": {"Fn::Sub": "data-${AWS::AccountId}-${AWS::Region}"}}), ["BucketName"], id="sub-account-region"),
        pytest.param(_kept("AWS::S3::Bucket", {"BucketName": {"Ref": "Name"}}), ["BucketName"], id="parameter"),
        pytest.param(_kept("AWS::SSM::Parameter", {"Name": "/app/x", "Type": "String", "Value": "1"}), ["Name"], id="ssm"),
        pytest.param(_kept("AWS::S3::Bucket", {"BucketName": "data"}, "RetainExceptOnCreate"), ["BucketName"], id="retain-except-on-create"),
        pytest.param(_kept("AWS::S3::Bucket", {}), [], id="generated-name"),
        pytest.param(_kept("AWS::S3::Bucket", {"BucketName": "data"}, "Delete"), [], id="not-retained"),
        pytest.param(_kept("AWS::S3::Bucket", {"BucketName": {"Fn::Sub": "data-${AWS::StackId}"}}), [], id="stack-id"),
        pytest.param(_kept("AWS::S3::Bucket", {"BucketName": {"Fn::GetAtt": ["Other", "TopicName"]}}), [], id="from-resource"),
        # An FSx file system's identifier is its generated Id: tags are not names.
        pytest.param(_kept("AWS::FSx::FileSystem", {"Tags": [{"Key": "Name", "Value": "data"}]}), [], id="fsx-tags"),
    ],
)
def test_handwritten(template, expected):
    assert paths(Rule, template) == ([["Resources", "Kept", "Properties", *expected]] if expected else [])


@pytest.mark.parametrize(
    "kind, names",
    [
        ("AWS::S3::Bucket", ("BucketName",)),
        ("AWS::Logs::LogGroup", ("LogGroupName",)),
        ("AWS::IAM::Role", ("RoleName",)),
        ("AWS::FSx::FileSystem", ()),
        ("AWS::KMS::Key", ()),
        ("AWS::EC2::SecurityGroup", ()),
        ("Custom::Anything", ()),
    ],
)
def test_names_come_from_the_registry_schemas(kind, names):
    assert identifier_properties(kind) == names


@pytest.mark.parametrize(
    "name, hint",
    [("/aws/sagemaker/Endpoints/chat", "decide whether the stack should own this one"), ("app-logs", "drop LogGroupName")],
)
def test_the_fix_for_a_name_aws_chose_is_a_decision(name, hint):
    (message,) = messages(Rule, _kept("AWS::Logs::LogGroup", {"LogGroupName": name}))
    assert hint in message
