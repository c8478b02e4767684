"""E9540: network-interface permissions on * need a condition."""

from __future__ import annotations

import pytest

from mlblueprints.review.rules import EniPermissionsUnconditioned as Rule
from mlblueprints.review.iam import grants, policy_documents
from mlblueprints.review.rules.iam_eni import ENI_ACTIONS
from tests.review.lint import paths

SCOPED = {"ArnEquals": {"ec2:Vpc": "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123456789abcdef0"}}


def _scope_every_eni_statement(template: dict) -> None:
    """The clean variant: each statement that grants the ENI actions gets a condition."""
    for name, resource in template["Resources"].items():
        if resource["Type"].startswith("AWS::IAM::"):
            for _, document in policy_documents(name, resource):
                for statement in (document or {}).get("Statement", []):
                    if statement.get("Effect") == "Allow" and any(grants(statement, a) for a in ENI_ACTIONS):
                        statement.setdefault("Condition", SCOPED)


@pytest.mark.cdk
def test_fires_on_an_unconditioned_statement_in_a_real_template(real_template):
    template = real_template("AWS::SageMaker::Cluster")
    _scope_every_eni_statement(template)
    assert paths(Rule, template) == []

    role = next(name for name, r in template["Resources"].items() if r["Type"] == "AWS::IAM::Role")
    statement = {"Effect": "Allow", "Action": list(ENI_ACTIONS), "Resource": "*"}
    template["Resources"]["InjectedEniPolicy"] = {
        "Type": "AWS::IAM::Policy",
        "Properties": {"PolicyName": "eni", "Roles": [{"Ref": role}], "PolicyDocument": {"Statement": [statement]}},
    }
    assert paths(Rule, template) == [["Resources", "InjectedEniPolicy", "Properties", "PolicyDocument", "Statement", 0, "Resource"]]


def _role(statement: dict) -> dict:
    return {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {},
                    "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [statement]}}],
                },
            }
        }
    }


AT = [["Resources", "Role", "Properties", "Policies", 0, "PolicyDocument", "Statement", 0, "Resource"]]


@pytest.mark.parametrize(
    "statement, expected",
    [
        pytest.param({"Effect": "Allow", "Action": "ec2:CreateNetworkInterface", "Resource": "*"}, AT, id="one-action"),
        pytest.param({"Effect": "Allow", "Action": "ec2:*NetworkInterface*", "Resource": ["*"]}, AT, id="wildcard-action"),
        pytest.param({"Effect": "Allow", "Action": "*", "Resource": "*"}, AT, id="admin"),
        pytest.param({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}, AT, id="not-action"),
        pytest.param({"Effect": "Allow", "Action": "ec2:CreateNetworkInterface", "Resource": "*", "Condition": SCOPED}, [], id="conditioned"),
        pytest.param(
            {"Effect": "Allow", "Action": "ec2:CreateNetworkInterface", "Resource": "arn:aws:ec2:*:*:subnet/subnet-0123456789abcdef0"},
            [],
            id="resource-arn",
        ),
        pytest.param({"Effect": "Allow", "Action": "ec2:DescribeNetworkInterfaces", "Resource": "*"}, [], id="describe"),
        pytest.param({"Effect": "Deny", "Action": "ec2:CreateNetworkInterface", "Resource": "*"}, [], id="deny"),
        pytest.param({"Effect": "Allow", "NotAction": "ec2:*", "Resource": "*"}, [], id="not-action-excludes-ec2"),
    ],
)
def test_handwritten(statement, expected):
    assert paths(Rule, _role(statement)) == expected
