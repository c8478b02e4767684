"""TrainingCluster: a pool of accelerator nodes with its data, from one resolved blueprint, in two stacks.

* ``TrainingClusterDataStack`` (``<stack_name>-data``): network -> security
  (key, node security group) -> storage (buckets, FSx). Long-lived state,
  termination-protected; the file system and what it needs live and die together.
* ``TrainingClusterStack`` (``<stack_name>``): node role -> images -> placement
  (EFA clusters) -> compute (launch template, Auto Scaling group, node-events
  topic). Always safe to destroy and re-create.

The compute stack reads the data stack's values through SSM parameters
(stacks/handoff.py). Construct ids are fixed PascalCase strings, never derived
from positions or blueprint contents, so a CloudFormation logical id changes
only when what the resource is changes.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Fn
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from mlblueprints.advisor import advice_metadata
from mlblueprints.names import node_name
from mlblueprints.resolve import Resolved
from .blueprint_stack import BlueprintComputeStack, BlueprintDataStack
from .constructs.compute import Compute, ComputeProps, allow_autoscaling_notifications
from .constructs.images import Images, ImagesProps
from .constructs.network import Network, NetworkProps
from .constructs.placement import ClusterPlacement
from .constructs.security import NodeRole, NodeRoleProps, Security, SecurityProps
from .constructs.storage import Storage, StorageProps
from .teardown import teardown_outputs


class TrainingClusterDataStack(BlueprintDataStack):
    """Exposes ``network``, ``security`` and ``storage``."""

    def __init__(self, scope: Construct, construct_id: str, *, resolved: Resolved, **kwargs) -> None:
        blueprint = resolved.blueprint
        spec = blueprint.spec
        super().__init__(scope, construct_id, blueprint=blueprint, **kwargs)
        self.network = Network(
            self, "Network", props=NetworkProps(network=spec.network, availability_zones=spec.availability_zones)
        )
        self.security = Security(self, "Security", props=SecurityProps(vpc=self.network.vpc, blueprint_name=blueprint.metadata.name))
        allow_autoscaling_notifications(self.security.key)
        self.storage = Storage(
            self,
            "Storage",
            props=StorageProps(
                storage=spec.storage,
                key=self.security.key,
                vpc=self.network.vpc,
                subnet=self.network.first_node_subnet,
                node_security_group=self.security.node_security_group,
                needs_log_bucket=self.network.is_new,
            ),
        )
        if self.storage.logs_bucket is not None:
            self.network.log_flows_to(self.storage.logs_bucket)
        self._outputs()

    def _outputs(self) -> None:
        bucket = self.storage.bucket.bucket_name
        CfnOutput(self, "DataBucketName", value=bucket, description="Training data and checkpoints")
        CfnOutput(
            self,
            "DataPrefix",
            value=f"s3://{bucket}/{self.storage.prefix}/",
            description="The only prefix the nodes can read and write",
        )
        file_system = self.storage.file_system
        if file_system is not None:
            CfnOutput(self, "FsxFileSystemId", value=file_system.ref)
            CfnOutput(self, "FsxDnsName", value=file_system.attr_dns_name)
            CfnOutput(self, "FsxMountName", value=file_system.attr_lustre_mount_name, description="Mounted at /fsx")
        teardown_outputs(self, file_system_id=file_system.ref if file_system is not None else None)


class TrainingClusterStack(BlueprintComputeStack):
    """The compute. Exposes ``data`` (the data stack), ``node_role``, ``images``, ``placement`` (None
    without EFA) and ``compute``."""

    def __init__(
        self, scope: Construct, construct_id: str, *, resolved: Resolved, data: TrainingClusterDataStack, **kwargs
    ) -> None:
        blueprint = resolved.blueprint
        spec = blueprint.spec
        metadata = blueprint.metadata
        super().__init__(scope, construct_id, blueprint=blueprint, data=data, **kwargs)
        handoff = self.handoff

        shared = Construct(self, "Data")
        vpc = handoff.vpc(shared, vpc=data.network.vpc, subnets=data.network.node_subnets.subnets)
        group = handoff.security_group(shared, "NodeSecurityGroup", "node-security-group-id", data.security.node_security_group)
        key = handoff.key(shared, data.security.key)
        bucket = handoff.bucket(shared, "DataBucket", "data-bucket-name", data.storage.bucket)
        file_system = data.storage.file_system
        fsx_names = None
        if file_system is not None:
            fsx_names = (
                handoff.share("fsx-dns-name", file_system.attr_dns_name),
                handoff.share("fsx-mount-name", file_system.attr_lustre_mount_name),
            )

        self.node_role = NodeRole(
            self,
            "Security",
            props=NodeRoleProps(
                blueprint_name=metadata.name,
                session_manager=spec.session_manager,
                container=resolved.container,
                # The key encrypts the bucket only when the blueprint creates it.
                key=key if spec.storage.data_bucket.existing is None else None,
            ),
        )
        self.node_role.allow_data_access(
            bucket=bucket, prefix=data.storage.prefix, may_delete=spec.storage.may_delete_objects
        )
        self.images = Images(
            self,
            "Images",
            props=ImagesProps(machine_image=resolved.machine_image, container=resolved.container, region=spec.region),
        )
        # EFA nodes share one zone, the first node subnet (where FSx lives), and, unless a capacity
        # reservation already fixes where they run, a cluster placement group.
        self.placement = ClusterPlacement(self, "Placement") if resolved.cluster_placement else None
        # Every subnet the data stack shared is a node subnet already, in the data stack's order.
        subnets = vpc.private_subnets[:1] if resolved.efa_layout else vpc.private_subnets
        self.compute = Compute(
            self,
            "Compute",
            props=ComputeProps(
                spec=spec,
                node_name=node_name(metadata.name),
                instance_type=resolved.instance.name,
                images=self.images,
                vpc=vpc,
                node_subnets=ec2.SubnetSelection(subnets=subnets),
                node_role=self.node_role.node_role,
                node_security_group=group,
                key=key,
                fsx_names=fsx_names,
                nodes=resolved.nodes,
                efa_layout=resolved.efa_layout,
                placement_group=self.placement.group_name if self.placement is not None else None,
            ),
        )
        if resolved.advice is not None:
            # The advisor's choice and why, in the template for reviewers (mlbp show prints the same).
            self.template_options.metadata = {"mlblueprints:advisor": advice_metadata(resolved.advice)}
        self._outputs(resolved)

    def _outputs(self, resolved: Resolved) -> None:
        """Output ids are fixed names at stack level, so scripts can rely on them."""
        spec = resolved.blueprint.spec
        region = spec.region
        group = self.compute.auto_scaling_group.auto_scaling_group_name
        CfnOutput(
            self,
            "NodeEventsTopicArn",
            value=self.compute.events_topic.topic_arn,
            description="Subscribe to hear about node launches, launch errors (e.g. no capacity) and terminations",
        )
        CfnOutput(self, "AutoScalingGroupName", value=group)
        CfnOutput(self, "LaunchTemplateId", value=self.compute.launch_template.launch_template_id or "")
        CfnOutput(self, "InstanceType", value=resolved.instance.name)
        CfnOutput(
            self,
            "InstanceRefreshCommand",
            description="Deploys never replace running nodes; run this when no job is running to move them onto "
            "the latest launch template (new DLAMI, user data or instance type)",
            value=Fn.join(
                "",
                [
                    f"aws autoscaling start-instance-refresh --region {region} --auto-scaling-group-name ",
                    group,
                    " --preferences '{\"SkipMatching\":true,\"MinHealthyPercentage\":0}'",
                ],
            ),
        )
        if self.images.container_uri is not None:
            CfnOutput(self, "ContainerImageUri", value=self.images.container_uri)
        if spec.session_manager:
            CfnOutput(
                self,
                "SessionHint",
                description="Open a shell on the first running node (needs the Session Manager plugin)",
                value=Fn.join(
                    "",
                    [
                        f"aws ssm start-session --region {region} --target $(aws ec2 describe-instances"
                        f" --region {region} --filters Name=tag:aws:autoscaling:groupName,Values=",
                        group,
                        " Name=instance-state-name,Values=running"
                        " --query 'Reservations[0].Instances[0].InstanceId' --output text)",
                    ],
                ),
            )

