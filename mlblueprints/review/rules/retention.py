"""Resources a stack keeps when it is deleted (DeletionPolicy Retain), and what that breaks."""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from mlblueprints.review.names import identifier_properties, is_fixed
from mlblueprints.review.template import is_retained, properties, references, resources, text_form

#: Kept resources that use these cannot outlive them: EC2 refuses to delete a group,
#: subnet or VPC that a network interface still uses, and a deleted key makes the
#: kept data unreadable.
IN_USE = {
    "AWS::EC2::SecurityGroup": "EC2 refuses to delete the group while the kept resource's network interfaces "
    "use it (DependencyViolation: resource sg-... has a dependent object), so the stack ends in DELETE_FAILED",
    "AWS::EC2::Subnet": "EC2 refuses to delete the subnet while the kept resource's network interfaces are in it "
    "(DependencyViolation: The subnet 'subnet-...' has dependencies and cannot be deleted), so the stack ends in "
    "DELETE_FAILED",
    "AWS::EC2::VPC": "EC2 refuses to delete the VPC while the kept resource's network interfaces are in it "
    "(DependencyViolation: The vpc 'vpc-...' has dependencies and cannot be deleted), so the stack ends in "
    "DELETE_FAILED",
    "AWS::KMS::Key": "the key is scheduled for deletion with the stack, and the kept data cannot be decrypted "
    "once it is deleted",
}


def _retained_references(template: dict):
    """``(retained, path, dependency, dependency type)`` for each use of a deleted resource by a kept one.

    Names and tags are not uses: a log group named after a function does not need it.
    """
    found = resources(template)
    for name, resource in found.items():
        if not is_retained(resource):
            continue
        skipped = {"Tags", *identifier_properties(resource.get("Type"))}
        for key, value in properties(resource).items():
            if key in skipped:
                continue
            for path, dependency in references(value, ("Resources", name, "Properties", key)):
                if dependency in found and dependency != name and not is_retained(found[dependency]):
                    yield name, list(path), dependency, found[dependency].get("Type")


class RetainedUsesDeletedNetworkOrKey(CloudFormationLintRule):
    id = "E9510"
    shortdesc = "Retained resource uses a security group, subnet, VPC or KMS key that the stack deletes"
    prevents = (
        "DELETE_FAILED: resource sg-... has a dependent object (DependencyViolation), or kept data that "
        "cannot be decrypted after its key is deleted"
    )
    description = f"A resource kept on stack delete outlives the network and keys it uses. Prevents: {prevents}"
    source_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html"
    fix = 'Retain what the kept resource uses, or put the long-lived resources in a stack of their own.'
    tags = ["resources", "deletionpolicy", "mlblueprints"]

    def match(self, cfn):
        for name, path, dependency, kind in _retained_references(cfn.template):
            if kind in IN_USE:
                yield RuleMatch(
                    path,
                    f"{name} is kept on stack delete but uses {dependency} ({kind}), which the stack deletes: "
                    f"{IN_USE[kind]}. Fix: keep {dependency} too (DeletionPolicy: Retain), or move {name} and "
                    "what it uses into a long-lived stack of their own.",
                )


class RetainedReferencesDeleted(CloudFormationLintRule):
    id = "W9511"
    shortdesc = "Retained resource refers to a resource that the stack deletes"
    prevents = "no AWS error: after a stack delete the kept resource points at something that no longer exists"
    description = f"A resource kept on stack delete names another resource that the delete removes. Prevents: {prevents}"
    source_url = RetainedUsesDeletedNetworkOrKey.source_url
    fix = 'Retain the referenced resource too, or stop referring to it from a kept one.'
    tags = ["resources", "deletionpolicy", "mlblueprints"]

    def match(self, cfn):
        for name, path, dependency, kind in _retained_references(cfn.template):
            if kind not in IN_USE:
                yield RuleMatch(
                    path,
                    f"{name} is kept on stack delete but refers to {dependency} ({kind}), which the stack "
                    f"deletes. Fix: keep {dependency} too, or stop referring to it from a kept resource.",
                )


class RetainedFixedName(CloudFormationLintRule):
    id = "E9512"
    shortdesc = "Retained resource with a fixed name blocks creating the stack again"
    prevents = (
        "CREATE_FAILED: Resource of type '<type>' with identifier '<name>' already exists. "
        "(for a bucket: <name> already exists)"
    )
    description = (
        "A kept resource still holds its name after a stack delete, so the next create of the same template "
        f"collides with it. Its names are the type's writable primaryIdentifier properties. Prevents: {prevents}"
    )
    source_url = "https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-test-contract.html"
    fix = 'Let CloudFormation generate the name, or do not retain the resource.'
    tags = ["resources", "deletionpolicy", "mlblueprints"]

    def match(self, cfn):
        found = resources(cfn.template)
        for name, resource in found.items():
            if not is_retained(resource):
                continue
            props = properties(resource)
            identifiers = identifier_properties(resource.get("Type"))
            if identifiers and all(key in props and is_fixed(props[key], found) for key in identifiers):
                key = identifiers[0]
                named_by_aws = "/aws/" in (text_form(props[key]) or "")
                yield RuleMatch(
                    ["Resources", name, "Properties", key],
                    f"{name} is kept on stack delete and has a fixed {key}; creating this stack again fails "
                    f"because the kept {resource.get('Type')} still holds that name. Fix: "
                    + (
                        "AWS services create and name /aws/... log groups themselves, so decide whether the stack "
                        "should own this one at all; if it does, do not keep it on delete."
                        if named_by_aws
                        else f"drop {key} so that CloudFormation generates a unique name, or do not keep the resource."
                    ),
                )
