"""Rules for UltraCluster blueprints (BP2xx): EFA hardware, one zone, capacity, FSx, orchestrator.

Each rule checks what the blueprint states; synth makes no AWS calls, so a
rule can only compare the blueprint with itself and with the data in
``mlblueprints/data`` (instance catalog, cfn-lint's region lists, image tables).
"""

from __future__ import annotations

import difflib

from mlblueprints import compatibility, efa, fsx_sizing, images
from mlblueprints.diagnostics import Level
from mlblueprints.resolve import accelerator_processor, lustre_plan, resolve_training_container, ultracluster_instance
from mlblueprints.rules.base import Finding, Rule
from mlblueprints.rules.storage import nearest_legal_sizes

ULTRACLUSTER = frozenset({"UltraCluster"})
INSTANCE = ("spec", "instance")
FSX = ("spec", "storage", "fsx")

#: Aggregate read bandwidth per GPU below which storage starves training: the "Good" tier of NVIDIA's
#: DGX SuperPOD reference architecture (DGX H100, "Storage Architecture", Table 6) is 15 GBps of
#: aggregate read for one scalable unit of 32 nodes x 8 GPUs, about 58.6 MB/s per GPU.
GOOD_READ_MBPS_PER_GPU = 15_000 / (32 * 8)
#: Types whose accelerators HyperPod or Batch can run an UltraCluster on.
TRAINING_ACCELERATORS = frozenset({"gpu", "neuron"})


def _instance(blueprint, context):
    """The resolved EC2 type, or None when it does not resolve (BP201/BP209 say why)."""
    return ultracluster_instance(blueprint.spec, context.catalog)


class UltraInstanceOffered(Rule):
    id = "BP201"
    level = Level.ERROR
    summary = "Batch nodes are EC2 types from the catalog, offered in the region; accelerator wording resolves"
    source_url = "https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-regions.html"
    kinds = ULTRACLUSTER

    def check(self, blueprint, context):
        spec = blueprint.spec
        if spec.orchestrator != "batch":
            return
        catalog = context.catalog
        request = spec.instance
        if request.accelerators is not None:
            if _instance(blueprint, context) is None:
                wanted = request.accelerators
                yield Finding(
                    INSTANCE + ("accelerators",),
                    f"no instance type with {wanted.count}x {wanted.model} is offered in {spec.region}",
                    "ask for another accelerator or region, or name the type with `type:`",
                )
            return
        name = request.type
        path = INSTANCE + ("type",)
        if name.startswith("ml."):
            yield Finding(
                path,
                f"{name} is a SageMaker type; AWS Batch launches EC2 instances",
                f"write `type: {name.removeprefix('ml.')}`, or set `orchestrator: hyperpod`",
            )
            return
        if catalog.get(name) is None:
            close = difflib.get_close_matches(name, [n for n in catalog.names() if not n.startswith("ml.")], n=3, cutoff=0.6)
            yield Finding(
                path,
                f"{name} is not an instance type in the mlblueprints catalog",
                f"did you mean {', '.join(close)}?" if close else "see mlblueprints/data/instances.json",
            )
        elif not catalog.is_offered(name, spec.region):
            regions = catalog.regions_offering(name)
            yield Finding(
                path,
                f"{name} is not offered in {spec.region}",
                f"offered in: {', '.join(regions)}" if regions else "it is not offered in any region cfn-lint knows",
            )


class EfaClusterHardware(Rule):
    id = "BP202"
    level = Level.ERROR
    summary = "The type has accelerators, supports EFA on every network card, and supports cluster placement"
    source_url = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa-acc-inst-types.html"
    kinds = ULTRACLUSTER

    def check(self, blueprint, context):
        instance = _instance(blueprint, context)
        if instance is None:
            return
        path = INSTANCE
        if instance.accelerator is None:
            yield Finding(
                path,
                f"{instance.name} has no accelerators; an UltraCluster trains on NVIDIA GPUs or AWS Trainium (Neuron)",
                "pick a p4d, p5, p5e, p5en, p6-b200, trn1 or trn2 type",
            )
            return
        if compatibility.orchestrator_problem(instance, blueprint.spec.orchestrator) is not None:
            return  # BP150 says why this accelerator cannot run here
        if not instance.efa_supported:
            yield Finding(
                path,
                f"{instance.name} does not support EFA, so its nodes would talk over TCP",
                "pick a size with EFA, for example p4d.24xlarge, p5.48xlarge or trn1.32xlarge",
            )
            return
        try:
            efa.efa_cards(instance)
        except efa.NoEfaLayout as unknown:
            yield Finding(path, str(unknown), "add which cards carry EFA to scripts/catalog_source.yaml")
        if not instance.cluster_placement:
            yield Finding(
                path,
                f"{instance.name} does not support the cluster placement strategy",
                "pick a type whose placement info lists `cluster`",
            )


class MultiNode(Rule):
    id = "BP203"
    level = Level.ERROR
    summary = "An UltraCluster has at least two nodes; one node is a TrainingCluster"
    source_url = "https://docs.aws.amazon.com/batch/latest/userguide/multi-node-parallel-jobs.html"
    kinds = ULTRACLUSTER

    def check(self, blueprint, context):
        nodes = blueprint.spec.nodes
        if nodes < 2:
            yield Finding(
                ("spec", "nodes"),
                f"nodes: {nodes}; EFA and a placement group only pay off across two or more nodes",
                "set `nodes: 2` or more, or use `kind: TrainingCluster` for a single node",
            )


class SingleZone(Rule):
    id = "BP204"
    level = Level.ERROR
    summary = "The one availability zone belongs to the region; an existing VPC names exactly one subnet, in it"
    source_url = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/placement-strategies.html#placement-groups-cluster"
    kinds = ULTRACLUSTER

    def check(self, blueprint, context):
        spec = blueprint.spec
        zone = spec.availability_zone
        if zone[:-1] != spec.region:
            yield Finding(
                ("spec", "availability_zone"),
                f"{zone} is not a zone of {spec.region}",
                f"zones of {spec.region} are named {spec.region}a, {spec.region}b, ...",
            )
        network = spec.network
        if network.is_existing and len(network.subnet_ids) != 1:
            yield Finding(
                ("spec", "network", "subnet_ids"),
                f"a cluster placement group, EFA and the file system share one subnet in {zone}; "
                f"{len(network.subnet_ids)} subnets are listed",
                f"list the one private subnet of {zone}",
            )


class ReservationMatches(Rule):
    id = "BP205"
    level = Level.ERROR
    summary = "A capacity reservation or block is named only for those sources, and lives in the cluster's zone"
    source_url = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/capacity-reservations-launch.html"
    kinds = ULTRACLUSTER

    def check(self, blueprint, context):
        spec = blueprint.spec
        capacity = spec.capacity
        path = ("spec", "capacity")
        if not capacity.is_reserved:
            for field in ("reservation_id", "reservation_zone"):
                if getattr(capacity, field) is not None:
                    yield Finding(
                        path + (field,),
                        f"`{field}` applies to capacity from a reservation or a Capacity Block, not {capacity.source}",
                        "set `source: reservation` or `source: capacity-block`, or remove the field",
                    )
            return
        if capacity.reservation_zone != spec.availability_zone:
            yield Finding(
                path + ("reservation_zone",),
                f"the {capacity.source} {capacity.reservation_id} is in {capacity.reservation_zone}, but the cluster "
                f"is in {spec.availability_zone}; no node would launch into it",
                f"set `availability_zone: {capacity.reservation_zone}`",
            )


class CapacityBlockPlacement(Rule):
    id = "BP206"
    level = Level.ERROR
    summary = "A Capacity Block places its own instances: it takes no placement group"
    source_url = "https://docs.aws.amazon.com/parallelcluster/latest/ug/launch-instances-capacity-blocks.html"
    kinds = ULTRACLUSTER

    def check(self, blueprint, context):
        spec = blueprint.spec
        if spec.capacity.source == "capacity-block" and spec.placement_group:
            yield Finding(
                ("spec", "placement_group"),
                "a Capacity Block is already co-located; launching it into a cluster placement group fails",
                "remove `placement_group: true`",
            )


class SpotTerminates(Rule):
    id = "BP207"
    level = Level.ERROR
    summary = "Spot nodes in a cluster placement group must terminate on interruption"
    source_url = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/placement-groups-limitations.html"
    kinds = ULTRACLUSTER

    def check(self, blueprint, context):
        capacity = blueprint.spec.capacity
        if capacity.source == "spot" and capacity.interruption_behavior != "terminate":
            yield Finding(
                ("spec", "capacity", "interruption_behavior"),
                f"Spot instances that {capacity.interruption_behavior} on interruption cannot launch into a "
                "cluster placement group",
                "set `interruption_behavior: terminate` and checkpoint to /fsx",
            )


class FsxSameZone(Rule):
    id = "BP208"
    level = Level.ERROR
    summary = "The file system is in the cluster's zone and subnet"
    source_url = "https://docs.aws.amazon.com/fsx/latest/LustreGuide/performance.html"
    kinds = ULTRACLUSTER

    def check(self, blueprint, context):
        spec = blueprint.spec
        existing = spec.storage.fsx.existing
        if existing is not None and existing.availability_zone != spec.availability_zone:
            yield Finding(
                FSX + ("existing", "availability_zone"),
                f"{existing.file_system_id} is in {existing.availability_zone}, the nodes in {spec.availability_zone}: "
                "every read crosses zones (latency, and cross-zone data charges)",
                f"use a file system in {spec.availability_zone}, or let the stack create one",
            )


class HyperPodTypes(Rule):
    """Offered means cfn-lint's HyperPod list for the region, within the SageMaker API's
    ``ClusterInstanceType`` enum, minus what the template validator of ``cdk synth`` rejects
    there (``catalog.offerings``). Workers must also be catalog types: the stack needs their
    accelerators and EFA cards; the controller runs no training and may be any offered type."""

    id = "BP209"
    level = Level.ERROR
    summary = "HyperPod instance types are ml.* types HyperPod offers in the region; workers are catalog types"
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterInstanceGroupSpecification.html"
    kinds = ULTRACLUSTER

    def check(self, blueprint, context):
        spec = blueprint.spec
        if spec.orchestrator != "hyperpod":
            return
        catalog = context.catalog
        request = spec.instance
        if request.accelerators is not None:
            if _instance(blueprint, context) is None:
                wanted = request.accelerators
                yield Finding(
                    INSTANCE + ("accelerators",),
                    f"SageMaker HyperPod offers no type with {wanted.count}x {wanted.model} in {spec.region}",
                    "ask for another accelerator or region",
                )
        else:
            path = INSTANCE + ("type",)
            offered = list(self._one(catalog, request.type, spec.region, path))
            yield from offered
            if not offered and catalog.get(request.type.removeprefix("ml.")) is None:
                yield Finding(
                    path,
                    f"{request.type} is a HyperPod type, but not one in the mlblueprints catalog, so its "
                    "accelerators and EFA cards are unknown",
                    "UltraCluster workers are accelerated training types: pick one such as ml.p5.48xlarge, "
                    "ml.p4d.24xlarge or ml.trn1.32xlarge (see mlblueprints/data/instances.json)",
                )
        yield from self._one(catalog, spec.hyperpod.controller_type, spec.region, ("spec", "hyperpod", "controller_type"))

    @staticmethod
    def _one(catalog, name, region, path):
        if not name.startswith("ml."):
            yield Finding(path, f"HyperPod instance types are SageMaker ml.* types, not {name}", f"write `ml.{name}`")
            return
        if not catalog.is_offered(name, region, service="cluster"):
            regions = catalog.regions_offering(name, service="cluster")
            yield Finding(
                path,
                f"SageMaker HyperPod does not offer {name} in {region}",
                f"offered in: {', '.join(regions)}" if regions else f"{name} is not a HyperPod type in any region",
            )


class FsxThroughputPerAccelerator(Rule):
    id = "BP210"
    level = Level.WARNING
    summary = "FSx throughput per accelerator is below NVIDIA's lowest storage tier for training (~59 MB/s per GPU)"
    source_url = "https://docs.nvidia.com/dgx-superpod/reference-architecture-scalable-infrastructure-h100/latest/storage-architecture.html"
    kinds = ULTRACLUSTER

    def check(self, blueprint, context):
        spec = blueprint.spec
        instance = _instance(blueprint, context)
        if instance is None or instance.accelerator is None or spec.storage.fsx.existing is not None:
            return
        try:
            plan = lustre_plan(spec, instance)
        except fsx_sizing.CannotSize:
            return  # BP211 reports it
        if not fsx_sizing.is_legal_capacity(plan.size.capacity_gib):
            return
        accelerators = spec.nodes * instance.accelerator.count
        per_accelerator = plan.size.throughput_mbps / accelerators
        if per_accelerator < GOOD_READ_MBPS_PER_GPU:
            floor = GOOD_READ_MBPS_PER_GPU * accelerators
            yield Finding(
                FSX,
                f"{plan.size.capacity_gib} GiB at {plan.size.throughput_per_tib} MB/s/TiB gives "
                f"{plan.size.throughput_mbps:,.0f} MB/s for {accelerators} accelerators, {per_accelerator:.0f} MB/s "
                f"each (rule of thumb: at least {GOOD_READ_MBPS_PER_GPU:.0f})",
                f"ask for `throughput_per_gpu_mbps: {round(GOOD_READ_MBPS_PER_GPU) + 1}` or more "
                f"(about {floor:,.0f} MB/s in all), or suppress BP210 if the data fits in node memory",
            )


class FsxLegalSize(Rule):
    id = "BP211"
    level = Level.ERROR
    summary = "A new file system's PERSISTENT_2 capacity and throughput are legal, or can be sized to the target"
    source_url = "https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreConfiguration.html"
    kinds = ULTRACLUSTER

    def check(self, blueprint, context):
        spec = blueprint.spec
        fsx = spec.storage.fsx
        if fsx.existing is not None:
            if spec.storage.data_repository is not None:
                yield Finding(
                    ("spec", "storage", "data_repository"),
                    "a data repository association belongs to the file system; this stack does not own "
                    f"{fsx.existing.file_system_id}",
                    "link the bucket on the existing file system, or let the stack create one",
                )
            return
        limits = fsx_sizing.persistent2_limits()
        capacity = fsx.storage_capacity_gib
        if capacity is not None and not fsx_sizing.is_legal_capacity(capacity):
            below, above = nearest_legal_sizes(limits["capacity_gib"], capacity)
            yield Finding(
                FSX + ("storage_capacity_gib",),
                f"PERSISTENT_2 capacity must be 1200 GiB or a multiple of {limits['capacity_gib']['multiple_of']} GiB, "
                f"not {capacity}",
                f"use {below} or {above}" if below else f"use {above}",
            )
        tiers = limits["throughput_per_tib"]
        if fsx.throughput_per_tib is not None and fsx.throughput_per_tib not in tiers:
            yield Finding(
                FSX + ("throughput_per_tib",),
                f"PERSISTENT_2 throughput per TiB must be one of {', '.join(map(str, tiers))} MB/s, "
                f"not {fsx.throughput_per_tib}",
                f"set `throughput_per_tib:` to one of {', '.join(map(str, tiers))}",
            )
        instance = _instance(blueprint, context)
        if fsx.throughput_per_gpu_mbps is not None and instance is not None:
            try:
                lustre_plan(spec, instance)
            except fsx_sizing.CannotSize as too_much:
                yield Finding(
                    FSX + ("throughput_per_gpu_mbps",),
                    f"{too_much} (the largest file system gives "
                    f"{fsx_sizing.MAX_CAPACITY_GIB / fsx_sizing.GIB_PER_TIB * max(tiers):,.0f} MB/s)",
                    "lower `throughput_per_gpu_mbps`",
                )


class BatchHostAndContainer(Rule):
    id = "BP212"
    level = Level.ERROR
    summary = "Batch runs a container on an ECS-optimized host AMI that exists for the accelerator"
    source_url = "https://docs.aws.amazon.com/batch/latest/userguide/batch-ami-spec.html"
    kinds = ULTRACLUSTER

    def check(self, blueprint, context):
        spec = blueprint.spec
        if spec.orchestrator != "batch":
            return
        if spec.container is None:
            yield Finding(
                ("spec",),
                "AWS Batch runs every node of a multi-node job as a container, and none is named",
                "add `container: {framework: pytorch, version: \"2.6\"}` or `container: {uri: ...}`",
            )
        instance = _instance(blueprint, context)
        if instance is None or instance.accelerator is None or instance.accelerator.kind not in TRAINING_ACCELERATORS:
            return
        try:
            images.batch_host_image(accelerator_processor(instance), arch=instance.arch)
        except images.ImageNotFound as missing:
            yield Finding(INSTANCE, str(missing), "pick an x86_64 GPU or Neuron type")


class UltraContainerExists(Rule):
    id = "BP213"
    level = Level.ERROR
    summary = "The Deep Learning Container framework, version and Python exist for the hardware and region"
    source_url = "https://github.com/aws/deep-learning-containers/blob/master/available_images.md"
    kinds = ULTRACLUSTER

    def check(self, blueprint, context):
        spec = blueprint.spec
        container = spec.container
        instance = _instance(blueprint, context)
        if container is None or container.uri is not None or instance is None:
            return
        try:
            resolve_training_container(container, spec.region, instance)
        except images.ImageNotFound as missing:
            field = "framework" if container.framework not in images.dlc_frameworks("training") else "version"
            yield Finding(("spec", "container", field), str(missing), "see `mlbp show` and the DLC release notes")


class HyperPodCapacity(Rule):
    id = "BP214"
    level = Level.ERROR
    summary = "HyperPod nodes here are on-demand: EC2 reservations and Capacity Blocks are Batch-only, Spot is not modelled"
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/dg/reserve-capacity-with-training-plans.html"
    kinds = ULTRACLUSTER

    def check(self, blueprint, context):
        spec = blueprint.spec
        source = spec.capacity.source
        if spec.orchestrator != "hyperpod" or source == "on-demand":
            return
        path = ("spec", "capacity", "source")
        if source == "spot":
            # The instance group's CapacityRequirements can ask for Spot, but this stack
            # builds on-demand workers only; Batch is no way out either (BP215).
            yield Finding(
                path,
                "mlblueprints builds HyperPod workers on on-demand capacity only; it does not model "
                "HyperPod's Spot capacity",
                "use `source: on-demand`; AWS Batch does not run multi-node jobs on Spot either, "
                "so for Spot train on one node with `kind: TrainingCluster`",
            )
            return
        yield Finding(
            path,
            f"HyperPod does not launch into EC2 {source} capacity; it reserves through SageMaker training "
            "plans, which mlblueprints does not model yet",
            "use `source: on-demand` with HyperPod, or `orchestrator: batch`",
        )


class BatchMultiNodeNotOnSpot(Rule):
    id = "BP215"
    level = Level.ERROR
    summary = "AWS Batch does not run multi-node parallel jobs on Spot compute environments"
    source_url = "https://docs.aws.amazon.com/batch/latest/userguide/mnp-ce.html"
    kinds = ULTRACLUSTER

    def check(self, blueprint, context):
        spec = blueprint.spec
        if spec.orchestrator == "batch" and spec.capacity.source == "spot":
            yield Finding(
                ("spec", "capacity", "source"),
                "an UltraCluster on AWS Batch is a multi-node parallel job, and Batch does not run those on "
                "compute environments that use Spot Instances",
                "use `source: on-demand`, a targeted On-Demand Capacity Reservation (`source: reservation`) "
                "or a Capacity Block (`source: capacity-block`); for Spot, train on one node with "
                "`kind: TrainingCluster`",
            )


ULTRACLUSTER_RULES = (
    UltraInstanceOffered(),
    EfaClusterHardware(),
    MultiNode(),
    SingleZone(),
    ReservationMatches(),
    CapacityBlockPlacement(),
    SpotTerminates(),
    FsxSameZone(),
    HyperPodTypes(),
    FsxThroughputPerAccelerator(),
    FsxLegalSize(),
    BatchHostAndContainer(),
    UltraContainerExists(),
    HyperPodCapacity(),
    BatchMultiNodeNotOnSpot(),
)
