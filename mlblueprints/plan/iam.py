"""Does a resource change broaden permissions or network access?

Grants are compared as sets: every (principal, action, resource, condition)
of an Allow statement, every managed policy ARN, every ingress rule. A grant in
the new template that the old one lacks broadens access; removals never do.
"""

from __future__ import annotations

import json

#: Resource type -> property names holding policy documents.
POLICY_PROPERTIES = {
    "AWS::IAM::Policy": ("PolicyDocument",),
    "AWS::IAM::ManagedPolicy": ("PolicyDocument",),
    "AWS::IAM::Role": ("AssumeRolePolicyDocument",),
    "AWS::S3::BucketPolicy": ("PolicyDocument",),
    "AWS::KMS::Key": ("KeyPolicy",),
    "AWS::SNS::TopicPolicy": ("PolicyDocument",),
    "AWS::SQS::QueuePolicy": ("PolicyDocument",),
}
INGRESS_TYPES = ("AWS::EC2::SecurityGroupIngress",)


def broadening(resource_type: str, old: dict | None, new: dict | None) -> list[str]:
    """What ``new`` allows that ``old`` did not, one line each (empty when nothing is broader)."""
    added = _grants(resource_type, new) - _grants(resource_type, old)
    return sorted(added)


def _grants(resource_type: str, resource: dict | None) -> set[str]:
    if not resource:
        return set()
    properties = resource.get("Properties", {})
    grants: set[str] = set()
    for name in POLICY_PROPERTIES.get(resource_type, ()):
        grants |= _statement_grants(properties.get(name))
    if resource_type == "AWS::IAM::Role":
        for policy in properties.get("Policies", []) or []:
            if isinstance(policy, dict):
                grants |= _statement_grants(policy.get("PolicyDocument"))
        for arn in properties.get("ManagedPolicyArns", []) or []:
            grants.add(f"attaches managed policy {_text(arn)}")
    if resource_type in INGRESS_TYPES:
        grants.add(f"allows ingress {_text({k: v for k, v in properties.items() if k != 'Description'})}")
    if resource_type == "AWS::EC2::SecurityGroup":
        for rule in properties.get("SecurityGroupIngress", []) or []:
            grants.add(f"allows ingress {_text({k: v for k, v in rule.items() if k != 'Description'})}")
    return grants


def _statement_grants(document) -> set[str]:
    if not isinstance(document, dict):
        return set()
    statements = document.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    grants = set()
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        who = statement.get("Principal")
        condition = statement.get("Condition")
        for action in _listed(statement.get("Action", statement.get("NotAction"))):
            for target in _listed(statement.get("Resource", statement.get("NotResource", "*"))):
                text = f"allows {_text(action)} on {_text(target)}"
                if who is not None:
                    text += f" to {_text(who)}"
                if condition:
                    text += f" if {_text(condition)}"
                grants.add(text)
    return grants


def _listed(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value) -> str:
    """A value as people read ARNs: ``${Bucket.Arn}/prefix/*`` rather than the Fn::Join around it."""
    readable = _readable(value)
    return readable if isinstance(readable, str) else json.dumps(readable, sort_keys=True, separators=(",", ":"))


def _readable(value):
    if isinstance(value, dict) and len(value) == 1:
        (key, inner), = value.items()
        if key == "Ref" and isinstance(inner, str):
            return "${" + inner + "}"
        if key == "Fn::GetAtt" and isinstance(inner, list):
            return "${" + ".".join(str(part) for part in inner) + "}"
        if key == "Fn::Join" and isinstance(inner, list) and len(inner) == 2 and isinstance(inner[1], list):
            parts = [_readable(part) for part in inner[1]]
            if all(isinstance(part, str) for part in parts):
                return str(inner[0]).join(parts)
        if key == "Fn::Sub" and isinstance(inner, str):
            return inner
    if isinstance(value, dict):
        return {k: _readable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_readable(v) for v in value]
    return value
