"""UltraCluster: EFA-connected accelerator nodes in one zone, FSx for Lustre beside them, Batch or HyperPod on top.

Two stacks (docs/lifecycle.md, "Stack layout"):

* ``UltraClusterDataStack`` (``<stack_name>-data``): network -> security (key,
  node security group) -> logs -> file system -> (Batch) the job containers'
  rules on the VPC's default group -> (HyperPod) the lifecycle-script bucket.
  Termination-protected.
* ``UltraClusterStack`` (``<stack_name>``): node role -> placement ->
  orchestrator (Batch compute environment, queue and job definition, or the
  HyperPod cluster). Always safe to destroy and re-create.

Everything sits in the blueprint's one availability zone and one private
subnet: EFA traffic does not cross zones, a cluster placement group lives in
one zone, and the file system is single-AZ. Construct ids are fixed PascalCase
strings, so logical ids change only when what a resource is changes.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Fn
from aws_cdk import aws_s3 as s3
from constructs import Construct

from mlblueprints.names import node_name
from mlblueprints.resolve import ResolvedUltraCluster
from .blueprint_stack import BlueprintComputeStack, BlueprintDataStack
from .constructs.batch import BatchCluster, BatchClusterProps
from .constructs.hyperpod import CONTROLLER_GROUP, HyperPodCluster, HyperPodClusterProps, lifecycle_bucket
from .constructs.lustre import SharedFileSystem, SharedFileSystemProps
from .constructs.network import Network, NetworkProps
from .constructs.placement import ClusterPlacement
from .constructs.security import NodeRole, NodeRoleProps, Security, SecurityProps
from .constructs.storage import ACCESS_LOGS_BY_POLICY_FLAG, access_logs_bucket
from .constructs.task_network import TaskSecurityGroupRules
from .teardown import teardown_outputs

SERVICE_OF_ORCHESTRATOR = {"batch": "ec2.amazonaws.com", "hyperpod": "sagemaker.amazonaws.com"}


class UltraClusterDataStack(BlueprintDataStack):
    """Exposes ``network``, ``security``, ``logs_bucket`` (or None), ``file_system``, ``task_rules`` (or None)
    and ``lifecycle_bucket`` (or None)."""

    def __init__(self, scope: Construct, construct_id: str, *, resolved: ResolvedUltraCluster, **kwargs) -> None:
        blueprint = resolved.blueprint
        spec = blueprint.spec
        super().__init__(scope, construct_id, blueprint=blueprint, **kwargs)
        batch = spec.orchestrator == "batch"
        self.network = Network(
            self, "Network", props=NetworkProps(network=spec.network, availability_zones=spec.availability_zones)
        )
        self.security = Security(self, "Security", props=SecurityProps(vpc=self.network.vpc, blueprint_name=blueprint.metadata.name))
        self.logs_bucket = self._logs_bucket(needed=self.network.is_new or not batch)
        if self.logs_bucket is not None:
            self.network.log_flows_to(self.logs_bucket)
        repository = spec.storage.data_repository
        bucket = s3.Bucket.from_bucket_name(self, "DataRepositoryBucket", repository.bucket) if repository else None
        self.file_system = SharedFileSystem(
            self,
            "FileSystem",
            props=SharedFileSystemProps(
                plan=resolved.lustre,
                key=self.security.key,
                vpc=self.network.vpc,
                subnet=self.network.first_node_subnet,
                node_security_group=self.security.node_security_group,
                data_repository=repository,
                bucket=bucket,
            ),
        )
        self.task_rules = None
        if batch and self.network.is_new:
            self.task_rules = TaskSecurityGroupRules(self, "JobContainerNetwork", vpc=self.network.vpc)
        self.lifecycle_bucket = None if batch else lifecycle_bucket(self, blueprint.metadata.name, self.logs_bucket)
        self._outputs(resolved)

    def _logs_bucket(self, *, needed: bool) -> s3.Bucket | None:
        """Access logs for VPC flow logs of a new VPC and for the HyperPod lifecycle bucket."""
        if not needed:
            return None
        logs = Construct(self, "Logs")
        logs.node.set_context(ACCESS_LOGS_BY_POLICY_FLAG, True)
        return access_logs_bucket(logs)

    def _outputs(self, resolved: ResolvedUltraCluster) -> None:
        spec = resolved.blueprint.spec
        CfnOutput(self, "FsxFileSystemId", value=self.file_system.file_system_id, description="Mounted at /fsx")
        CfnOutput(self, "FsxDnsName", value=self.file_system.dns_name)
        CfnOutput(self, "FsxMountName", value=self.file_system.mount_name)
        if spec.orchestrator == "batch":
            vpc = self.network.vpc.vpc_id
            CfnOutput(
                self,
                "TaskSecurityGroupCheck",
                description="Batch MNP job containers use the VPC's default security group: it must allow all "
                "traffic from and to itself, and HTTPS out (docs/lifecycle.md, Create). This prints its rules",
                value=Fn.join(
                    "",
                    [
                        f"aws ec2 describe-security-groups --region {spec.region} --filters Name=vpc-id,Values=",
                        vpc,
                        " Name=group-name,Values=default --query "
                        "'SecurityGroups[0].{GroupId:GroupId,Ingress:IpPermissions,Egress:IpPermissionsEgress}'",
                    ],
                ),
            )
        created = self.file_system.file_system
        teardown_outputs(self, file_system_id=created.ref if created is not None else None)


class UltraClusterStack(BlueprintComputeStack):
    """The compute. Exposes ``data``, ``node_role``, ``placement`` (or None) and ``batch`` or ``hyperpod``."""

    def __init__(
        self, scope: Construct, construct_id: str, *, resolved: ResolvedUltraCluster, data: UltraClusterDataStack, **kwargs
    ) -> None:
        blueprint = resolved.blueprint
        spec = blueprint.spec
        metadata = blueprint.metadata
        super().__init__(scope, construct_id, blueprint=blueprint, data=data, **kwargs)
        handoff = self.handoff
        batch = spec.orchestrator == "batch"

        shared = Construct(self, "Data")
        vpc = handoff.vpc(shared, vpc=data.network.vpc, subnets=[data.network.first_node_subnet])
        subnet = vpc.private_subnets[0]
        group = handoff.security_group(shared, "NodeSecurityGroup", "node-security-group-id", data.security.node_security_group)
        file_system = data.file_system
        if file_system.file_system is not None:  # a new file system: its names are known at deploy time
            fsx_dns_name = handoff.share("fsx-dns-name", file_system.dns_name)
            fsx_mount_name = handoff.share("fsx-mount-name", file_system.mount_name)
        else:
            fsx_dns_name, fsx_mount_name = file_system.dns_name, file_system.mount_name
        repository = spec.storage.data_repository
        bucket = s3.Bucket.from_bucket_name(self, "DataRepositoryBucket", repository.bucket) if repository else None

        self.node_role = NodeRole(
            self,
            "Security",
            props=NodeRoleProps(
                blueprint_name=metadata.name,
                # HyperPod nodes are reached through SSM by their cluster target, set up by HyperPod.
                session_manager=batch,
                container=resolved.container if batch else None,
                # The data repository is a bucket the blueprint does not own, not encrypted with our key.
                key=None,
                node_service=SERVICE_OF_ORCHESTRATOR[spec.orchestrator],
            ),
        )
        self.placement = ClusterPlacement(self, "Placement") if batch and spec.placement_group else None
        self.batch = self.hyperpod = None
        if batch:
            self.batch = BatchCluster(
                self,
                "Batch",
                props=BatchClusterProps(
                    resolved=resolved,
                    subnet=subnet,
                    node_role=self.node_role.node_role,
                    node_security_group=group,
                    fsx_dns_name=fsx_dns_name,
                    fsx_mount_name=fsx_mount_name,
                    placement_group_name=self.placement.group_name if self.placement else None,
                    data_repository=repository,
                    bucket=bucket,
                    node_name=node_name(metadata.name),
                ),
            )
        else:
            if repository is not None:
                self.node_role.allow_data_access(
                    bucket=bucket, prefix=repository.prefix, may_delete=repository.export_deletions
                )
            self.hyperpod = HyperPodCluster(
                self,
                "HyperPod",
                props=HyperPodClusterProps(
                    resolved=resolved,
                    vpc_id=handoff.share("vpc-id", data.network.vpc.vpc_id),
                    subnet=subnet,
                    execution_role=self.node_role.node_role,
                    node_security_group=group,
                    fsx_dns_name=fsx_dns_name,
                    fsx_mount_name=fsx_mount_name,
                    lifecycle_bucket=handoff.bucket(shared, "LifecycleBucket", "lifecycle-bucket-name", data.lifecycle_bucket),
                ),
            )
        self._outputs(resolved)

    def _outputs(self, resolved: ResolvedUltraCluster) -> None:
        """Output ids are fixed names at stack level, so scripts can rely on them."""
        spec = resolved.blueprint.spec
        CfnOutput(self, "NodeType", value=resolved.node_type)
        CfnOutput(self, "Nodes", value=str(spec.nodes))
        CfnOutput(self, "AvailabilityZone", value=spec.availability_zone)
        if self.placement is not None:
            CfnOutput(self, "PlacementGroupName", value=self.placement.group_name)
        if self.batch is not None:
            queue = self.batch.job_queue.attr_job_queue_arn
            definition = self.batch.job_definition.ref
            CfnOutput(self, "JobQueueArn", value=queue)
            CfnOutput(self, "JobDefinitionArn", value=definition)
            CfnOutput(self, "ComputeEnvironmentArn", value=self.batch.compute_environment.attr_compute_environment_arn)
            if resolved.container is not None:
                CfnOutput(self, "ContainerImageUri", value=resolved.container.uri)
            CfnOutput(
                self,
                "SubmitHint",
                description="Run /fsx/train.py on every node (override TRAIN_SCRIPT per job)",
                value=f"aws batch submit-job --region {spec.region} --job-name {resolved.blueprint.metadata.name}"
                f" --job-queue {queue} --job-definition {definition}",
            )
        if self.hyperpod is not None:
            cluster = self.hyperpod.cluster
            CfnOutput(self, "ClusterArn", value=cluster.attr_cluster_arn)
            CfnOutput(self, "LifecycleScriptsUri", value=self.hyperpod.lifecycle_uri)
            CfnOutput(
                self,
                "SessionHint",
                description="Open a shell on the Slurm controller (needs the Session Manager plugin)",
                value=f"aws sagemaker list-cluster-nodes --region {spec.region} --cluster-name {cluster.ref}"
                f" --instance-group-name-contains {CONTROLLER_GROUP}; then aws ssm start-session --target "
                f"sagemaker-cluster:<cluster-id>_{CONTROLLER_GROUP}-<instance-id>",
            )
