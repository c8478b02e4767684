"""Resolvers: turn a valid blueprint's wording into concrete AWS choices.

Accelerator wording becomes an instance type, a DLAMI flavour becomes the SSM
parameter that CloudFormation reads at deploy time, and a DLC framework and
version becomes an ECR image URI. Rules have already run, so a failure here is
a bug, not bad input.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from mlblueprints import advisor, compatibility, images, names, serving
from mlblueprints.cost import HOURS_30_DAYS
from mlblueprints.pricing import PriceBook, price_book
from mlblueprints.catalog import Catalog, InstanceType, load_catalog
from mlblueprints.model import Blueprint, Container, Image, InstanceRequest, Nodes
from mlblueprints.model.inference_fleet import Endpoint, ShadowVariant, Variant
from mlblueprints import efa, fsx_sizing
from mlblueprints.model.ultracluster import ExistingFileSystem, UltraClusterSpec


@dataclass(frozen=True)
class MachineImage:
    """Exactly one of ``ssm_parameter`` (a public DLAMI parameter) and ``ami_id``."""

    root_device_name: str
    #: The DLAMI's operating system; None for a custom AMI.
    os: str | None = None
    ssm_parameter: str | None = None
    ami_id: str | None = None

    @property
    def is_amazon_linux(self) -> bool:
        """Decides dnf vs apt at boot. A custom AMI counts as Amazon Linux when it boots from /dev/xvda."""
        if self.os is not None:
            return self.os.startswith("amazon-linux")
        return self.root_device_name == "/dev/xvda"


@dataclass(frozen=True)
class ContainerImage:
    uri: str
    #: ECR repository ARN for least-privilege pulls; None for images outside ECR.
    repository_arn: str | None


@dataclass(frozen=True)
class Resolved:
    blueprint: Blueprint
    instance: InstanceType
    machine_image: MachineImage
    container: ContainerImage | None
    #: The node counts the stack uses: the blueprint's, or the advisor's with ``instance: auto``.
    nodes: Nodes
    #: Why the advisor chose ``instance`` (``instance: auto``); None for a named type.
    advice: advisor.Recommendation | None = None
    #: Every network interface of a node when the cluster uses EFA (``efa.cluster_uses_efa``); () without.
    efa_layout: tuple[efa.NetworkInterface, ...] = ()

    @property
    def cluster_placement(self) -> bool:
        """A cluster placement group for EFA nodes of a type that supports one (the catalog's placement
        info), unless a capacity reservation already fixes where they run."""
        return (
            bool(self.efa_layout)
            and self.instance.cluster_placement
            and self.blueprint.spec.capacity.capacity_reservation_id is None
        )


def resolve_instance(request: InstanceRequest, region: str, catalog: Catalog) -> InstanceType | None:
    """The named type, or the cheapest catalog type offered in ``region`` that meets the wording."""
    if request.type is not None:
        return catalog.get(request.type)
    wanted = request.accelerators
    for candidate in catalog.by_accelerator(wanted.model, wanted.count):
        if wanted.min_memory_gib and candidate.accelerator.memory_gib < wanted.min_memory_gib:
            continue
        if catalog.is_offered(candidate.name, region):
            return candidate
    return None


def accelerator_processor(instance: InstanceType) -> str:
    """The DLC processor tag that matches the hardware."""
    if instance.is_neuron:
        return "neuron"
    return "gpu" if instance.is_gpu else "cpu"


def resolve_machine_image(image: Image, instance: InstanceType) -> MachineImage:
    if image.ami_id is not None:
        return MachineImage(root_device_name=image.root_device, ami_id=image.ami_id)
    os = images.dlami_os(image.dlami, image.os)
    return MachineImage(
        root_device_name=images.root_device_name(os),
        os=os,
        ssm_parameter=images.dlami_parameter(image.dlami, os=os, arch=instance.arch),
    )


def resolve_container(
    container: Container | None, region: str, instance: InstanceType, *, scope: str
) -> ContainerImage | None:
    if container is None:
        return None
    if container.uri is not None:
        return ContainerImage(uri=container.uri, repository_arn=_ecr_repository_arn(container.uri))
    uri = images.dlc_uri(
        container.framework,
        container.version,
        region=region,
        scope=scope,
        processor=accelerator_processor(instance),
        python=container.python,
    )
    return ContainerImage(uri=uri, repository_arn=images.dlc_repository_arn(uri))


def _ecr_repository_arn(uri: str) -> str | None:
    if ".dkr.ecr." not in uri.split("/", 1)[0]:
        return None
    return images.dlc_repository_arn(uri)


def resolve(blueprint: Blueprint, catalog: Catalog | None = None, prices: PriceBook | None = None):
    """The resolved form of any blueprint kind, for its stack.

    ``prices`` matter only to ``instance: auto``; by default they are data/prices.json with the
    overrides the repository's .mlbp.yaml names, found from the blueprint's folder, so that
    validate, show and synth choose the same instance.
    """
    catalog = catalog or load_catalog()
    if blueprint.kind == "TrainingCluster":
        return resolve_training_cluster(blueprint, catalog, prices)
    return RESOLVERS[blueprint.kind](blueprint, catalog)


def blueprint_prices(blueprint: Blueprint) -> PriceBook:
    """The price book a blueprint is judged by: committed prices plus its repository's overrides."""
    return price_book(search_from=Path(blueprint.file).parent)


def advise_training_cluster(blueprint: Blueprint, catalog: Catalog, prices: PriceBook) -> advisor.Recommendation:
    """The advisor's recommendation for a TrainingCluster with ``instance: auto`` (raises NothingFits).

    The blueprint's capacity decides spot pricing, its image the accelerator kind, and its
    ``spec.budget`` per hour (or per 30 days / 720) caps the nodes' hourly price too.
    """
    spec = blueprint.spec
    workload = spec.workload
    caps = [c for c in (workload.usd_per_hour,) if c is not None]
    if spec.budget is not None:
        if spec.budget.usd_per_hour is not None:
            caps.append(spec.budget.usd_per_hour)
        if spec.budget.usd_per_30_days is not None:
            caps.append(spec.budget.usd_per_30_days / HOURS_30_DAYS)
    workload = replace(workload, usd_per_hour=min(caps) if caps else None)
    return advisor.advise(workload, spec.region, catalog, prices, allowed_types=_allowed_types(spec, catalog))


def image_key(image: Image) -> str | None:
    """A TrainingCluster image's key in the compatibility table; None for a custom AMI that declares no driver."""
    if image.dlami is not None:
        return f"dlami/{image.dlami}"
    if image.accelerator is not None:
        return f"custom/{image.accelerator}"
    return None


def pairs_with(image: str | None, container: Container | None, region: str, instance: InstanceType) -> bool:
    """BP150's checks for one candidate: the image (its :func:`image_key`) drives ``instance``, and the
    container has a build for it in the region."""
    if image is None or compatibility.image_problem(instance, image) is not None:
        return False
    if container is None or container.uri is not None:
        return True
    wanted = training_image(container, instance)
    families = images.dlc_families(wanted.framework, container.version, scope="training")
    if compatibility.container_problem(instance, families, wanted.framework) is not None:
        return False
    try:
        resolve_training_container(container, region, instance)
    except images.ImageNotFound:
        return False
    return True


def _allowed_types(spec, catalog: Catalog) -> frozenset[str]:
    """The accelerator types the blueprint's image and container can drive, so auto never picks what BP150 refuses."""
    return _types_paired_with(image_key(spec.image), spec.container, spec.region, catalog)


@functools.lru_cache(maxsize=64)
def _types_paired_with(image: str | None, container: Container | None, region: str, catalog: Catalog) -> frozenset[str]:
    accelerated = (catalog.get(name) for name in catalog.names())
    return frozenset(
        t.name for t in accelerated if t.accelerator and not t.is_sagemaker and pairs_with(image, container, region, t)
    )


def advised_nodes(advice: advisor.Recommendation) -> Nodes:
    """The node counts of an advised cluster: scale to zero when idle, up to the advisor's count."""
    return Nodes(min=0, desired=advice.best.nodes, max=advice.best.nodes)


def resolve_training_cluster(blueprint: Blueprint, catalog: Catalog, prices: PriceBook | None = None) -> Resolved:
    spec = blueprint.spec
    advice = None
    nodes = spec.nodes
    if spec.instance.auto:
        advice = advise_training_cluster(blueprint, catalog, prices or blueprint_prices(blueprint))
        instance = catalog.get(advice.best.instance)
        nodes = advised_nodes(advice)
    else:
        instance = resolve_instance(spec.instance, spec.region, catalog)
    if instance is None:
        raise LookupError(f"{blueprint.file}: instance was not validated before resolving")
    return Resolved(
        blueprint=blueprint,
        instance=instance,
        machine_image=resolve_machine_image(spec.image, instance),
        container=resolve_training_container(spec.container, spec.region, instance),
        nodes=nodes,
        advice=advice,
        efa_layout=efa.interface_layout(instance) if efa.cluster_uses_efa(instance, nodes.max, spec.efa) else (),
    )


@dataclass(frozen=True)
class ResolvedVariant:
    """A production or shadow variant with its hardware, image and container environment."""

    variant: Variant | ShadowVariant
    #: None on serverless endpoints.
    instance: InstanceType | None
    hardware: str
    container: ContainerImage
    environment: Mapping[str, str]


@dataclass(frozen=True)
class ResolvedEndpoint:
    endpoint: Endpoint
    #: The SageMaker endpoint name, ``<metadata.name>-<endpoint.name>``: stable, because renaming replaces it.
    name: str
    variants: tuple[ResolvedVariant, ...]
    shadow: ResolvedVariant | None

    @property
    def all_variants(self) -> tuple[ResolvedVariant, ...]:
        return self.variants + ((self.shadow,) if self.shadow is not None else ())

    @property
    def encrypts_volume(self) -> bool:
        """Whether the endpoint config may name ``KmsKeyId``.

        CreateEndpointConfig fails with a KmsKeyId when any variant runs on an instance type
        with local NVMe storage, which is encrypted by hardware (API reference, KmsKeyId).
        Serverless capacity has no ML storage volume, so nothing is named there either.
        """
        instances = [v.instance for v in self.all_variants]
        return all(i is not None and not i.local_nvme for i in instances)


@dataclass(frozen=True)
class ResolvedFleet:
    blueprint: Blueprint
    endpoints: tuple[ResolvedEndpoint, ...]


def endpoint_name(blueprint: Blueprint, endpoint: Endpoint) -> str:
    return names.endpoint_name(blueprint.metadata.name, endpoint.name)


def resolve_serving_container(container: Container, region: str, hardware: str) -> ContainerImage:
    """The inference image for ``hardware``: a DLC URI from the SDK data, or the URI as given."""
    if container.uri is not None:
        return ContainerImage(uri=container.uri, repository_arn=_ecr_repository_arn(container.uri))
    uri = images.dlc_uri(
        container.framework,
        container.version,
        region=region,
        scope="inference",
        processor=serving.dlc_processor(hardware),
        python=container.python,
        base_framework=container.base_framework,
    )
    return ContainerImage(uri=uri, repository_arn=images.dlc_repository_arn(uri))


def container_environment(endpoint: Endpoint, variant: Variant | ShadowVariant) -> Mapping[str, str]:
    """What the server needs to find the model, then the blueprint's own variables, which win.

    A Hub model is named by HF_MODEL_ID; weights from model.tar.gz are at /opt/ml/model,
    which some servers (TGI, TEI, LMI) must be told.
    """
    facts = serving.serving_container(variant.container.framework)
    found: dict[str, str] = {}
    if variant.model.hub is not None:
        found["HF_MODEL_ID"] = variant.model.hub
    elif facts is not None and variant.model.artifact is not None:
        found.update(facts.weights_env)
    return MappingProxyType({**found, **endpoint.environment})


def resolve_inference_fleet(blueprint: Blueprint, catalog: Catalog) -> ResolvedFleet:
    spec = blueprint.spec

    def one(endpoint: Endpoint, variant: Variant | ShadowVariant) -> ResolvedVariant:
        instance = catalog.get(variant.instance_type) if variant.instance_type else None
        if variant.instance_type and instance is None:
            raise LookupError(f"{blueprint.file}: {variant.instance_type} was not validated before resolving")
        hardware = serving.hardware(instance)
        return ResolvedVariant(
            variant=variant,
            instance=instance,
            hardware=hardware,
            container=resolve_serving_container(variant.container, spec.region, hardware),
            environment=container_environment(endpoint, variant),
        )

    return ResolvedFleet(
        blueprint=blueprint,
        endpoints=tuple(
            ResolvedEndpoint(
                endpoint=e,
                name=endpoint_name(blueprint, e),
                variants=tuple(one(e, v) for v in e.variants),
                shadow=one(e, e.shadow) if e.shadow is not None else None,
            )
            for e in spec.endpoints
        ),
    )


@dataclass(frozen=True)
class HostImage:
    """The ECS-optimized AMI a Batch node boots (public SSM parameter, read at deploy time)."""

    ssm_parameter: str
    #: Ec2Configuration.ImageType that tells Batch what the AMI is for.
    batch_image_type: str
    os: str
    root_device_name: str


@dataclass(frozen=True)
class LustrePlan:
    """The file system every node mounts at /fsx: a new one of ``size``, or ``existing``."""

    size: fsx_sizing.LustreSize | None
    efa: bool
    existing: ExistingFileSystem | None
    #: nodes x accelerators x throughput_per_gpu_mbps, when the blueprint asked for it.
    needed_mbps: float | None = None


@dataclass(frozen=True)
class ResolvedUltraCluster:
    blueprint: Blueprint
    #: The EC2 hardware (for HyperPod too: its ml.* type runs on this).
    instance: InstanceType
    #: What the orchestrator launches: the EC2 type for Batch, ``ml.<type>`` for HyperPod.
    node_type: str
    efa_layout: tuple[efa.NetworkInterface, ...]
    #: Batch only; HyperPod boots its own AMI.
    host_image: HostImage | None
    container: ContainerImage | None
    lustre: LustrePlan


def ultracluster_instance(spec: UltraClusterSpec, catalog: Catalog) -> InstanceType | None:
    """The EC2 type behind the blueprint's wording, offered where the orchestrator launches it.

    Accelerator wording picks the cheapest type offered in the region by EC2 (Batch) or by
    SageMaker HyperPod (cfn-lint's aws_sagemaker_cluster data).
    """
    request = spec.instance
    if request.type is not None:
        return catalog.get(request.type.removeprefix("ml."))
    wanted = request.accelerators
    for candidate in catalog.by_accelerator(wanted.model, wanted.count):
        if wanted.min_memory_gib and candidate.accelerator.memory_gib < wanted.min_memory_gib:
            continue
        offered = (
            catalog.is_offered(f"ml.{candidate.name}", spec.region, service="cluster")
            if spec.orchestrator == "hyperpod"
            else catalog.is_offered(candidate.name, spec.region)
        )
        if offered:
            return candidate
    return None


def lustre_plan(spec: UltraClusterSpec, instance: InstanceType) -> LustrePlan:
    fsx = spec.storage.fsx
    if fsx.existing is not None:
        return LustrePlan(size=None, efa=False, existing=fsx.existing)
    if fsx.throughput_per_gpu_mbps is None:
        return LustrePlan(size=fsx_sizing.LustreSize(fsx.storage_capacity_gib, fsx.throughput_per_tib), efa=fsx.efa, existing=None)
    accelerators = instance.accelerator.count if instance.accelerator else 1
    needed = spec.nodes * accelerators * fsx.throughput_per_gpu_mbps
    size = fsx_sizing.size_for_throughput(needed, floor_gib=fsx.storage_capacity_gib or 0)
    return LustrePlan(size=size, efa=fsx.efa, existing=None, needed_mbps=needed)


def batch_host_image(instance: InstanceType) -> HostImage:
    host = images.batch_host_image(accelerator_processor(instance), arch=instance.arch)
    return HostImage(
        ssm_parameter=host["ssm_parameter"],
        batch_image_type=host["batch_image_type"],
        os=host["os"],
        root_device_name=images.root_device_name(host["os"]),
    )


#: DLC processor tokens of Neuron training images, most current first (the SDK's image_uri_config
#: names them neuronx for pytorch-training-neuronx, trn for older repositories).
NEURON_TRAINING_PROCESSORS = ("neuronx", "trn", "neuron")


@dataclass(frozen=True)
class TrainingImage:
    """Which DLC a training container names on this hardware, before its version is resolved."""

    #: On Neuron hardware the natural spelling is mapped: ``pytorch`` is ``pytorch-neuronx`` (compatibility.json).
    framework: str
    #: Processor tokens to try, in order.
    processors: tuple[str, ...]
    repository: str | None


def training_image(container: Container, instance: InstanceType) -> TrainingImage:
    framework = container.framework
    if instance.is_neuron:
        framework = compatibility.neuron_framework(framework, "training") or framework
        processors = NEURON_TRAINING_PROCESSORS
    else:
        processors = (accelerator_processor(instance),)
    return TrainingImage(framework, processors, images.dlc_repository(framework, container.version, scope="training"))


def resolve_training_container(container: Container | None, region: str, instance: InstanceType) -> ContainerImage | None:
    """A training DLC for the hardware: ``framework: pytorch`` on a Neuron node is the torch-neuronx image."""
    if container is None or container.uri is not None:
        return resolve_container(container, region, instance, scope="training")
    wanted = training_image(container, instance)
    errors: list[images.ImageNotFound] = []
    for processor in wanted.processors:
        try:
            uri = images.dlc_uri(
                wanted.framework, container.version, region=region, scope="training",
                processor=processor, python=container.python,
            )
        except images.ImageNotFound as error:
            errors.append(error)
            continue
        return ContainerImage(uri=uri, repository_arn=images.dlc_repository_arn(uri))
    # A missing version or Python says more than the processors the image was not built for.
    raise next((e for e in errors if "processor" not in str(e)), errors[0])


def resolve_ultracluster(blueprint: Blueprint, catalog: Catalog) -> ResolvedUltraCluster:
    spec = blueprint.spec
    instance = ultracluster_instance(spec, catalog)
    if instance is None:
        raise LookupError(f"{blueprint.file}: instance was not validated before resolving")
    batch = spec.orchestrator == "batch"
    return ResolvedUltraCluster(
        blueprint=blueprint,
        instance=instance,
        node_type=instance.name if batch else f"ml.{instance.name}",
        efa_layout=efa.interface_layout(instance),
        host_image=batch_host_image(instance) if batch else None,
        container=resolve_training_container(spec.container, spec.region, instance),
        lustre=lustre_plan(spec, instance),
    )


#: kind -> resolver. A new kind registers its resolver here.
RESOLVERS = {
    "TrainingCluster": resolve_training_cluster,
    "InferenceFleet": resolve_inference_fleet,
    "UltraCluster": resolve_ultracluster,
}
