"""Instance-type facts: the curated ML catalog plus cfn-lint's per-region offerings.

Specs come from ``data/instances.json`` (rebuilt by ``scripts/refresh_catalog.py``
with its sources recorded). Which types a region offers for a service is one answer,
:func:`offerings`: the installed cfn-lint's per-region instance-type enums (read as
JSON without importing cfnlint, which costs about a second), intersected with the
SageMaker API's enum for the service and minus what the template validator that
``cdk synth`` runs rejects for the region. Both come from
``data/instance_offerings.json`` (``scripts/refresh_offerings.py``). Everything is
loaded lazily and cached, and lookups are dict or set membership, so validating
many blueprints stays cheap.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).with_name("data") / "instances.json"
OFFERINGS_FILE = Path(__file__).with_name("data") / "instance_offerings.json"

# cfn-lint folder per service; the EC2 names carry no "ml." prefix.
CFNLINT_ENUMS = {
    "ec2": "aws_ec2_instance",
    "hosting": "aws_sagemaker_hosting",
    "cluster": "aws_sagemaker_cluster",
    "processing": "aws_sagemaker_processing",
    "transform": "aws_sagemaker_transform",
}
_NOT_REGIONS = {"all", "description"}


@dataclass(frozen=True)
class Accelerator:
    vendor: str  # nvidia | aws | habana
    model: str  # v100, a100, h100, h200, b200, a10g, l4, l40s, t4, gaudi, trainium, trainium2, inferentia, inferentia2
    kind: str  # gpu | neuron | habana
    count: int
    memory_gib: float  # per accelerator
    #: Cores a framework runs one worker process on, per device: the NeuronCores the Neuron runtime
    #: exposes per chip (``cores_per_device`` in the data; required there for Neuron), 1 for a GPU.
    cores_per_device: int = 1

    @property
    def cores(self) -> int:
        """Worker processes per instance: one per GPU, one per NeuronCore (torchrun's nproc_per_node)."""
        return self.count * self.cores_per_device


@dataclass(frozen=True)
class InstanceType:
    name: str
    family: str
    vcpus: int
    memory_gib: float
    network_gbps: float
    accelerator: Accelerator | None
    efa_supported: bool
    max_efa_interfaces: int
    network_cards: int
    cluster_placement: bool
    local_nvme: bool
    arch: str
    on_demand_usd_per_hour: float | None
    #: Secondary interfaces may be `efa-only` (no ENA, no IP address); otherwise `efa`.
    efa_only_supported: bool = False
    #: The EFA device does RDMA read, so libfabric may use it (FI_EFA_USE_DEVICE_RDMA=1).
    efa_rdma: bool = False

    @property
    def is_gpu(self) -> bool:
        return self.accelerator is not None and self.accelerator.kind == "gpu"

    @property
    def is_neuron(self) -> bool:
        return self.accelerator is not None and self.accelerator.kind == "neuron"

    @property
    def total_accelerator_memory_gib(self) -> float:
        return self.accelerator.count * self.accelerator.memory_gib if self.accelerator else 0

    @property
    def is_sagemaker(self) -> bool:
        return self.name.startswith("ml.")

    @property
    def ec2_name(self) -> str:
        """The EC2 type behind an ``ml.*`` type (or the name itself)."""
        return self.name[3:] if self.is_sagemaker else self.name


def cfnlint_data_dir() -> Path:
    """cfn-lint's schema-extension folder, found without importing cfnlint."""
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cfn-lint is not installed; it provides the per-region instance-type lists")
    return Path(spec.submodule_search_locations[0]) / "data" / "schemas" / "extensions"


@functools.cache
def cfnlint_offerings(service: str) -> dict[str, frozenset[str]]:
    """region -> instance types cfn-lint lists for that service (one witness of three; see :func:`offerings`)."""
    if service not in CFNLINT_ENUMS:
        raise ValueError(f"unknown service {service!r}; expected one of {', '.join(CFNLINT_ENUMS)}")
    path = cfnlint_data_dir() / CFNLINT_ENUMS[service] / "instancetype_enum.json"
    doc = json.loads(path.read_text())
    return {r: frozenset(v["enum"]) for r, v in doc.items() if r not in _NOT_REGIONS and isinstance(v, dict)}


@functools.cache
def _offerings_data() -> dict:
    return json.loads(OFFERINGS_FILE.read_text())["services"]


def api_types(service: str) -> frozenset[str] | None:
    """Every type the SageMaker API accepts for ``service`` (botocore's enum), or None without an enum."""
    entry = _offerings_data().get(service)
    return frozenset(entry["api_types"]) if entry and entry["api_types"] is not None else None


@functools.cache
def offerings(service: str) -> dict[str, frozenset[str]]:
    """region -> instance types offered for that service: the one answer rules and resolvers use.

    cfn-lint's list for the region, limited to the API's enum for the service, minus the
    types the template validator of ``cdk synth`` rejects there.
    """
    listed = cfnlint_offerings(service)
    allowed = api_types(service)
    rejected = _offerings_data().get(service, {}).get("not_valid_for_region", {})
    return {
        region: frozenset(t for t in types if (allowed is None or t in allowed) and t not in rejected.get(region, ()))
        for region, types in listed.items()
    }


@functools.cache
def _regions_by_name(service: str) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for region, names in sorted(offerings(service).items()):
        for name in names:
            index.setdefault(name, []).append(region)
    return {name: tuple(regions) for name, regions in index.items()}


def _service(name: str, service: str | None) -> str:
    if not name.startswith("ml."):
        return "ec2"
    return service or "hosting"


class Catalog:
    """Curated specs by name (EC2 and ml.*) plus region offerings from cfn-lint."""

    def __init__(self, doc: dict) -> None:
        self.as_of: str = doc["as_of"]
        self.prices_as_of: str = doc["prices_as_of"]
        self.price_source: str = doc["price_source"]
        self.sources: list[str] = list(doc["source"])
        raw = doc["instances"]
        self._types: dict[str, InstanceType] = {}
        for name, entry in raw.items():
            if "ec2" in entry:  # ml.* entry: the EC2 spec with its own price
                spec = raw[entry["ec2"]]
                self._types[name] = _instance(name, spec, entry["on_demand_usd_per_hour"])
            else:
                self._types[name] = _instance(name, entry, entry["on_demand_usd_per_hour"])
        self._names = sorted(self._types)

    def get(self, name: str) -> InstanceType | None:
        return self._types.get(name)

    def names(self) -> list[str]:
        return list(self._names)

    def is_offered(self, name: str, region: str, *, service: str | None = None) -> bool:
        """Is ``name`` sold in ``region``? ml.* types default to SageMaker hosting."""
        return name in offerings(_service(name, service)).get(region, ())

    def regions_offering(self, name: str, *, service: str | None = None) -> list[str]:
        return list(_regions_by_name(_service(name, service)).get(name, ()))

    def regions(self, service: str = "ec2") -> list[str]:
        return sorted(offerings(service))

    def exists_anywhere(self, name: str, *, service: str | None = None) -> bool:
        """Known to cfn-lint in any region, curated here or not (e.g. m5.large)."""
        return name in _regions_by_name(_service(name, service))

    def by_accelerator(self, model: str, count: int = 1, *, sagemaker: bool = False) -> list[InstanceType]:
        """Types with at least ``count`` of ``model``, cheapest first, unknown prices last."""
        model = model.lower()
        hits = [
            t
            for t in self._types.values()
            if t.is_sagemaker == sagemaker and t.accelerator and t.accelerator.model == model and t.accelerator.count >= count
        ]
        return sorted(hits, key=lambda t: (t.on_demand_usd_per_hour is None, t.on_demand_usd_per_hour or 0, t.name))


def _instance(name: str, spec: dict, price: float | None) -> InstanceType:
    acc = spec["accelerator"]
    return InstanceType(
        name=name,
        family=spec["family"],
        vcpus=spec["vcpus"],
        memory_gib=spec["memory_gib"],
        network_gbps=spec["network_gbps"],
        accelerator=Accelerator(**acc) if acc else None,
        efa_supported=spec["efa_supported"],
        max_efa_interfaces=spec["max_efa_interfaces"],
        network_cards=spec["network_cards"],
        cluster_placement=spec["cluster_placement"],
        local_nvme=spec["local_nvme"],
        arch=spec["arch"],
        on_demand_usd_per_hour=price,
        efa_only_supported=spec["efa_only_supported"],
        efa_rdma=spec["efa_rdma"],
    )


@functools.cache
def load_catalog() -> Catalog:
    return Catalog(json.loads(DATA_FILE.read_text()))
