"""The TrainingCluster spec: a pool of accelerator nodes for training and fine-tuning."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from mlblueprints.model.workload import Budget, Workload, build_budget, build_workload
from mlblueprints.model.common import (
    Capacity,
    Container,
    Image,
    InstanceRequest,
    Metadata,
    Network,
    Nodes,
    Storage,
    build_instance,
    build_network,
    build_nodes,
    build_storage,
)


@dataclass(frozen=True)
class TrainingClusterSpec:
    region: str
    availability_zones: tuple[str, ...]
    instance: InstanceRequest
    #: None with ``instance: auto`` unless the blueprint sets it (BP403 rejects that); the advisor picks.
    nodes: Nodes | None
    capacity: Capacity
    image: Image
    container: Container | None
    storage: Storage
    network: Network
    session_manager: bool = True
    budget: Budget | None = None
    workload: Workload | None = None
    #: EFA on every card, a cluster placement group and one zone. None: decided by the hardware
    #: (``efa.default_efa``: EFA-capable type and more than one node), which the resolver applies.
    efa: bool | None = None


def build_spec(raw: Mapping, metadata: Metadata) -> TrainingClusterSpec:
    capacity = Capacity(**raw.get("capacity", {}))
    return TrainingClusterSpec(
        region=raw["region"],
        availability_zones=tuple(raw.get("availability_zones", ())),
        instance=build_instance(raw["instance"]),
        nodes=build_nodes(raw["nodes"]) if "nodes" in raw else None,
        capacity=capacity,
        image=Image(**raw["image"]),
        container=Container(**raw["container"]) if "container" in raw else None,
        storage=build_storage(raw.get("storage", {}), metadata),
        network=build_network(raw.get("network", {})),
        session_manager=raw.get("access", {}).get("session_manager", True),
        budget=build_budget(raw.get("budget")),
        workload=build_workload(raw.get("workload"), spot=capacity.purchase == "spot"),
        efa=raw.get("efa"),
    )
