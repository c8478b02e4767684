"""BP150: the node's accelerators, its machine image, its container and its orchestrator work together.

Every fact comes from ``data/compatibility.json`` (``mlblueprints.compatibility``); this
rule only names the pairing a blueprint asks for. It replaces the per-family checks that
used to live in BP102 and BP202.
"""

from __future__ import annotations

from mlblueprints import compatibility, images
from mlblueprints.diagnostics import Level
from mlblueprints.resolve import (
    TrainingImage,
    resolve_serving_container,
    resolve_training_container,
    training_image,
    ultracluster_instance,
)
from mlblueprints.rules.base import Finding, Rule
from mlblueprints.rules.inference import chosen_at, hardware_of, variants


def _finding(path, problem: compatibility.Problem, prefix: str) -> Finding:
    source = f" (source: {problem.source})" if problem.source else ""
    return Finding(path, f"{prefix}: {problem.why}{source}", problem.instead)


class HardwarePairing(Rule):
    id = "BP150"
    level = Level.ERROR
    summary = "The accelerators, machine image, container and orchestrator are a pairing AWS supports"
    source_url = "https://docs.aws.amazon.com/dlami/latest/devguide/appendix-ami-release-notes.html"
    kinds = frozenset({"TrainingCluster", "UltraCluster"})

    def check(self, blueprint, context):
        spec = blueprint.spec
        if blueprint.kind == "UltraCluster":
            instance = ultracluster_instance(spec, context.catalog)
            if instance is None or instance.accelerator is None:
                return  # BP201/BP209 or BP202 say why
            key, path = _host_image(spec.orchestrator, instance), ("spec", "instance")
            where = f"{instance.name} ({compatibility.architecture(instance)}) on {spec.orchestrator}"
        else:
            instance = context.instance(blueprint)
            if instance is None:
                return  # BP101 says why
            key, path = _machine_image(spec.image)
            where = f"{instance.name} ({compatibility.architecture(instance)})"
            if key is None and instance.accelerator is not None:
                yield Finding(
                    ("spec", "image"),
                    f"{instance.name} has {instance.accelerator.model} accelerators, and the custom AMI does not say "
                    "which accelerator driver it carries",
                    f"declare it: {' or '.join(compatibility.custom_spellings(instance))}",
                )
                return
        problem = compatibility.image_problem(instance, key) if key is not None else None
        if problem is not None:
            yield _finding(path, problem, where)
            return
        yield from self._container(spec.container, instance)

    @staticmethod
    def _container(container, instance):
        if container is None or container.uri is not None:
            return
        wanted: TrainingImage = training_image(container, instance)
        families = images.dlc_families(wanted.framework, container.version, scope="training")
        problem = compatibility.container_problem(
            instance, families, f"{wanted.framework} {container.version} ({wanted.repository or 'DLC'})"
        )
        if problem is None:
            return
        if families:
            yield _finding(
                ("spec", "container", "version"),
                compatibility.Problem(problem.why, _current_neuron_image_hint(instance), problem.source),
                instance.name,
            )
        else:
            yield _finding(("spec", "container", "framework"), problem, f"a Deep Learning Container on {instance.name}")


def _host_image(orchestrator: str, instance) -> str:
    """What an UltraCluster node boots: SageMaker's own AMI, or Batch's ECS-optimized host AMI."""
    if orchestrator == "hyperpod":
        return "hyperpod/sagemaker"
    return f"batch/{'neuron' if instance.is_neuron else 'gpu'}"


def _machine_image(image) -> tuple[str | None, tuple]:
    """A TrainingCluster's image key and where the blueprint chose it; None for an undeclared custom AMI."""
    if image.dlami is not None:
        return f"dlami/{image.dlami}", ("spec", "image", "dlami")
    if image.accelerator is not None:
        return f"custom/{image.accelerator}", ("spec", "image", "accelerator")
    return None, ("spec", "image")


class ContainerOsCurrent(Rule):
    id = "BP151"
    level = Level.WARNING
    summary = "The Deep Learning Container is built on an operating system its family still publishes and patches"
    source_url = "https://ubuntu.com/about/release-cycle"
    kinds = frozenset({"TrainingCluster", "UltraCluster", "InferenceFleet"})

    def check(self, blueprint, context):
        if blueprint.kind == "InferenceFleet":
            yield from self._serving(blueprint, context)
            return
        spec = blueprint.spec
        container = spec.container
        if container is None or container.uri is not None:
            return
        instance = ultracluster_instance(spec, context.catalog) if blueprint.kind == "UltraCluster" else context.instance(blueprint)
        if instance is None:
            return
        try:
            image = resolve_training_container(container, spec.region, instance)
        except images.ImageNotFound:
            return  # BP103/BP213 say why
        framework = training_image(container, instance).framework
        newest = images.dlc_versions(framework, "training")[-1]
        newer = images.dlc_resolved_version(framework, container.version, "training") != newest
        problem = compatibility.stale_os(image.uri, compatibility.container_family(instance), newer_version_exists=newer)
        if problem is None:
            return
        if instance.is_neuron:
            hint = _current_neuron_image_hint(instance)
        else:
            hint = f'pick a newer version (newest: "{newest}"), or suppress BP151 with the reason'
        yield _finding(("spec", "container", "version"), compatibility.Problem(problem.why, hint, problem.source), _tag(image.uri))

    @staticmethod
    def _serving(blueprint, context):
        seen: set[tuple] = set()
        for endpoint in blueprint.spec.endpoints:
            for variant, path in variants(endpoint):
                container = variant.container
                hardware = hardware_of(context, endpoint, variant)
                if container.uri is not None or hardware is None:
                    continue
                try:
                    image = resolve_serving_container(container, blueprint.spec.region, hardware)
                except images.ImageNotFound:
                    continue  # BP302 says why
                where = chosen_at(endpoint, variant, path, "container") + ("version",)
                newest = images.dlc_versions(container.framework, "inference")[-1]
                newer = images.dlc_resolved_version(container.framework, container.version, "inference") != newest
                problem = compatibility.stale_os(image.uri, hardware, newer_version_exists=newer)
                if problem is None or where in seen:
                    continue
                seen.add(where)
                hint = (
                    f'pick a newer version of {container.framework} (newest: "{newest}"), or suppress BP151 with the reason'
                    if newer
                    else f"no newer {container.framework} image is published: use another container family, or suppress BP151 with the reason"
                )
                yield _finding(where, compatibility.Problem(problem.why, hint, problem.source), _tag(image.uri))


def _tag(uri: str) -> str:
    return uri.rsplit("/", 1)[-1]


def _current_neuron_image_hint(instance) -> str:
    """Name the exact value to write when the current torch-neuronx image runs on this type."""
    current = compatibility.neuron_framework("pytorch", "training")
    newest = images.dlc_versions(current, "training")[-1]
    if instance.ec2_name.split(".")[0] in (images.dlc_families(current, newest, scope="training") or []):
        return f'write `framework: pytorch, version: "{newest}"` (the current torch-neuronx training image)'
    return "no Neuron training image runs on this type; give the container by `uri`"
