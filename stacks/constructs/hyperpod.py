"""SageMaker HyperPod runs the multi-node jobs: a Slurm cluster of a controller and the EFA workers.

* **Cluster.** ``AWS::SageMaker::Cluster`` with the Slurm orchestrator; instance
  groups ``controller`` (Slurm controller) and ``workers`` (compute nodes in one
  partition), both in the cluster's private subnet and EFA security group
  (VpcConfig). HyperPod launches the ``ml.*`` types, attaches their EFA
  interfaces (``efa-only`` where the type supports it) and places them itself;
  deep health checks run on the workers before they join, and faulty nodes are
  replaced automatically.
* **Storage.** Every group mounts the FSx for Lustre file system at /fsx
  (instance group FsxLustreConfig).
* **Lifecycle scripts.** A bucket named ``sagemaker-<name>-<id>`` (the prefix
  AmazonSageMakerClusterInstanceRolePolicy grants; SageMaker API,
  ClusterLifeCycleConfig) lives in the data stack and holds ``on_init_complete.sh`` from
  stacks/assets/hyperpod and a ``cluster.json`` with deploy-time settings, copied
  there by a BucketDeployment (its code is packaged at synth, offline). HyperPod
  runs the script after its own initialisation (``OnInitComplete``): with
  ``OnCreate`` a script must set up Slurm itself.
  The bucket is retained, so its name must never come back: ``<id>`` is the
  first group of the data stack's own id (``AWS::StackId``), new on every
  create, as AWS's HyperPod sample names its bucket
  (aws-samples/awsome-distributed-training, 5.sagemaker-hyperpod).
* **Role.** The execution role is the nodes' role: the managed HyperPod instance
  policy, the VPC permissions HyperPod documents for attaching its interfaces,
  read on the lifecycle bucket, and the data repository prefix when there is
  one. Every process on every node holds this role, so the interface actions
  that EC2 can scope are scoped (Service Authorization Reference, Amazon EC2):
  creating an interface only in the cluster's subnet with the cluster's
  security group, creating its permissions and deleting interfaces only in the
  cluster's VPC (condition ``ec2:Vpc``), tagging only network interfaces. The
  describe actions and ``DeleteNetworkInterfacePermission``/
  ``DetachNetworkInterface`` stay on ``*`` as documented.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Fn, RemovalPolicy, Stack, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_s3_deployment as s3_deployment
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from mlblueprints.efa import EFA_ONLY, EFA_WITH_ENA
from mlblueprints.names import hyperpod_cluster_name
from mlblueprints.resolve import ResolvedUltraCluster
from .batch import efa_environment
from .lustre_parts import FSX_MOUNT_POINT
from ..nag import Waiver, objects_finding, waive

LIFECYCLE_ASSETS = Path(__file__).resolve().parents[1] / "assets" / "hyperpod"
LIFECYCLE_SCRIPT = "on_init_complete.sh"
LIFECYCLE_PREFIX = "lifecycle"
HYPERPOD_INSTANCE_POLICY = "AmazonSageMakerClusterInstanceRolePolicy"
#: What the execution role needs to attach HyperPod's interfaces in our VPC (SageMaker Developer
#: Guide, "IAM role for SageMaker HyperPod", additional permissions for Amazon VPC; the same list,
#: with ec2:CreateTags, in aws-samples/awsome-distributed-training 5.sagemaker-hyperpod). Split by
#: what EC2 lets a policy scope (Service Authorization Reference, Amazon EC2).
UNSCOPED_VPC_ACTIONS = [
    "ec2:DeleteNetworkInterfacePermission",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeVpcs",
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
    "ec2:DetachNetworkInterface",
]
#: Take a network-interface resource whose ec2:Vpc condition key names its VPC.
IN_VPC_ACTIONS = ["ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface"]
DEEP_HEALTH_CHECKS = ["InstanceStress", "InstanceConnectivity"]
#: Names HyperPod shows in `sinfo` and the SSM target (sagemaker-cluster:<id>_<group>-<instance>).
CONTROLLER_GROUP = "controller"
WORKER_GROUP = "workers"


@dataclass(frozen=True)
class HyperPodClusterProps:
    resolved: ResolvedUltraCluster
    subnet: ec2.ISubnet
    #: The cluster's VPC: network-interface actions are limited to it.
    vpc_id: str
    execution_role: iam.Role
    node_security_group: ec2.ISecurityGroup
    fsx_dns_name: str
    fsx_mount_name: str
    #: In the data stack (lifecycle_bucket), seen from the compute stack.
    lifecycle_bucket: s3.IBucket


class HyperPodCluster(Construct):
    """Exposes ``cluster``, ``lifecycle_bucket`` and ``lifecycle_uri``."""

    def __init__(self, scope: Construct, construct_id: str, *, props: HyperPodClusterProps) -> None:
        super().__init__(scope, construct_id)
        resolved = props.resolved
        blueprint = resolved.blueprint
        spec = blueprint.spec
        stack = Stack.of(self)

        self.lifecycle_bucket = props.lifecycle_bucket
        self.lifecycle_uri = f"s3://{self.lifecycle_bucket.bucket_name}/{LIFECYCLE_PREFIX}/"
        scripts = s3_assets.Asset(self, "LifecycleScriptsAsset", path=str(LIFECYCLE_ASSETS))
        deployment = s3_deployment.BucketDeployment(
            self,
            "LifecycleScripts",
            destination_bucket=self.lifecycle_bucket,
            destination_key_prefix=f"{LIFECYCLE_PREFIX}/",
            # The copy handler's own logs go with the compute stack; left to CDK they would be a retained
            # log group in a stack that must hold no data (docs/lifecycle.md, "Stack layout").
            log_group=logs.LogGroup(
                self, "LifecycleScriptsLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
            ),
            sources=[
                s3_deployment.Source.bucket(scripts.bucket, scripts.s3_object_key),
                s3_deployment.Source.json_data(
                    "cluster.json",
                    {
                        "mount_point": FSX_MOUNT_POINT,
                        "fsx_dns_name": props.fsx_dns_name,
                        "fsx_mount_name": props.fsx_mount_name,
                        "environment": _shell_environment(resolved),
                    },
                ),
            ],
        )
        _waive_bucket_deployment(stack, self.lifecycle_bucket, scripts)

        role = props.execution_role
        role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name(HYPERPOD_INSTANCE_POLICY))
        self.lifecycle_bucket.grant_read(role, f"{LIFECYCLE_PREFIX}/*")
        vpc_access = iam.Policy(self, "VpcAccess", statements=_vpc_statements(stack, props))
        vpc_access.attach_to_role(role)
        waive(
            role,
            Waiver(
                "AwsSolutions-IAM4",
                "SageMaker HyperPod requires this AWS-managed policy on the cluster's execution role "
                "(SageMaker Developer Guide, 'IAM role for SageMaker HyperPod').",
                (f"Policy::arn:<AWS::Partition>:iam::aws:policy/{HYPERPOD_INSTANCE_POLICY}",),
            ),
            Waiver(
                "AwsSolutions-IAM5",
                "HyperPod reads the lifecycle scripts under the bucket's lifecycle/ prefix; the script names are "
                "chosen by the deployment, so the grant covers that one prefix of the stack's own bucket.",
                (
                    "Action::s3:GetBucket*",
                    "Action::s3:GetObject*",
                    "Action::s3:List*",
                    objects_finding(self.lifecycle_bucket, f"{LIFECYCLE_PREFIX}/*"),
                ),
            ),
        )
        waive(
            vpc_access,
            Waiver(
                "AwsSolutions-IAM5",
                "HyperPod's documented VPC actions: creating, deleting and tagging interfaces is limited to the "
                "cluster's subnet, security group and VPC; the describe actions, DeleteNetworkInterfacePermission and "
                "DetachNetworkInterface take no resource scope EC2 can check for this role, so they stay on *.",
                ("Resource::*", f"Resource::arn:{_partition(stack)}:ec2:{stack.region}:{_account(stack)}:network-interface/*"),
            ),
        )

        storage = [
            sagemaker.CfnCluster.ClusterInstanceStorageConfigProperty(
                ebs_volume_config=sagemaker.CfnCluster.ClusterEbsVolumeConfigProperty(
                    volume_size_in_gb=spec.storage.root_volume_gib
                )
            ),
            sagemaker.CfnCluster.ClusterInstanceStorageConfigProperty(
                fsx_lustre_config=sagemaker.CfnCluster.ClusterFsxLustreConfigProperty(
                    dns_name=props.fsx_dns_name, mount_name=props.fsx_mount_name, mount_path=FSX_MOUNT_POINT
                )
            ),
        ]
        lifecycle = sagemaker.CfnCluster.ClusterLifeCycleConfigProperty(
            source_s3_uri=self.lifecycle_uri, on_init_complete=LIFECYCLE_SCRIPT
        )
        instance = resolved.instance
        self.cluster = sagemaker.CfnCluster(
            self,
            "Cluster",
            cluster_name=hyperpod_cluster_name(blueprint.metadata.name),
            orchestrator=sagemaker.CfnCluster.OrchestratorProperty(
                slurm=sagemaker.CfnCluster.ClusterOrchestratorSlurmConfigProperty(slurm_config_strategy="Managed")
            ),
            vpc_config=sagemaker.CfnCluster.VpcConfigProperty(
                security_group_ids=[props.node_security_group.security_group_id], subnets=[props.subnet.subnet_id]
            ),
            node_recovery="Automatic",
            instance_groups=[
                sagemaker.CfnCluster.ClusterInstanceGroupProperty(
                    instance_group_name=CONTROLLER_GROUP,
                    instance_type=spec.hyperpod.controller_type,
                    instance_count=1,
                    execution_role=role.role_arn,
                    life_cycle_config=lifecycle,
                    instance_storage_configs=storage,
                    slurm_config=sagemaker.CfnCluster.ClusterSlurmConfigProperty(node_type="Controller"),
                ),
                sagemaker.CfnCluster.ClusterInstanceGroupProperty(
                    instance_group_name=WORKER_GROUP,
                    instance_type=resolved.node_type,
                    instance_count=spec.nodes,
                    execution_role=role.role_arn,
                    life_cycle_config=lifecycle,
                    instance_storage_configs=storage,
                    slurm_config=sagemaker.CfnCluster.ClusterSlurmConfigProperty(
                        node_type="Compute", partition_names=[spec.hyperpod.partition]
                    ),
                    network_interface=sagemaker.CfnCluster.ClusterNetworkInterfaceProperty(
                        interface_type=EFA_ONLY if instance.efa_only_supported else EFA_WITH_ENA
                    ),
                    on_start_deep_health_checks=DEEP_HEALTH_CHECKS,
                ),
            ],
        )
        # The scripts must be in the bucket before HyperPod runs them on the first node.
        self.cluster.node.add_dependency(deployment)
        self.cluster.node.add_dependency(vpc_access)


def _partition(stack: Stack) -> str:
    """How cdk-nag prints the partition: resolved once the region is known."""
    return "<AWS::Partition>" if Token.is_unresolved(stack.partition) else stack.partition


def _account(stack: Stack) -> str:
    return "<AWS::AccountId>" if Token.is_unresolved(stack.account) else stack.account


def _vpc_statements(stack: Stack, props: HyperPodClusterProps) -> list[iam.PolicyStatement]:
    def arn(resource: str) -> str:
        return stack.format_arn(service="ec2", resource=resource.split("/", 1)[0], resource_name=resource.split("/", 1)[1])

    interfaces = arn("network-interface/*")
    return [
        iam.PolicyStatement(
            sid="InterfacesInClusterVpc",
            actions=IN_VPC_ACTIONS,
            resources=[interfaces],
            conditions={"ArnEquals": {"ec2:Vpc": arn(f"vpc/{props.vpc_id}")}},
        ),
        iam.PolicyStatement(
            sid="InterfacesInClusterSubnetAndGroup",
            actions=["ec2:CreateNetworkInterface"],
            resources=[
                arn(f"subnet/{props.subnet.subnet_id}"),
                arn(f"security-group/{props.node_security_group.security_group_id}"),
            ],
        ),
        iam.PolicyStatement(sid="TagInterfaces", actions=["ec2:CreateTags"], resources=[interfaces]),
        iam.PolicyStatement(sid="DescribeAndDetach", actions=UNSCOPED_VPC_ACTIONS, resources=["*"]),
    ]


def lifecycle_bucket(scope: Construct, blueprint_name: str, logs_bucket: s3.IBucket) -> s3.Bucket:
    """The lifecycle-script bucket, in the data stack: retained, named anew on every create of that stack."""
    stack = Stack.of(scope)
    stack_uuid = Fn.select(2, Fn.split("/", stack.stack_id))
    return s3.Bucket(
        scope,
        "LifecycleBucket",
        bucket_name=Fn.join("-", ["sagemaker", blueprint_name, Fn.select(0, Fn.split("-", stack_uuid))]),
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        versioned=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        server_access_logs_bucket=logs_bucket,
        server_access_logs_prefix="lifecycle-bucket/",
        removal_policy=RemovalPolicy.RETAIN,
    )


def _shell_environment(resolved: ResolvedUltraCluster) -> dict[str, str]:
    """The Batch jobs' EFA/NCCL variables, for Slurm jobs (sbatch/srun pick a node's count themselves)."""
    environment = efa_environment(resolved)
    environment.pop("TRAIN_SCRIPT")
    return environment


def _waive_bucket_deployment(stack: Stack, bucket: s3.IBucket, asset: s3_assets.Asset) -> None:
    """The BucketDeployment's handler is a stack-level singleton; waive its findings where it lives."""
    partition = _partition(stack)
    # The bootstrap bucket's name is an Fn::Sub of the account; cdk-nag prints it with <AWS::AccountId>.
    name = stack.resolve(asset.s3_bucket_name)
    asset_bucket = (name["Fn::Sub"] if isinstance(name, dict) else name).replace("${AWS::AccountId}", "<AWS::AccountId>")
    copied = (f"Resource::arn:{partition}:s3:::{asset_bucket}/*", objects_finding(bucket, "*"))
    for child in stack.node.children:
        if child.node.id.startswith("Custom::CDKBucketDeployment"):
            waive(
                child,
                Waiver(
                    "AwsSolutions-IAM4",
                    "The CDK BucketDeployment handler logs through the AWS-managed Lambda basic execution "
                    "policy; it runs only during deploys to copy the lifecycle scripts.",
                    ("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",),
                ),
                Waiver(
                    "AwsSolutions-IAM5",
                    "The CDK BucketDeployment handler copies the packaged lifecycle scripts from the CDK asset "
                    "bucket into the lifecycle bucket; CDK grants it object actions on those two buckets only.",
                    ("Action::s3:GetBucket*", "Action::s3:GetObject*", "Action::s3:List*", "Action::s3:Abort*",
                     "Action::s3:DeleteObject*", *copied),
                ),
                Waiver(
                    "AwsSolutions-L1",
                    "The BucketDeployment handler's runtime is chosen by the pinned aws-cdk-lib, not by this "
                    "stack; upgrading aws-cdk-lib moves it to a newer runtime.",
                ),
            )
