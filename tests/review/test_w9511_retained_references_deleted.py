"""W9511: a retained resource that refers to another resource the stack deletes."""

from __future__ import annotations

import copy

import pytest

from mlblueprints.review.rules import RetainedReferencesDeleted as Rule
from mlblueprints.review.rules.retention import IN_USE
from mlblueprints.review.names import identifier_properties
from mlblueprints.review.template import is_retained, properties, references
from tests.review.lint import paths


def _uses(template: dict):
    """(retained, key, dependency) for every reference of a retained resource, names and tags aside."""
    found = template["Resources"]
    for name, resource in found.items():
        if not is_retained(resource):
            continue
        for key, value in properties(resource).items():
            if key in ("Tags", *identifier_properties(resource["Type"])):
                continue
            for path, dependency in references(value, ("Resources", name, "Properties", key)):
                if dependency in found and dependency != name:
                    yield list(path), dependency


@pytest.mark.cdk
def test_fires_when_a_retained_resource_refers_to_a_deleted_one_in_a_real_template(example_templates):
    """Such as a retained bucket whose access logs go to another bucket of the stack."""
    template = next(
        copy.deepcopy(t) for t in example_templates.values()
        if any(t["Resources"][d]["Type"] not in IN_USE for _, d in _uses(t))
    )
    found = template["Resources"]
    for _, dependency in list(_uses(template)):
        found[dependency]["DeletionPolicy"] = "Retain"
    assert paths(Rule, template) == []

    path, dependency = next((p, d) for p, d in _uses(template) if found[d]["Type"] not in IN_USE)
    del found[dependency]["DeletionPolicy"]
    assert path in paths(Rule, template)


def test_names_and_tags_are_not_uses():
    template = {
        "Resources": {
            "Handler": {"Type": "AWS::Lambda::Function", "Properties": {}},
            "Logs": {
                "Type": "AWS::Logs::LogGroup",
                "DeletionPolicy": "Retain",
                "Properties": {
                    "LogGroupName": {"Fn::Join": ["", ["/aws/lambda/", {"Ref": "Handler"}]]},
                    "Tags": [{"Key": "for", "Value": {"Ref": "Handler"}}],
                },
            },
        }
    }
    assert paths(Rule, template) == []
    template["Resources"]["Logs"]["Properties"]["DataProtectionPolicy"] = {"x": {"Fn::GetAtt": ["Handler", "Arn"]}}
    assert paths(Rule, template) == [["Resources", "Logs", "Properties", "DataProtectionPolicy", "x"]]


def test_in_use_types_are_e9510s_not_w9511s():
    template = {
        "Resources": {
            "Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {}},
            "Fs": {"Type": "AWS::FSx::FileSystem", "DeletionPolicy": "Retain", "Properties": {"SecurityGroupIds": [{"Ref": "Group"}]}},
        }
    }
    assert paths(Rule, template) == []
