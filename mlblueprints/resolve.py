"""Resolvers: turn a valid blueprint's wording into concrete AWS choices.

Accelerator wording becomes an instance type, a DLAMI flavour becomes the SSM
parameter that CloudFormation reads at deploy time, and a DLC framework and
version becomes an ECR image URI. Rules have already run, so a failure here is
a bug, not bad input.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlblueprints import images
from mlblueprints.catalog import Catalog, InstanceType, load_catalog
from mlblueprints.model import Blueprint, Container, Image, InstanceRequest


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


def resolve(blueprint: Blueprint, catalog: Catalog | None = None):
    """The resolved form of any blueprint kind, for its stack."""
    return RESOLVERS[blueprint.kind](blueprint, catalog or load_catalog())


def resolve_training_cluster(blueprint: Blueprint, catalog: Catalog) -> Resolved:
    spec = blueprint.spec
    instance = resolve_instance(spec.instance, spec.region, catalog)
    if instance is None:
        raise LookupError(f"{blueprint.file}: instance was not validated before resolving")
    return Resolved(
        blueprint=blueprint,
        instance=instance,
        machine_image=resolve_machine_image(spec.image, instance),
        container=resolve_container(spec.container, spec.region, instance, scope="training"),
    )


#: kind -> resolver. A new kind registers its resolver here.
RESOLVERS = {
    "TrainingCluster": resolve_training_cluster,
}
