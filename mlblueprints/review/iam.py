"""IAM identity policies in a template: their Allow statements and the actions those grant."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Iterator

from mlblueprints.review.template import as_list, of_type, properties

IAM_TYPES = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")


def policy_documents(name: str, resource: dict) -> Iterator[tuple[list, dict]]:
    """``(path, policy document)`` of each identity policy of an IAM resource."""
    props = properties(resource)
    base = ["Resources", name, "Properties"]
    if resource.get("Type") in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        if isinstance(props.get("PolicyDocument"), dict):
            yield [*base, "PolicyDocument"], props["PolicyDocument"]
        return
    for index, policy in enumerate(as_list(props.get("Policies"))):
        if isinstance(policy, dict) and isinstance(policy.get("PolicyDocument"), dict):
            yield [*base, "Policies", index, "PolicyDocument"], policy["PolicyDocument"]


def allow_statements(template: dict) -> Iterator[tuple[list, dict]]:
    """``(path, statement)`` of every Allow statement of every identity policy in the template."""
    for name, resource in of_type(template, *IAM_TYPES):
        for path, document in policy_documents(name, resource):
            for index, statement in enumerate(as_list(document.get("Statement"))):
                if isinstance(statement, dict) and statement.get("Effect") == "Allow":
                    yield [*path, "Statement", index], statement


def grants(statement: dict, action: str) -> bool:
    """Whether the statement's Action (or NotAction) covers ``action``, wildcards and case as IAM reads them."""
    def covered(patterns) -> bool:
        return any(isinstance(p, str) and fnmatchcase(action.lower(), p.lower()) for p in as_list(patterns))

    if "Action" in statement:
        return covered(statement["Action"])
    if "NotAction" in statement:
        return not covered(statement["NotAction"])
    return False
