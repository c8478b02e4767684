"""The nodes: a launch template and an Auto Scaling group in private subnets.

Nodes are cattle. The root volume is deleted with the instance: anything worth
keeping goes to the data bucket or FSx, which outlive the nodes (they sit in
the data stack). There is no key pair and no public IP; Session Manager is the
way in. IMDSv2 is required, with a hop limit of 2 so processes inside
containers (one extra network hop) still reach instance credentials.

**Updates never roll running nodes.** A deploy that changes the launch
template (a new DLAMI behind the SSM parameter, new user data, another
instance type) makes a new template version; the group launches every new
node from it, and nodes already running keep the old one, because replacing
nodes in the middle of a training run would kill the run. The group carries
no ``AutoScalingRollingUpdate`` or ``AutoScalingReplacingUpdate`` policy, only
CDK's ``AutoScalingScheduledAction`` (scheduled actions keep their sizes).
Moving running nodes onto the new version is a deliberate step when the
cluster is idle: the stack output ``InstanceRefreshCommand`` (an EC2 Auto
Scaling instance refresh that skips nodes already on the latest version);
docs/lifecycle.md, "Update".

**Spot.** A Spot group of one instance type turns on Capacity Rebalancing:
when EC2 signals an elevated interruption risk, Auto Scaling launches a
replacement before the interruption instead of after it (EC2 Auto Scaling
User Guide, "Capacity Rebalancing").

A multi-node cluster of an EFA-capable type (``Resolved.efa_layout``) gets one EFA on
every network card, laid out like the UltraCluster nodes (``.efa.interface_spec``), every
interface in the node security group, which allows all traffic to and from itself in
both directions as EFA needs; its group joins a cluster placement group when it has one.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from aws_cdk import Annotations, Tags
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from mlblueprints import model
from mlblueprints.efa import NetworkInterface
from .efa import interface_spec
from .images import Images
from .lustre_parts import mount_commands
from .security import allow_service_linked_role
from ..nag import VALIDATION_FAILURE, Waiver, waive

#: Containers add a network hop between a process and IMDS (EC2 User Guide, "Configure the instance metadata options").
IMDS_HOP_LIMIT = 2
#: CDK warns that a desired capacity resets the group on each deploy; for a blueprint that is the point.
DESIRED_CAPACITY_WARNING = "@aws-cdk/aws-autoscaling:desiredCapacitySet"
#: Auto Scaling publishes notifications as this service-linked role (EC2 Auto Scaling User Guide,
#: "Service-linked roles for Amazon EC2 Auto Scaling"); a custom suffix is allowed, hence the *.
AUTOSCALING_ROLE = "role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*"


@dataclass(frozen=True)
class ComputeProps:
    spec: model.TrainingClusterSpec
    #: The Name tag of every node and its volumes.
    node_name: str
    instance_type: str
    images: Images
    vpc: ec2.IVpc
    node_subnets: ec2.SubnetSelection
    node_role: iam.IRole
    node_security_group: ec2.ISecurityGroup
    #: Encrypts the node-events topic; its policy lets Auto Scaling use it (allow_autoscaling_notifications,
    #: called in the data stack, which owns the key).
    key: kms.IKey
    #: Deploy-time DNS and mount names of the FSx file system, or None without one.
    fsx_names: tuple[str, str] | None
    #: The resolved node counts (the advisor's with ``instance: auto``); None: the blueprint's.
    nodes: model.Nodes | None = None
    #: Every interface of a node when it uses EFA; () for the single default ENA interface.
    efa_layout: tuple[NetworkInterface, ...] = ()
    #: Name of the cluster placement group the nodes launch into, if any.
    placement_group: str | None = None


class Compute(Construct):
    """Exposes ``launch_template``, ``auto_scaling_group`` and ``events_topic``.

    ``events_topic`` receives every launch, launch error and termination. For
    accelerator fleets the launch error is the one to watch: it is how
    "InsufficientInstanceCapacity" for a p4d or p5 shows up.
    """

    launch_template: ec2.LaunchTemplate
    auto_scaling_group: autoscaling.AutoScalingGroup
    events_topic: sns.Topic

    def __init__(self, scope: Construct, construct_id: str, *, props: ComputeProps) -> None:
        super().__init__(scope, construct_id)
        spec = props.spec
        self.launch_template = ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            instance_type=ec2.InstanceType(props.instance_type),
            machine_image=props.images.machine_image,
            role=props.node_role,
            security_group=props.node_security_group,
            # Explicit, so nodes stay private even in a user's subnet that auto-assigns public IPs.
            associate_public_ip_address=False,
            user_data=_user_data(props),
            require_imdsv2=True,
            http_tokens=ec2.LaunchTemplateHttpTokens.REQUIRED,
            http_endpoint=True,
            http_put_response_hop_limit=IMDS_HOP_LIMIT,
            detailed_monitoring=True,
            block_devices=[
                ec2.BlockDevice(
                    device_name=props.images.root_device_name,
                    volume=ec2.BlockDeviceVolume.ebs(
                        spec.storage.root_volume_gib,
                        encrypted=True,
                        volume_type=ec2.EbsDeviceVolumeType.GP3,
                        delete_on_termination=True,
                    ),
                )
            ],
        )
        # Instances and volumes are named after the blueprint, not the construct path.
        Tags.of(self.launch_template).add("Name", props.node_name)
        if props.efa_layout:
            # Replaces the L2's single interface (security group, no public IP) with one per card.
            self.launch_template.node.default_child.add_property_override(
                "LaunchTemplateData.NetworkInterfaces",
                [interface_spec(i, props.node_security_group) for i in props.efa_layout],
            )
        if spec.capacity.capacity_reservation_id is not None:
            # The L2 has no property for this; the L1 field is documented under
            # AWS::EC2::LaunchTemplate CapacityReservationSpecification.
            self.launch_template.node.default_child.add_property_override(
                "LaunchTemplateData.CapacityReservationSpecification",
                {"CapacityReservationTarget": {"CapacityReservationId": spec.capacity.capacity_reservation_id}},
            )
        self.events_topic = _events_topic(self, props.key)
        self.auto_scaling_group = self._group(props)
        if props.placement_group is not None:
            self.auto_scaling_group.node.default_child.placement_group = props.placement_group
        Annotations.of(self.auto_scaling_group).acknowledge_warning(
            DESIRED_CAPACITY_WARNING, "the blueprint's desired node count is meant to be applied on every deploy"
        )

    def _group(self, props: ComputeProps) -> autoscaling.AutoScalingGroup:
        spec = props.spec
        nodes = props.nodes or spec.nodes
        common = dict(
            vpc=props.vpc,
            vpc_subnets=props.node_subnets,
            min_capacity=nodes.min,
            desired_capacity=nodes.desired,
            max_capacity=nodes.max,
            notifications=[autoscaling.NotificationConfiguration(topic=self.events_topic)],
            # No rolling or replacing update, on purpose (module docstring); None leaves CDK's
            # AutoScalingScheduledAction policy only.
            update_policy=None,
        )
        if spec.capacity.purchase == "spot":
            group = autoscaling.AutoScalingGroup(
                self,
                "Nodes",
                mixed_instances_policy=autoscaling.MixedInstancesPolicy(
                    launch_template=self.launch_template,
                    instances_distribution=autoscaling.InstancesDistribution(
                        on_demand_base_capacity=0,
                        on_demand_percentage_above_base_capacity=0,
                        # Fewest interruptions at a low price (EC2 Auto Scaling User Guide,
                        # "Allocation strategies for multiple instance types").
                        spot_allocation_strategy=autoscaling.SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
                    ),
                        launch_template_overrides=[
                        autoscaling.LaunchTemplateOverrides(instance_type=ec2.InstanceType(props.instance_type))
                    ],
                ),
                capacity_rebalance=True,
                **common,
            )
            waive(
                group,
                Waiver(
                    VALIDATION_FAILURE,
                    "cdk-nag 2.x's EBS-encryption check (EC26) cannot read a launch template nested in a "
                    "MixedInstancesPolicy and crashes; the spot nodes' only EBS volume is the root volume, "
                    "which the launch template encrypts (tests/test_training_stack.py asserts it).",
                    ("AwsSolutions-EC26",),
                ),
            )
            return group
        return autoscaling.AutoScalingGroup(self, "Nodes", launch_template=self.launch_template, **common)


def _events_topic(scope: Construct, key: kms.IKey) -> sns.Topic:
    return sns.Topic(scope, "NodeEvents", master_key=key, enforce_ssl=True)


def allow_autoscaling_notifications(key: kms.IKey) -> None:
    """Auto Scaling's role must be able to use the key to publish to the encrypted node-events topic."""
    allow_service_linked_role(
        key,
        sid="AllowAutoScalingNotificationsThroughSns",
        role=AUTOSCALING_ROLE,
        service="sns",
        actions=["kms:Decrypt", "kms:GenerateDataKey*"],
    )


def _user_data(props: ComputeProps) -> ec2.UserData:
    """Boot script: mount FSx (if any), then log in to the registry and pull the training image.

    Every step is idempotent and logged by cloud-init to /var/log/cloud-init-output.log.
    """
    data = ec2.UserData.for_linux()
    data.add_commands("set -euxo pipefail")
    if props.fsx_names is not None:
        dns_name, mount_name = props.fsx_names
        data.add_commands(*mount_commands(dns_name, mount_name, amazon_linux=props.images.is_amazon_linux))
    uri = props.images.container_uri
    if uri is not None:
        registry = uri.split("/", 1)[0]
        if ".dkr.ecr." in registry:
            region = registry.split(".")[3]
            data.add_commands(
                f"aws ecr get-login-password --region {region} | docker login --username AWS --password-stdin {registry}"
            )
        data.add_commands(f"docker pull {shlex.quote(uri)}")
    return data

