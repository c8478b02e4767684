"""W9521: no s3:DeleteObject on the bucket of an FSx data repository that the stack does not own."""

from __future__ import annotations

import pytest

from mlblueprints.review.iam import allow_statements
from mlblueprints.review.rules import ForeignRepositoryDeleteGranted as Rule
from tests.review.lint import paths, resources_of

LAKE = "s3://shared-data-lake/llm/pretrain/"


@pytest.mark.cdk
def test_fires_on_delete_granted_on_a_foreign_repository_in_a_real_template(real_template):
    template = real_template("AWS::FSx::DataRepositoryAssociation")
    association = next(iter(resources_of(template, "AWS::FSx::DataRepositoryAssociation").values()))
    association["Properties"]["DataRepositoryPath"] = LAKE
    role = next(name for name, r in template["Resources"].items() if r["Type"] == "AWS::IAM::Role")
    statement = {
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::shared-data-lake/llm/pretrain/*"]]},
    }
    template["Resources"]["InjectedDataAccess"] = {
        "Type": "AWS::IAM::Policy",
        "Properties": {"PolicyName": "data", "Roles": [{"Ref": role}], "PolicyDocument": {"Statement": [statement]}},
    }
    _drop_delete_object(template)
    assert paths(Rule, template) == []

    statement["Action"].append("s3:DeleteObject")
    assert paths(Rule, template) == [["Resources", "InjectedDataAccess", "Properties", "PolicyDocument", "Statement", 0, "Resource"]]


def _drop_delete_object(template: dict) -> None:
    """The clean variant: no statement of the template names s3:DeleteObject."""
    for _, statement in allow_statements(template):
        if isinstance(statement.get("Action"), list):
            statement["Action"] = [a for a in statement["Action"] if a != "s3:DeleteObject"]


def _template(action, resource, path="s3://lake/data/") -> dict:
    return {
        "Resources": {
            "Link": {
                "Type": "AWS::FSx::DataRepositoryAssociation",
                "Properties": {"FileSystemId": "fs-0123456789abcdef0", "FileSystemPath": "/data", "DataRepositoryPath": path},
            },
            "Access": {
                "Type": "AWS::IAM::Policy",
                "Properties": {
                    "PolicyName": "data",
                    "Roles": ["nodes"],
                    "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]},
                },
            },
        }
    }


AT = [["Resources", "Access", "Properties", "PolicyDocument", "Statement", 0, "Resource"]]


@pytest.mark.parametrize(
    "template, expected",
    [
        pytest.param(_template("s3:DeleteObject", "arn:aws:s3:::lake/data/*"), AT, id="prefix"),
        pytest.param(_template("s3:*", "arn:aws:s3:::lake/*"), AT, id="wildcards"),
        pytest.param(_template("s3:DeleteObject", "*"), AT, id="everything"),
        pytest.param(_template(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::lake/data/*"), [], id="read-write"),
        pytest.param(_template("s3:DeleteObject", "arn:aws:s3:::other/*"), [], id="other-bucket"),
        pytest.param(_template("s3:DeleteObject", "arn:aws:s3:::lake/data/*", path={"Fn::Sub": "s3://${Bucket}/x/"}), [], id="path-unknown"),
    ],
)
def test_handwritten(template, expected):
    assert paths(Rule, template) == expected


def test_resource_lists_point_at_the_entry():
    template = _template("s3:DeleteObject", ["arn:aws:s3:::other/*", "arn:aws:s3:::lake/data/*"])
    assert paths(Rule, template) == [[*AT[0], 1]]
