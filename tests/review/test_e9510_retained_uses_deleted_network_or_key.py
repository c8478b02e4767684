"""E9510: a retained resource must not use a security group, subnet, VPC or key that the stack deletes."""

from __future__ import annotations

import pytest

from mlblueprints.review.rules import RetainedUsesDeletedNetworkOrKey as Rule
from mlblueprints.review.template import is_retained, properties, references, target
from tests.review.lint import paths, resources_of


def _retain_what_retained_resources_use(template: dict) -> None:
    """The clean variant: everything a retained resource refers to is retained too, transitively."""
    found = template["Resources"]
    changed = True
    while changed:
        changed = False
        for resource in list(found.values()):
            if is_retained(resource):
                for _, name in references(properties(resource)):
                    if name in found and not is_retained(found[name]):
                        found[name]["DeletionPolicy"] = "Retain"
                        changed = True


@pytest.mark.cdk
def test_fires_when_the_file_systems_group_is_deleted_in_a_real_template(real_template):
    template = real_template("AWS::FSx::FileSystem", "AWS::EC2::SecurityGroup")
    name, file_system = next(iter(resources_of(template, "AWS::FSx::FileSystem").items()))
    file_system["DeletionPolicy"] = "Retain"  # as the examples had it before issue 10
    _retain_what_retained_resources_use(template)
    assert paths(Rule, template) == []

    group = target(file_system["Properties"]["SecurityGroupIds"][0])
    del template["Resources"][group]["DeletionPolicy"]
    assert paths(Rule, template) == [["Resources", name, "Properties", "SecurityGroupIds", 0]]


def _template(policy: str | None, dependency_type: str = "AWS::EC2::SecurityGroup", prop="SecurityGroupIds") -> dict:
    dependency = {"Type": dependency_type, "Properties": {}}
    if policy:
        dependency["DeletionPolicy"] = policy
    value = {"Fn::GetAtt": ["Dependency", "GroupId"]} if prop == "SecurityGroupIds" else {"Ref": "Dependency"}
    return {
        "Resources": {
            "Dependency": dependency,
            "Kept": {
                "Type": "AWS::FSx::FileSystem",
                "DeletionPolicy": "Retain",
                "Properties": {"FileSystemType": "LUSTRE", "StorageCapacity": 1200, prop: [value] if prop != "KmsKeyId" else value},
            },
        }
    }


@pytest.mark.parametrize(
    "template, expected",
    [
        pytest.param(_template(None), [["SecurityGroupIds", 0]], id="group-deleted"),
        pytest.param(_template("Delete"), [["SecurityGroupIds", 0]], id="group-delete-policy"),
        pytest.param(_template("Snapshot", "AWS::EC2::Subnet", "SubnetIds"), [["SubnetIds", 0]], id="subnet"),
        pytest.param(_template(None, "AWS::KMS::Key", "KmsKeyId"), [["KmsKeyId"]], id="key"),
        pytest.param(_template("Retain"), [], id="group-retained"),
        pytest.param(_template("RetainExceptOnCreate"), [], id="group-retained-except-on-create"),
        pytest.param(_template(None, "AWS::IAM::Role", "SubnetIds"), [], id="other-types-are-w9511s"),
    ],
)
def test_handwritten(template, expected):
    assert paths(Rule, template) == [["Resources", "Kept", "Properties", *p] for p in expected]


def test_a_deleted_resource_may_use_anything():
    template = _template(None)
    del template["Resources"]["Kept"]["DeletionPolicy"]
    assert paths(Rule, template) == []


def test_sub_references_count():
    template = _template(None)
    template["Resources"]["Kept"]["Properties"]["SecurityGroupIds"] = [{"Fn::Sub": "${Dependency.GroupId}"}]
    assert paths(Rule, template) == [["Resources", "Kept", "Properties", "SecurityGroupIds", 0]]
