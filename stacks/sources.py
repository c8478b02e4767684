"""Which blueprint field produced each CloudFormation resource, recorded in the template.

Every resource gets ``Metadata["mlbp:source"]``: the JSON path (a list of keys and
indexes) of the blueprint field its construct came from. `mlbp plan` maps that path
to a line through the loader's source map, so replacements, cfn-lint and cdk-nag
findings are shown on the YAML a reviewer changed, not on a logical id.

The path is found from the construct path by :data:`SOURCES`: the first entry one
of whose construct ids (a regular expression, matched whole) appears in the path
wins. A resource no entry claims points at ``spec``. Construct ids are stable (a
renamed id replaces resources), so this table changes only with the stacks.
"""

from __future__ import annotations

import re

import jsii
from aws_cdk import CfnResource, IAspect, Stack
from constructs import IConstruct

from mlblueprints.model import Blueprint

from .blueprint_stack import BLUEPRINT_TAG
from .naming import construct_id

SOURCE_KEY = "mlbp:source"

#: (construct id pattern, blueprint path), most specific first.
SOURCES: tuple[tuple[str, tuple[str | int, ...]], ...] = (
    (r"DataRepository.*", ("spec", "storage", "data_repository")),
    (r"FileSystem|SharedFileSystem|Lustre.*", ("spec", "storage", "fsx")),
    (r"DataBucket|Bucket|AccessLogsBucket|Logs", ("spec", "storage", "data_bucket")),
    (r"Placement", ("spec", "placement_group")),
    (r"HyperPod", ("spec", "hyperpod")),
    (r"Batch|Compute|Nodes|LaunchTemplate.*", ("spec", "nodes")),
    (r"Images?", ("spec", "container")),
    (r"AlarmTopic", ("spec", "alarm_topic")),
    (r"Network|Custom::VpcRestrictDefaultSG.*|CustomVpcRestrictDefaultSG.*", ("spec", "network")),
    (r"Security", ("spec", "access")),
)
#: Where a kind keeps the field elsewhere: a fleet's bucket is `spec.bucket`; a TrainingCluster
#: links its file system to S3 with `spec.storage.fsx.import_path`.
KIND_OVERRIDES = {
    "InferenceFleet": {("spec", "storage", "data_bucket"): ("spec", "bucket")},
    "TrainingCluster": {("spec", "storage", "data_repository"): ("spec", "storage", "fsx", "import_path")},
}


def source_path(blueprint: Blueprint, construct_ids: list[str]) -> tuple[str | int, ...]:
    """The blueprint path for a resource whose construct path (below the stack) is ``construct_ids``."""
    endpoints = getattr(blueprint.spec, "endpoints", ())
    for index, endpoint in enumerate(endpoints):
        if construct_id(endpoint.name) in construct_ids:
            return ("spec", "endpoints", index)
    for pattern, path in SOURCES:
        if any(re.fullmatch(pattern, part) for part in construct_ids):
            return KIND_OVERRIDES.get(blueprint.kind, {}).get(path, path)
    return ("spec",)


@jsii.implements(IAspect)
class RecordSources:
    """Writes ``mlbp:source`` into the metadata of every resource of every blueprint stack.

    Added once to the app: a stack's blueprint is found by its ``mlblueprints:blueprint``
    tag, so a kind may build any number of stacks per blueprint.
    """

    def __init__(self, blueprints: list[Blueprint]) -> None:
        self.blueprints = {b.metadata.name: b for b in blueprints}

    def visit(self, node: IConstruct) -> None:
        if not isinstance(node, CfnResource):
            return
        stack = Stack.of(node)
        blueprint = self.blueprints.get(stack.tags.tag_values().get(BLUEPRINT_TAG, ""))
        if blueprint is not None:
            ids = [scope.node.id for scope in node.node.scopes[len(stack.node.scopes):]]  # below the stack
            node.add_metadata(SOURCE_KEY, list(source_path(blueprint, ids)))
