"""Model parts that several blueprint kinds share, and their builders."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, Mapping


from mlblueprints.names import STACK_PREFIX, stack_name

API_VERSION = "mlblueprints/v1"
DEFAULT_VPC_CIDR = "10.0.0.0/16"
DEFAULT_ROOT_VOLUME_GIB = 200
DEFAULT_FSX_DEPLOYMENT = "PERSISTENT_2"
DEFAULT_FSX_THROUGHPUT_PER_TIB = 250
DEFAULT_CUSTOM_AMI_ROOT_DEVICE = "/dev/sda1"

Purchase = Literal["on-demand", "spot"]


@dataclass(frozen=True)
class Suppression:
    rule: str
    reason: str


@dataclass(frozen=True)
class AllowedReplacement:
    """A stateful resource (by logical id) that `mlbp plan` may replace or delete, and why."""

    resource: str
    reason: str


@dataclass(frozen=True)
class Metadata:
    name: str
    owner: str
    description: str = ""
    tags: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    suppress: tuple[Suppression, ...] = ()
    allow_replacement: tuple[AllowedReplacement, ...] = ()

    @property
    def stack_name(self) -> str:
        return stack_name(self.name)


@dataclass(frozen=True)
class AcceleratorRequest:
    model: str
    count: int
    min_memory_gib: float | None = None


@dataclass(frozen=True)
class InstanceRequest:
    """Exactly one of ``type`` and ``accelerators`` is set (the schema enforces it)."""

    type: str | None = None
    accelerators: AcceleratorRequest | None = None


@dataclass(frozen=True)
class Nodes:
    min: int
    desired: int
    max: int


@dataclass(frozen=True)
class Capacity:
    purchase: Purchase = "on-demand"
    capacity_reservation_id: str | None = None


@dataclass(frozen=True)
class Image:
    """A Deep Learning AMI flavour, or a custom AMI with its declared accelerator stack.

    ``os`` None means the flavour's default OS, which is AWS data
    (mlblueprints/data/dlami.json), not a model default.
    """

    dlami: str | None = None
    os: str | None = None
    ami_id: str | None = None
    accelerator: str | None = None
    root_device: str = DEFAULT_CUSTOM_AMI_ROOT_DEVICE


@dataclass(frozen=True)
class Container:
    """A Deep Learning Container by framework and version, or an explicit URI."""

    framework: str | None = None
    version: str | None = None
    python: str | None = None
    uri: str | None = None
    #: Hugging Face inference images exist per deep-learning framework (pytorch2.6.0); None: the only one.
    base_framework: str | None = None


@dataclass(frozen=True)
class DataBucket:
    existing: str | None
    prefix: str


@dataclass(frozen=True)
class Fsx:
    deployment_type: str
    storage_capacity_gib: int
    throughput_per_tib: int | None
    import_path: str
    #: Automatic export to the bucket (data repository association). Defaults depend on who owns
    #: the bucket (build_storage): on for a bucket the blueprint creates, off for an existing one.
    export_changes: bool = True
    export_deletions: bool = True

    @property
    def is_persistent(self) -> bool:
        return self.deployment_type.startswith("PERSISTENT")


@dataclass(frozen=True)
class Storage:
    root_volume_gib: int
    data_bucket: DataBucket
    fsx: Fsx | None = None

    @property
    def may_delete_objects(self) -> bool:
        """Nodes may delete objects under the prefix: in a bucket the blueprint owns, or where the
        blueprint opted in to exporting deletions into an existing one."""
        if self.data_bucket.existing is None:
            return True
        return self.fsx is not None and self.fsx.export_deletions


@dataclass(frozen=True)
class Network:
    """A new VPC (``vpc_cidr``) or an existing one (``vpc_id`` with ``subnet_ids``)."""

    vpc_cidr: str | None = DEFAULT_VPC_CIDR
    vpc_id: str | None = None
    subnet_ids: tuple[str, ...] = ()

    @property
    def is_existing(self) -> bool:
        return self.vpc_id is not None


def build_metadata(raw: Mapping) -> Metadata:
    return Metadata(
        name=raw["name"],
        owner=raw["owner"],
        description=raw.get("description", ""),
        tags=MappingProxyType(dict(raw.get("tags", {}))),
        suppress=tuple(Suppression(s["rule"], s["reason"]) for s in raw.get("suppress", ())),
        allow_replacement=tuple(
            AllowedReplacement(a["resource"], a["reason"]) for a in raw.get("allow_replacement", ())
        ),
    )


def build_instance(raw: Mapping) -> InstanceRequest:
    if "accelerators" in raw:
        acc = raw["accelerators"]
        return InstanceRequest(
            accelerators=AcceleratorRequest(acc["type"], acc["count"], acc.get("min_memory_gib"))
        )
    return InstanceRequest(type=raw["type"])


def build_nodes(raw: Mapping) -> Nodes:
    minimum = raw.get("min", 0)
    return Nodes(min=minimum, desired=raw.get("desired", minimum), max=raw["max"])


def build_storage(raw: Mapping, metadata: Metadata) -> Storage:
    bucket_raw = raw.get("data_bucket", {})
    bucket = DataBucket(
        existing=bucket_raw.get("existing"),
        prefix=bucket_raw.get("prefix", metadata.name).strip("/"),
    )
    owned = bucket.existing is None
    fsx = None
    if "fsx" in raw:
        fsx_raw = raw["fsx"]
        deployment = fsx_raw.get("deployment_type", DEFAULT_FSX_DEPLOYMENT)
        default_throughput = (
            DEFAULT_FSX_THROUGHPUT_PER_TIB if deployment == DEFAULT_FSX_DEPLOYMENT else None
        )
        fsx = Fsx(
            deployment_type=deployment,
            storage_capacity_gib=fsx_raw["storage_capacity_gib"],
            throughput_per_tib=fsx_raw.get("throughput_per_tib", default_throughput),
            import_path=fsx_raw.get("import_path", bucket.prefix).strip("/"),
            export_changes=fsx_raw.get("export_changes", owned),
            export_deletions=fsx_raw.get("export_deletions", owned),
        )
    return Storage(
        root_volume_gib=raw.get("root_volume_gib", DEFAULT_ROOT_VOLUME_GIB),
        data_bucket=bucket,
        fsx=fsx,
    )


def build_network(raw: Mapping) -> Network:
    if "vpc_id" in raw:
        return Network(vpc_cidr=None, vpc_id=raw["vpc_id"], subnet_ids=tuple(raw["subnet_ids"]))
    return Network(vpc_cidr=raw.get("vpc_cidr", DEFAULT_VPC_CIDR))
