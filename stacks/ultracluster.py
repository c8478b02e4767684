"""UltraCluster: EFA-connected accelerator nodes in one zone, FSx for Lustre beside them, Batch or HyperPod on top.

Assembled in a fixed order, one construct per concern:
network -> security -> logs -> file system -> placement -> orchestrator.
Everything sits in the blueprint's one availability zone and one private
subnet: EFA traffic does not cross zones, a cluster placement group lives in
one zone, and the file system is single-AZ. Construct ids are fixed PascalCase
strings, so logical ids change only when what a resource is changes.
"""

from __future__ import annotations

from aws_cdk import CfnOutput
from aws_cdk import aws_s3 as s3
from constructs import Construct

from mlblueprints.names import node_name
from mlblueprints.resolve import ResolvedUltraCluster
from .blueprint_stack import BlueprintStack
from .constructs.batch import BatchCluster, BatchClusterProps
from .constructs.hyperpod import CONTROLLER_GROUP, HyperPodCluster, HyperPodClusterProps
from .constructs.lustre import SharedFileSystem, SharedFileSystemProps
from .constructs.network import Network, NetworkProps
from .constructs.placement import ClusterPlacement
from .constructs.security import Security, SecurityProps
from .constructs.storage import ACCESS_LOGS_BY_POLICY_FLAG, access_logs_bucket

SERVICE_OF_ORCHESTRATOR = {"batch": "ec2.amazonaws.com", "hyperpod": "sagemaker.amazonaws.com"}


class UltraClusterStack(BlueprintStack):
    """Exposes ``network``, ``security``, ``file_system``, ``placement`` (or None) and ``batch`` or ``hyperpod``."""

    def __init__(self, scope: Construct, construct_id: str, *, resolved: ResolvedUltraCluster, **kwargs) -> None:
        blueprint = resolved.blueprint
        spec = blueprint.spec
        metadata = blueprint.metadata
        super().__init__(scope, construct_id, blueprint=blueprint, **kwargs)

        self.network = Network(
            self, "Network", props=NetworkProps(network=spec.network, availability_zones=spec.availability_zones)
        )
        subnet = self.network.first_node_subnet
        batch = spec.orchestrator == "batch"
        self.security = Security(
            self,
            "Security",
            props=SecurityProps(
                vpc=self.network.vpc,
                blueprint_name=metadata.name,
                # HyperPod nodes are reached through SSM by their cluster target, set up by HyperPod.
                session_manager=batch,
                container=resolved.container if batch else None,
                node_service=SERVICE_OF_ORCHESTRATOR[spec.orchestrator],
            ),
        )
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
                subnet=subnet,
                node_security_group=self.security.node_security_group,
                data_repository=repository,
                bucket=bucket,
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
                    node_role=self.security.node_role,
                    node_security_group=self.security.node_security_group,
                    fsx_dns_name=self.file_system.dns_name,
                    fsx_mount_name=self.file_system.mount_name,
                    placement_group_name=self.placement.group_name if self.placement else None,
                    data_repository=repository,
                    bucket=bucket,
                    node_name=node_name(metadata.name),
                ),
            )
        else:
            if repository is not None:
                self.security.allow_data_access(bucket=bucket, prefix=repository.prefix)
            self.hyperpod = HyperPodCluster(
                self,
                "HyperPod",
                props=HyperPodClusterProps(
                    resolved=resolved,
                    subnet=subnet,
                    execution_role=self.security.node_role,
                    node_security_group=self.security.node_security_group,
                    fsx_dns_name=self.file_system.dns_name,
                    fsx_mount_name=self.file_system.mount_name,
                    logs_bucket=self.logs_bucket,
                ),
            )
        self._outputs(resolved)

    def _logs_bucket(self, *, needed: bool) -> s3.Bucket | None:
        """Access logs for VPC flow logs of a new VPC and for the HyperPod lifecycle bucket."""
        if not needed:
            return None
        logs = Construct(self, "Logs")
        logs.node.set_context(ACCESS_LOGS_BY_POLICY_FLAG, True)
        return access_logs_bucket(logs)

    def _outputs(self, resolved: ResolvedUltraCluster) -> None:
        """Output ids are fixed names at stack level, so scripts can rely on them."""
        spec = resolved.blueprint.spec
        CfnOutput(self, "NodeType", value=resolved.node_type)
        CfnOutput(self, "Nodes", value=str(spec.nodes))
        CfnOutput(self, "AvailabilityZone", value=spec.availability_zone)
        CfnOutput(self, "FsxFileSystemId", value=self.file_system.file_system_id, description="Mounted at /fsx")
        CfnOutput(self, "FsxDnsName", value=self.file_system.dns_name)
        CfnOutput(self, "FsxMountName", value=self.file_system.mount_name)
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
