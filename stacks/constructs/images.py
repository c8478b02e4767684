"""What the nodes boot and what they run.

The Deep Learning AMI is read from its public SSM parameter at deploy time: the
template gets a parameter of type ``AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>``
(``MachineImage.from_ssm_parameter``), so synth needs no credentials and every
deploy picks up the latest patched DLAMI. A custom AMI id is used as given.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from mlblueprints.resolve import ContainerImage, MachineImage


@dataclass(frozen=True)
class ImagesProps:
    machine_image: MachineImage
    container: ContainerImage | None
    region: str


class Images(Construct):
    """Exposes ``machine_image``, ``root_device_name``, ``is_amazon_linux`` and ``container_uri`` (or None)."""

    machine_image: ec2.IMachineImage
    root_device_name: str
    is_amazon_linux: bool
    container_uri: str | None

    def __init__(self, scope: Construct, construct_id: str, *, props: ImagesProps) -> None:
        super().__init__(scope, construct_id)
        image = props.machine_image
        if image.ssm_parameter is not None:
            self.machine_image = ec2.MachineImage.from_ssm_parameter(image.ssm_parameter, os=ec2.OperatingSystemType.LINUX)
        else:
            self.machine_image = ec2.MachineImage.generic_linux({props.region: image.ami_id})
        # Root device names are AWS data (mlblueprints/data/dlami.json), resolved before synth.
        self.is_amazon_linux = image.is_amazon_linux
        self.root_device_name = image.root_device_name
        self.container_uri = props.container.uri if props.container is not None else None
