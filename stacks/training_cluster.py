"""TrainingCluster: a pool of accelerator nodes with its data, from one resolved blueprint.

The stack is assembled in a fixed order, one construct per concern:
network -> security -> storage -> images -> compute. Construct ids are fixed
PascalCase strings, never derived from positions or blueprint contents, so a
CloudFormation logical id changes only when what the resource is changes.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Fn
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from mlblueprints.resolve import Resolved
from .blueprint_stack import BlueprintStack
from .constructs.compute import Compute, ComputeProps
from .constructs.images import Images, ImagesProps
from .constructs.network import Network, NetworkProps
from .constructs.placement import ClusterPlacement
from .constructs.security import Security, SecurityProps
from .constructs.storage import Storage, StorageProps


class TrainingClusterStack(BlueprintStack):
    """Exposes ``network``, ``security``, ``storage``, ``images``, ``placement`` (None without EFA) and ``compute``."""

    def __init__(self, scope: Construct, construct_id: str, *, resolved: Resolved, **kwargs) -> None:
        blueprint = resolved.blueprint
        spec = blueprint.spec
        metadata = blueprint.metadata
        super().__init__(scope, construct_id, blueprint=blueprint, **kwargs)

        self.network = Network(
            self, "Network", props=NetworkProps(network=spec.network, availability_zones=spec.availability_zones)
        )
        self.security = Security(
            self,
            "Security",
            props=SecurityProps(
                vpc=self.network.vpc,
                blueprint_name=metadata.name,
                session_manager=spec.session_manager,
                container=resolved.container,
            ),
        )
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
        self.security.allow_data_access(bucket=self.storage.bucket, prefix=self.storage.prefix)
        if self.storage.logs_bucket is not None:
            self.network.log_flows_to(self.storage.logs_bucket)
        self.images = Images(
            self,
            "Images",
            props=ImagesProps(
                machine_image=resolved.machine_image,
                container=resolved.container,
                region=spec.region,
            ),
        )
        # EFA nodes share one zone (the file system's subnet) and, unless a capacity reservation
        # already fixes where they run, a cluster placement group.
        self.placement = ClusterPlacement(self, "Placement") if resolved.cluster_placement else None
        node_subnets = (
            ec2.SubnetSelection(subnets=[self.network.first_node_subnet]) if resolved.efa_layout else self.network.node_subnets
        )
        self.compute = Compute(
            self,
            "Compute",
            props=ComputeProps(
                spec=spec,
                node_name=f"{metadata.stack_name}-node",
                instance_type=resolved.instance.name,
                images=self.images,
                vpc=self.network.vpc,
                node_subnets=node_subnets,
                node_role=self.security.node_role,
                node_security_group=self.security.node_security_group,
                key=self.security.key,
                file_system=self.storage.file_system,
                efa_layout=resolved.efa_layout,
                placement_group=self.placement.group_name if self.placement is not None else None,
            ),
        )
        self._outputs(resolved)

    def _outputs(self, resolved: Resolved) -> None:
        """Output ids are fixed names at stack level, so scripts can rely on them."""
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
        if self.images.container_uri is not None:
            CfnOutput(self, "ContainerImageUri", value=self.images.container_uri)
        if resolved.blueprint.spec.session_manager:
            region = resolved.blueprint.spec.region
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
