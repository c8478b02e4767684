"""Rules about the container image."""

from __future__ import annotations

from mlblueprints import images
from mlblueprints.diagnostics import Level
from mlblueprints.resolve import accelerator_processor
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
        try:
            images.dlc_uri(
                container.framework,
                container.version,
                region=blueprint.spec.region,
                scope="training",
                processor=accelerator_processor(instance),
                python=container.python,
            )
        except images.ImageNotFound as missing:
            yield Finding(
                ("spec", "container", "version"),
                str(missing),
                f"versions of {container.framework}: {', '.join(images.dlc_versions(container.framework, 'training'))}",
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
