"""What every blueprint's stack shares, whatever its kind: its description and its tags."""

from __future__ import annotations

from aws_cdk import Stack, Tags
from constructs import Construct

from mlblueprints.model import Blueprint, Metadata

BLUEPRINT_TAG = "mlblueprints:blueprint"
OWNER_TAG = "owner"


class BlueprintStack(Stack):
    """A stack described and tagged from its blueprint's metadata."""

    def __init__(self, scope: Construct, construct_id: str, *, blueprint: Blueprint, **kwargs) -> None:
        metadata = blueprint.metadata
        tags = stack_tags(metadata)
        kwargs.setdefault("description", metadata.description or f"mlblueprints {blueprint.kind} {metadata.name}")
        # Stack tags reach every taggable resource at deploy time (with the explicitStackTags
        # flag only tags passed here are stack tags); Tags.of() writes them into the template.
        kwargs.setdefault("tags", tags)
        super().__init__(scope, construct_id, **kwargs)
        for key, value in tags.items():
            Tags.of(self).add(key, value)


def stack_tags(metadata: Metadata) -> dict[str, str]:
    """The blueprint's own tags, then ``owner`` and ``mlblueprints:blueprint``, which always win."""
    return {**dict(sorted(metadata.tags.items())), OWNER_TAG: metadata.owner, BLUEPRINT_TAG: metadata.name}
