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

#: The root device name "differs by AMI: /dev/sda1 or /dev/xvda" (EC2 User Guide, "Device names
#: for volumes on Amazon EC2 instances"). Ubuntu images, the DLAMIs' base, use /dev/sda1; Amazon
#: Linux uses /dev/xvda. A wrong name would add a blank volume and leave the root at its AMI size;
#: check one with `aws ec2 describe-images --image-ids ami-... --query 'Images[].RootDeviceName'`.
UBUNTU_ROOT_DEVICE = "/dev/sda1"
AMAZON_LINUX_ROOT_DEVICE = "/dev/xvda"


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
        # The DLAMI parameter path names its OS. A custom AMI declares none, so it is
        # taken to follow the Ubuntu DLAMI layout it usually derives from.
        self.is_amazon_linux = "amazon-linux" in (image.ssm_parameter or "")
        self.root_device_name = AMAZON_LINUX_ROOT_DEVICE if self.is_amazon_linux else UBUNTU_ROOT_DEVICE
        self.container_uri = props.container.uri if props.container is not None else None
