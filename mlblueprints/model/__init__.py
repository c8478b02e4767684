"""The typed, frozen blueprint model.

A model is built only from a document that already passed the JSON Schema, so
builders trust shapes and types. Defaults are applied here and nowhere else:
rules and stacks read the model and never re-default a field. Each kind has
its own module; parts several kinds share live in ``common``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from mlblueprints.loader import SourceMap
from mlblueprints.model import inference_fleet, training_cluster, ultracluster
from mlblueprints.model.common import (
    API_VERSION,
    STACK_PREFIX,
    AcceleratorRequest,
    Capacity,
    Container,
    DataBucket,
    Fsx,
    Image,
    InstanceRequest,
    Metadata,
    Network,
    Nodes,
    Storage,
    AllowedReplacement,
    Suppression,
    build_metadata,
)
from mlblueprints.model.inference_fleet import InferenceFleetSpec
from mlblueprints.model.training_cluster import TrainingClusterSpec
from mlblueprints.model.ultracluster import UltraClusterSpec

#: kind -> builder of its spec. A new kind registers here and in the schema's `kind` enum.
SPEC_BUILDERS = {
    "TrainingCluster": training_cluster.build_spec,
    "InferenceFleet": inference_fleet.build_spec,
    "UltraCluster": ultracluster.build_spec,
}

Spec = TrainingClusterSpec | InferenceFleetSpec | UltraClusterSpec


@dataclass(frozen=True)
class Blueprint:
    file: str
    kind: str
    metadata: Metadata
    spec: Spec
    source_map: SourceMap = field(repr=False, compare=False)


def build(document: Mapping, source_map: SourceMap) -> Blueprint:
    """Turn a schema-valid document into a model, applying every default."""
    metadata = build_metadata(document["metadata"])
    return Blueprint(
        file=source_map.file,
        kind=document["kind"],
        metadata=metadata,
        spec=SPEC_BUILDERS[document["kind"]](document["spec"], metadata),
        source_map=source_map,
    )


__all__ = [
    "API_VERSION",
    "STACK_PREFIX",
    "AcceleratorRequest",
    "Blueprint",
    "Capacity",
    "Container",
    "DataBucket",
    "Fsx",
    "Image",
    "InferenceFleetSpec",
    "InstanceRequest",
    "Metadata",
    "Network",
    "Nodes",
    "Storage",
    "AllowedReplacement",
    "Suppression",
    "TrainingClusterSpec",
    "UltraClusterSpec",
    "build",
]
