"""What every blueprint's stack shares, whatever its kind: its description and its tags."""

from __future__ import annotations

from aws_cdk import Stack, Tags
from constructs import Construct

from mlblueprints.model import Blueprint, Metadata

from .handoff import Handoff

BLUEPRINT_TAG = "mlblueprints:blueprint"
OWNER_TAG = "owner"


#: Which half of a blueprint a stack is: its long-lived state, or the compute that uses it.
PART_TAG = "mlblueprints:part"


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


class BlueprintDataStack(BlueprintStack):
    """The long-lived state of a blueprint (network, key, buckets, file system), with termination protection.

    CloudFormation refuses to delete a stack with termination protection
    ("Stack [...] cannot be deleted while TerminationProtection is enabled"), so
    ``cdk destroy --all`` removes the compute stacks and stops at this one, with
    nothing deleted. Removing the data is a deliberate second step:
    docs/lifecycle.md, "Delete".
    """

    def __init__(self, scope: Construct, construct_id: str, *, blueprint: Blueprint, **kwargs) -> None:
        kwargs.setdefault("termination_protection", True)
        kwargs.setdefault(
            "description",
            f"{blueprint.metadata.description or f'mlblueprints {blueprint.kind} {blueprint.metadata.name}'}"
            " (data: network, key, buckets, file system; kept when the compute stack is destroyed)",
        )
        super().__init__(scope, construct_id, blueprint=blueprint, **kwargs)


def stack_tags(metadata: Metadata) -> dict[str, str]:
    """The blueprint's own tags, then ``owner`` and ``mlblueprints:blueprint``, which always win."""
    return {**dict(sorted(metadata.tags.items())), OWNER_TAG: metadata.owner, BLUEPRINT_TAG: metadata.name}


class BlueprintComputeStack(BlueprintStack):
    """The compute of a blueprint: deployed after its data stack, which it reads through SSM parameters.

    Exposes ``data`` (the data stack) and ``handoff`` (stacks/handoff.py), never CloudFormation exports.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, blueprint: Blueprint, data: BlueprintDataStack, **kwargs
    ) -> None:
        super().__init__(scope, construct_id, blueprint=blueprint, **kwargs)
        self.data = data
        self.add_stack_dependency(data, "the compute reads the data stack's SSM parameters (stacks/handoff.py)")
        self.handoff = Handoff(data, "Handoff", compute_stack=self, stack_name=data.stack_name)

