"""A launch template that gives each node one EFA on every network card, and nothing public.

The interfaces come from ``mlblueprints.efa.interface_layout`` (the EC2 User
Guide's layout for multi-card instances), which reads the counts from the
catalog; this construct only renders them. Every interface joins the node
security group (all traffic to and from itself, which EFA's SRD needs) and
none gets a public IP: instances with several network cards cannot get one
anyway, and training nodes need none.

The template also carries what the capacity needs: a targeted On-Demand
Capacity Reservation, or a Capacity Block (market type ``capacity-block``
plus the block's reservation id, as AWS's own Batch template for Capacity
Blocks does: aws-samples/awsome-distributed-training,
1.architectures/3.aws-batch/aws-batch-distributed-training-p6.yaml). There is
no Spot here: AWS Batch multi-node parallel jobs do not run on Spot (BP215).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Tags
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from mlblueprints.efa import NetworkInterface
from mlblueprints.model.ultracluster import UltraCapacity

#: Containers add a network hop between a process and IMDS (EC2 User Guide, "Configure the instance metadata options").
IMDS_HOP_LIMIT = 2
CAPACITY_BLOCK_MARKET = "capacity-block"


@dataclass(frozen=True)
class EfaLaunchTemplateProps:
    layout: tuple[NetworkInterface, ...]
    security_group: ec2.ISecurityGroup
    root_device_name: str
    root_volume_gib: int
    user_data: ec2.UserData
    capacity: UltraCapacity
    #: The Name tag of every node and its volumes.
    node_name: str


class EfaLaunchTemplate(Construct):
    """Exposes ``launch_template``."""

    launch_template: ec2.LaunchTemplate

    def __init__(self, scope: Construct, construct_id: str, *, props: EfaLaunchTemplateProps) -> None:
        super().__init__(scope, construct_id)
        # No machine image and no security group here: the orchestrator picks the AMI, and
        # top-level SecurityGroupIds cannot be combined with NetworkInterfaces.
        self.launch_template = ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            user_data=props.user_data,
            require_imdsv2=True,
            http_tokens=ec2.LaunchTemplateHttpTokens.REQUIRED,
            http_endpoint=True,
            http_put_response_hop_limit=IMDS_HOP_LIMIT,
            detailed_monitoring=True,
            block_devices=[
                ec2.BlockDevice(
                    device_name=props.root_device_name,
                    volume=ec2.BlockDeviceVolume.ebs(
                        props.root_volume_gib,
                        encrypted=True,
                        volume_type=ec2.EbsDeviceVolumeType.GP3,
                        delete_on_termination=True,
                    ),
                )
            ],
        )
        Tags.of(self.launch_template).add("Name", props.node_name)
        data = self.launch_template.node.default_child
        data.add_property_override(
            "LaunchTemplateData.NetworkInterfaces",
            [interface_spec(i, props.security_group) for i in props.layout],
        )
        capacity = props.capacity
        if capacity.is_reserved:
            data.add_property_override(
                "LaunchTemplateData.CapacityReservationSpecification",
                {"CapacityReservationTarget": {"CapacityReservationId": capacity.reservation_id}},
            )
        if capacity.source == "capacity-block":
            data.add_property_override(
                "LaunchTemplateData.InstanceMarketOptions", {"MarketType": CAPACITY_BLOCK_MARKET}
            )


def interface_spec(interface: NetworkInterface, group: ec2.ISecurityGroup) -> dict:
    """One LaunchTemplateData.NetworkInterfaces entry: in the node security group, no public IP."""
    return {
        "NetworkCardIndex": interface.card,
        "DeviceIndex": interface.device,
        "InterfaceType": interface.interface_type,
        "Groups": [group.security_group_id],
        "DeleteOnTermination": True,
        "AssociatePublicIpAddress": False,
        "Description": f"{interface.interface_type} on network card {interface.card}",
    }
