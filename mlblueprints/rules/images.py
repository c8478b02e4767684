"""Rules about the container image."""

from __future__ import annotations

from mlblueprints import images
from mlblueprints.diagnostics import Level
from mlblueprints.resolve import resolve_training_container, training_image
from mlblueprints.rules.base import Finding, Rule


class DeepLearningContainerExists(Rule):
    id = "BP103"
    level = Level.ERROR
    summary = "The Deep Learning Container framework, version and Python exist for the hardware and region"
    source_url = "https://github.com/aws/deep-learning-containers/blob/master/available_images.md"

    def check(self, blueprint, context):
        container = blueprint.spec.container
        instance = context.instance(blueprint)
        if container is None or container.uri is not None or instance is None:
            return
        if container.framework not in images.dlc_frameworks("training"):
            yield Finding(
                ("spec", "container", "framework"),
                f"no training Deep Learning Container for framework {container.framework!r}",
                f"known frameworks: {', '.join(images.dlc_frameworks('training'))}",
            )
            return
        framework = training_image(container, instance).framework
        try:
            resolve_training_container(container, blueprint.spec.region, instance)
        except images.ImageNotFound as missing:
            meaning = f" (on {instance.name}, `framework: {container.framework}` is {framework})" if framework != container.framework else ""
            yield Finding(
                ("spec", "container", "version"),
                f"{missing}{meaning}",
                f"versions of {framework}: {', '.join(images.dlc_versions(framework, 'training'))}",
            )


class DeepLearningAmiExists(Rule):
    id = "BP111"
    level = Level.ERROR
    summary = "The Deep Learning AMI flavour is published for the operating system and CPU architecture"
    source_url = "https://docs.aws.amazon.com/dlami/latest/devguide/find-dlami-id.html"

    def check(self, blueprint, context):
        image = blueprint.spec.image
        instance = context.instance(blueprint)
        if image.dlami is None or instance is None:
            return
        try:
            images.dlami_parameter(image.dlami, os=image.os, arch=instance.arch)
        except images.ImageNotFound as missing:
            yield Finding(
                ("spec", "image", "os" if image.os else "dlami"),
                str(missing),
                "pick one of the listed operating systems, or another flavour",
            )
