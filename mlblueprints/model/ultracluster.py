"""The UltraCluster spec: multi-node distributed training over EFA, on AWS Batch or SageMaker HyperPod.

Every node sits in one availability zone, packed in a cluster placement group
(unless the capacity is a Capacity Block, which places its instances itself),
with an FSx for Lustre PERSISTENT_2 file system in the same subnet. Defaults
live here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping

from mlblueprints.model.common import (
    DEFAULT_FSX_THROUGHPUT_PER_TIB,
    DEFAULT_ROOT_VOLUME_GIB,
    Container,
    InstanceRequest,
    Metadata,
    Network,
    build_instance,
    build_network,
)

Orchestrator = Literal["batch", "hyperpod"]
CapacitySource = Literal["on-demand", "reservation", "capacity-block", "spot"]

DEFAULT_ORCHESTRATOR = "batch"
DEFAULT_CAPACITY_SOURCE = "on-demand"
#: The only Spot interruption behaviour a cluster placement group accepts (EC2 User Guide,
#: "Placement group rules and limitations").
DEFAULT_INTERRUPTION_BEHAVIOR = "terminate"
#: The Slurm controller needs no accelerator; ml.m5.xlarge is offered for HyperPod in every
#: region cfn-lint lists (BP209 checks the region actually offers what the blueprint asks).
DEFAULT_HYPERPOD_CONTROLLER_TYPE = "ml.m5.xlarge"
DEFAULT_SLURM_PARTITION = "train"
RESERVED_SOURCES = frozenset({"reservation", "capacity-block"})


@dataclass(frozen=True)
class UltraCapacity:
    source: CapacitySource = DEFAULT_CAPACITY_SOURCE
    #: A targeted On-Demand Capacity Reservation or a Capacity Block (both cr-...).
    reservation_id: str | None = None
    #: Where the blueprint says the reservation lives; BP205 checks it is the cluster's zone.
    reservation_zone: str | None = None
    interruption_behavior: str = DEFAULT_INTERRUPTION_BEHAVIOR

    @property
    def is_reserved(self) -> bool:
        return self.source in RESERVED_SOURCES


@dataclass(frozen=True)
class ExistingFileSystem:
    """An FSx for Lustre file system this stack mounts but does not own."""

    file_system_id: str
    dns_name: str
    mount_name: str
    availability_zone: str


@dataclass(frozen=True)
class UltraFsx:
    """A new PERSISTENT_2 file system, sized explicitly or for a per-accelerator throughput, or an existing one.

    With ``throughput_per_gpu_mbps`` the capacity is a floor and the resolver
    picks the smallest legal size that meets the target (mlblueprints.fsx_sizing).
    """

    storage_capacity_gib: int | None = None
    throughput_per_tib: int | None = None
    throughput_per_gpu_mbps: int | None = None
    efa: bool = False
    existing: ExistingFileSystem | None = None


@dataclass(frozen=True)
class DataRepository:
    """An existing S3 bucket prefix linked to /fsx through a data repository association."""

    bucket: str
    prefix: str
    #: The bucket is never the blueprint's own, so export back to it is opt-in.
    export_changes: bool = False
    export_deletions: bool = False


@dataclass(frozen=True)
class UltraStorage:
    root_volume_gib: int
    fsx: UltraFsx
    data_repository: DataRepository | None = None


@dataclass(frozen=True)
class HyperPodSettings:
    controller_type: str = DEFAULT_HYPERPOD_CONTROLLER_TYPE
    partition: str = DEFAULT_SLURM_PARTITION


@dataclass(frozen=True)
class UltraClusterSpec:
    region: str
    availability_zone: str
    instance: InstanceRequest
    nodes: int
    capacity: UltraCapacity
    orchestrator: Orchestrator
    container: Container | None
    storage: UltraStorage
    network: Network
    #: Pack the nodes in a cluster placement group. Defaults to yes, except on a Capacity Block.
    placement_group: bool
    hyperpod: HyperPodSettings

    @property
    def availability_zones(self) -> tuple[str, ...]:
        """The one zone, in the shape shared network code and rules expect."""
        return (self.availability_zone,)


def build_spec(raw: Mapping, metadata: Metadata) -> UltraClusterSpec:
    capacity = _capacity(raw.get("capacity", {}))
    return UltraClusterSpec(
        region=raw["region"],
        availability_zone=raw["availability_zone"],
        instance=build_instance(raw["instance"]),
        nodes=raw["nodes"],
        capacity=capacity,
        orchestrator=raw.get("orchestrator", DEFAULT_ORCHESTRATOR),
        container=Container(**raw["container"]) if "container" in raw else None,
        storage=_storage(raw["storage"]),
        network=build_network(raw.get("network", {})),
        placement_group=raw.get("placement_group", capacity.source != "capacity-block"),
        hyperpod=HyperPodSettings(**raw.get("hyperpod", {})),
    )


def _capacity(raw: Mapping) -> UltraCapacity:
    return UltraCapacity(
        source=raw.get("source", DEFAULT_CAPACITY_SOURCE),
        reservation_id=raw.get("reservation_id"),
        reservation_zone=raw.get("reservation_zone"),
        interruption_behavior=raw.get("interruption_behavior", DEFAULT_INTERRUPTION_BEHAVIOR),
    )


def _storage(raw: Mapping) -> UltraStorage:
    fsx_raw = raw["fsx"]
    if "existing" in fsx_raw:
        fsx = UltraFsx(existing=ExistingFileSystem(**fsx_raw["existing"]))
    else:
        explicit = "throughput_per_gpu_mbps" not in fsx_raw
        fsx = UltraFsx(
            storage_capacity_gib=fsx_raw.get("storage_capacity_gib"),
            throughput_per_tib=fsx_raw.get("throughput_per_tib", DEFAULT_FSX_THROUGHPUT_PER_TIB if explicit else None),
            throughput_per_gpu_mbps=fsx_raw.get("throughput_per_gpu_mbps"),
            efa=fsx_raw.get("efa", False),
        )
    repository = raw.get("data_repository")
    return UltraStorage(
        root_volume_gib=raw.get("root_volume_gib", DEFAULT_ROOT_VOLUME_GIB),
        fsx=fsx,
        data_repository=(
            DataRepository(
                bucket=repository["bucket"],
                prefix=repository["prefix"].strip("/"),
                export_changes=repository.get("export_changes", False),
                export_deletions=repository.get("export_deletions", False),
            )
            if repository
            else None
        ),
    )
