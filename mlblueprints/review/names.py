"""The names a resource type is identified by, from the CloudFormation registry schemas cfn-lint ships.

A type's ``primaryIdentifier`` is what CloudFormation uses to tell one resource
from another: a create handler must fail with AlreadyExists when a resource with
the same identifier exists (CloudFormation CLI, "Resource type handler contract").
When the identifier is writable (``BucketName``, ``LogGroupName``), the template
chooses it; when it is read-only (an FSx file system's ``Id``), AWS generates it
and it never collides. Tags are never identifiers.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cfnlint.schema import PROVIDER_SCHEMA_MANAGER, ResourceNotFoundError

from mlblueprints.review.template import references

PREFIX = "/properties/"
#: The schemas cfn-lint ships are per region, but identifiers do not vary by region.
SCHEMA_REGION = "us-east-1"


@lru_cache(maxsize=None)
def identifier_properties(resource_type: Any) -> tuple[str, ...]:
    """Top-level properties that make up a type's writable primary identifier, or () if it has none."""
    if not isinstance(resource_type, str) or not resource_type.startswith("AWS::"):
        return ()
    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(SCHEMA_REGION, resource_type).schema
    except ResourceNotFoundError:
        return ()
    identifier = schema.get("primaryIdentifier", [])
    read_only = set(schema.get("readOnlyProperties", []))
    if not identifier or any(p in read_only or not p.startswith(PREFIX) for p in identifier):
        return ()
    names = tuple(p[len(PREFIX):] for p in identifier)
    return () if any("/" in n for n in names) else names


def is_fixed(value: Any, template_resources: dict) -> bool:
    """True when ``value`` comes out the same on every create of the stack.

    A name built from another resource of the template (a Ref, GetAtt or Sub of
    it) or from the stack id changes with each create; literals, parameters and
    the other pseudo parameters (account, region, stack name) do not.
    """
    return not any(name in template_resources or name == "AWS::StackId" for _, name in references(value))
