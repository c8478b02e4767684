"""Where the nodes live: a new private VPC, or an existing one named by id.

Nodes only ever run in private subnets. A new VPC gets public subnets solely to
host one NAT gateway (nodes pull images and packages), an S3 gateway endpoint
so dataset and checkpoint traffic skips the NAT (and its per-GB charge), and
flow logs. An existing VPC is described with ``Vpc.from_vpc_attributes``, never
``from_lookup``: synth stays offline and needs no credentials.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Annotations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3
from constructs import Construct

from mlblueprints import model

#: Public subnets hold only the NAT gateway; a /28 (16 addresses) is the smallest EC2 allows.
PUBLIC_SUBNET_MASK = 28
#: Without explicit zones CDK spreads over this many (deploy-time ``Fn::GetAZs``, no lookup).
DEFAULT_ZONE_COUNT = 2
#: Imported subnets without route table ids; only route and endpoint wiring would need them.
NO_ROUTE_TABLE_WARNING = "@aws-cdk/aws-ec2:noSubnetRouteTableId"


@dataclass(frozen=True)
class NetworkProps:
    network: model.Network
    #: Empty: let CloudFormation pick zones at deploy time.
    availability_zones: tuple[str, ...] = ()


class Network(Construct):
    """Exposes ``vpc``, ``node_subnets`` (private, in the blueprint's zones) and ``first_node_subnet``."""

    vpc: ec2.IVpc
    node_subnets: ec2.SubnetSelection
    first_node_subnet: ec2.ISubnet
    is_new: bool

    def __init__(self, scope: Construct, construct_id: str, *, props: NetworkProps) -> None:
        super().__init__(scope, construct_id)
        self.is_new = not props.network.is_existing
        self.vpc = _existing_vpc(self, props) if props.network.is_existing else _new_vpc(self, props)
        # Imported subnets are private (PRIVATE_WITH_EGRESS) by from_vpc_attributes.
        selected = self.vpc.select_subnets(
            subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS,
            availability_zones=list(props.availability_zones) or None,
        ).subnets
        self.node_subnets = ec2.SubnetSelection(subnets=selected)
        self.first_node_subnet = selected[0]

    def log_flows_to(self, bucket: s3.IBucket) -> None:
        """Record all accepted and rejected flows of a new VPC into ``bucket`` (an existing VPC is its owner's)."""
        if not self.is_new:
            return
        ec2.FlowLog(
            self,
            "FlowLog",
            resource_type=ec2.FlowLogResourceType.from_vpc(self.vpc),
            destination=ec2.FlowLogDestination.to_s3(bucket, "vpc-flow-logs/"),
            traffic_type=ec2.FlowLogTrafficType.ALL,
        )


def _new_vpc(scope: Construct, props: NetworkProps) -> ec2.Vpc:
    zones = list(props.availability_zones)
    return ec2.Vpc(
        scope,
        "Vpc",
        ip_addresses=ec2.IpAddresses.cidr(props.network.vpc_cidr),
        availability_zones=zones or None,
        max_azs=None if zones else DEFAULT_ZONE_COUNT,
        nat_gateways=1,
        # Strip the default security group's rules (Security Hub EC2.2); also a cdk.json flag,
        # stated here so the construct does not depend on the app's context.
        restrict_default_security_group=True,
        subnet_configuration=[
            ec2.SubnetConfiguration(
                name="Public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=PUBLIC_SUBNET_MASK
            ),
            # No mask: the private subnets share the rest of the CIDR evenly.
            ec2.SubnetConfiguration(name="Private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        ],
        gateway_endpoints={"S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3)},
    )


def _existing_vpc(scope: Construct, props: NetworkProps) -> ec2.IVpc:
    # BP108 guarantees one subnet per zone, in zone order.
    vpc = ec2.Vpc.from_vpc_attributes(
        scope,
        "Vpc",
        vpc_id=props.network.vpc_id,
        availability_zones=list(props.availability_zones),
        private_subnet_ids=list(props.network.subnet_ids),
    )
    Annotations.of(vpc).acknowledge_warning(
        NO_ROUTE_TABLE_WARNING, "nothing here adds routes or endpoints to a VPC this stack does not own"
    )
    return vpc
