"""AWS Batch runs the multi-node jobs: a managed EC2 compute environment, a job queue, an MNP job definition.

Batch gang-schedules a multi-node parallel (MNP) job: it starts the main node,
then the children, hands every node ``AWS_BATCH_JOB_NODE_INDEX``,
``AWS_BATCH_JOB_NUM_NODES`` and (on the children) the main node's address,
and ends the job when the main node exits (Batch User Guide, "Multi-node
parallel jobs"). We only describe the cluster to it:

* **Compute environment.** Managed EC2, zero nodes when idle, at most
  ``nodes`` of the one instance type, in the cluster's one subnet and placement
  group, booting the ECS-optimized Amazon Linux 2023 AMI for the accelerator
  (MNP jobs run only on Amazon Linux with ecs-init: Batch User Guide, "Compute
  resource AMI specification") through the EFA launch template. Never Spot:
  MNP jobs do not run on compute environments that use Spot Instances (Batch
  User Guide, "Compute environment considerations for MNP"), so BP215 rejects
  a Batch blueprint that asks for it. No ``SecurityGroupIds``: the node
  security group sits on every interface of the launch template, and Batch
  refuses both at once ("Either compute environment Security Groups or Network
  Interfaces in Launch template are exclusively allowed"). The job containers'
  own interfaces (``awsvpc``) then get the VPC's default security group, which
  the data stack opens to itself (task_network.py).
* **Boot.** The launch template's user data (MIME multi-part, which Batch
  requires to merge its own part) installs the EFA kernel module and rdma-core
  (``efa_installer.sh --minimal``: the container brings libfabric and NCCL; EC2
  User Guide, "Install the EFA software") and mounts FSx at /fsx. On the
  ECS-optimized AMI the ECS agent is meant to start after user data (Batch's
  own part writes ECS_CLUSTER there), so no job should land before both are
  ready; README, "Not checked offline".
* **Job definition.** Every node runs the training container with every EFA
  device (``/dev/infiniband/uverbs<n>``, one per EFA interface; Batch User
  Guide, "Elastic Fabric Adapter"), all its accelerators, /fsx as a host
  volume, unlimited locked memory (EFA registers memory), and the libfabric and
  NCCL environment AWS documents for EFA.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_batch as batch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from mlblueprints.efa import efa_interfaces
from mlblueprints.model.ultracluster import DataRepository
from mlblueprints.resolve import ResolvedUltraCluster
from .efa import EfaLaunchTemplate, EfaLaunchTemplateProps
from .lustre_parts import FSX_MOUNT_POINT, mount_commands
from .security import DELETE_ACTIONS, OBJECT_ACTIONS
from ..nag import Waiver, objects_finding, waive

#: The Batch instance role's documented managed policy (Batch User Guide, "Amazon ECS instance role").
ECS_INSTANCE_POLICY = "service-role/AmazonEC2ContainerServiceforEC2Role"
FSX_VOLUME = "fsx"
EFA_INSTALLER = "https://efa-installer.amazonaws.com/aws-efa-installer-latest.tar.gz"
#: Leave part of the host's memory to the OS, the ECS agent and Docker (Batch User Guide,
#: "Compute resource memory management": a job that asks for all of it never starts).
MEMORY_FOR_JOB = 0.9
#: /dev/shm for NCCL and data loader workers, in MiB.
SHARED_MEMORY_FRACTION = 0.25
SHARED_MEMORY_MAX_MIB = 64 * 1024
#: EFA pins memory it registers; Docker's default memlock limit would fail it. Stack and open
#: files as in AWS's Batch MNP templates (aws-samples/awsome-distributed-training, 3.aws-batch).
ULIMITS = (("memlock", -1, -1), ("stack", 67108864, 67108864), ("nofile", 1024000, 1024000))
DEVICE_PERMISSIONS = ["READ", "WRITE", "MKNOD"]
MAIN_NODE = 0
TORCHRUN_PORT = 29500


@dataclass(frozen=True)
class BatchClusterProps:
    resolved: ResolvedUltraCluster
    subnet: ec2.ISubnet
    node_role: iam.Role
    node_security_group: ec2.ISecurityGroup
    #: Deploy-time DNS and mount names of the file system.
    fsx_dns_name: str
    fsx_mount_name: str
    #: None on a Capacity Block, or when the blueprint turns it off.
    placement_group_name: str | None
    data_repository: DataRepository | None
    bucket: s3.IBucket | None
    node_name: str


class BatchCluster(Construct):
    """Exposes ``launch_template``, ``compute_environment``, ``job_queue``, ``job_definition`` and ``job_role``."""

    def __init__(self, scope: Construct, construct_id: str, *, props: BatchClusterProps) -> None:
        super().__init__(scope, construct_id)
        resolved = props.resolved
        spec = resolved.blueprint.spec
        instance = resolved.instance
        host = resolved.host_image
        machine_image = ec2.MachineImage.from_ssm_parameter(host.ssm_parameter, os=ec2.OperatingSystemType.LINUX)

        props.node_role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name(ECS_INSTANCE_POLICY))
        waive(
            props.node_role,
            Waiver(
                "AwsSolutions-IAM4",
                "AWS Batch container instances must run the ECS agent, and AWS documents this managed policy "
                "as the Batch instance role (Batch User Guide, 'Amazon ECS instance role').",
                (f"Policy::arn:<AWS::Partition>:iam::aws:policy/{ECS_INSTANCE_POLICY}",),
            ),
        )
        profile = iam.InstanceProfile(self, "NodeInstanceProfile", role=props.node_role)

        self.launch_template = EfaLaunchTemplate(
            self,
            "Nodes",
            props=EfaLaunchTemplateProps(
                layout=resolved.efa_layout,
                security_group=props.node_security_group,
                root_device_name=host.root_device_name,
                root_volume_gib=spec.storage.root_volume_gib,
                user_data=_user_data(props),
                capacity=spec.capacity,
                node_name=props.node_name,
            ),
        ).launch_template

        self.compute_environment = batch.CfnComputeEnvironment(
            self,
            "ComputeEnvironment",
            type="MANAGED",
            state="ENABLED",
            compute_resources=batch.CfnComputeEnvironment.ComputeResourcesProperty(
                type="EC2",
                # One instance type: fill it in order (Batch User Guide, "Instance type allocation strategies").
                allocation_strategy="BEST_FIT_PROGRESSIVE",
                minv_cpus=0,
                maxv_cpus=spec.nodes * instance.vcpus,
                instance_types=[resolved.node_type],
                subnets=[props.subnet.subnet_id],
                instance_role=profile.instance_profile_arn,
                placement_group=props.placement_group_name,
                launch_template=batch.CfnComputeEnvironment.LaunchTemplateSpecificationProperty(
                    launch_template_id=self.launch_template.launch_template_id,
                    version=self.launch_template.latest_version_number,
                ),
                ec2_configuration=[
                    batch.CfnComputeEnvironment.Ec2ConfigurationObjectProperty(
                        image_type=host.batch_image_type,
                        image_id_override=machine_image.get_image(self).image_id,
                    )
                ],
                tags={"Name": props.node_name},
            ),
        )
        self.job_queue = batch.CfnJobQueue(
            self,
            "JobQueue",
            priority=1,
            state="ENABLED",
            compute_environment_order=[
                batch.CfnJobQueue.ComputeEnvironmentOrderProperty(
                    order=1, compute_environment=self.compute_environment.ref
                )
            ],
        )
        self.job_role = iam.Role(
            self,
            "JobRole",
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
            description=f"{props.node_name}: the training containers of multi-node jobs",
        )
        if props.data_repository is not None:
            repository = props.data_repository
            _allow_prefix(self.job_role, props.bucket, repository.prefix, may_delete=repository.export_deletions)
        self.job_definition = batch.CfnJobDefinition(
            self,
            "JobDefinition",
            type="multinode",
            platform_capabilities=["EC2"],
            propagate_tags=True,
            retry_strategy=batch.CfnJobDefinition.RetryStrategyProperty(attempts=1),
            node_properties=batch.CfnJobDefinition.NodePropertiesProperty(
                num_nodes=spec.nodes,
                main_node=MAIN_NODE,
                node_range_properties=[
                    batch.CfnJobDefinition.NodeRangePropertyProperty(
                        target_nodes="0:", container=_container(resolved, self.job_role)
                    )
                ],
            ),
        )


def _user_data(props: BatchClusterProps) -> ec2.UserData:
    """MIME multi-part user data (Batch merges its own part): EFA kernel module, then /fsx."""
    script = ec2.UserData.for_linux()
    script.add_commands(
        "set -euxo pipefail",
        # EC2 User Guide, "Install the EFA software": --minimal installs the kernel module and
        # rdma-core only; libfabric, the OFI NCCL plugin and NCCL come with the container.
        "test -e /dev/infiniband/uverbs0 || (cd /tmp && curl -sSfO "
        f"{EFA_INSTALLER} && tar -xf aws-efa-installer-latest.tar.gz && cd aws-efa-installer "
        "&& ./efa_installer.sh -y --minimal && modprobe efa)",
        *mount_commands(props.fsx_dns_name, props.fsx_mount_name, amazon_linux=True),
    )
    multipart = ec2.MultipartUserData()
    multipart.add_user_data_part(script, ec2.MultipartBody.SHELL_SCRIPT, True)
    return multipart


def _container(resolved: ResolvedUltraCluster, job_role: iam.IRole) -> batch.CfnJobDefinition.ContainerPropertiesProperty:
    instance = resolved.instance
    accelerators = instance.accelerator.count
    memory_mib = int(instance.memory_gib * 1024 * MEMORY_FOR_JOB)
    requirements = [
        batch.CfnJobDefinition.ResourceRequirementProperty(type="VCPU", value=str(instance.vcpus)),
        batch.CfnJobDefinition.ResourceRequirementProperty(type="MEMORY", value=str(memory_mib)),
    ]
    devices = [f"/dev/infiniband/uverbs{n}" for n in range(len(efa_interfaces(resolved.efa_layout)))]
    if instance.is_gpu:
        requirements.append(batch.CfnJobDefinition.ResourceRequirementProperty(type="GPU", value=str(accelerators)))
    else:  # Neuron devices are passed through by path (Neuron docs, "Neuron containers": --device=/dev/neuron<n>)
        devices += [f"/dev/neuron{n}" for n in range(accelerators)]
    return batch.CfnJobDefinition.ContainerPropertiesProperty(
        image=resolved.container.uri,
        instance_type=resolved.node_type,
        job_role_arn=job_role.role_arn,
        command=["/bin/bash", "-c", _TORCHRUN],
        environment=[
            batch.CfnJobDefinition.EnvironmentProperty(name=name, value=value)
            for name, value in efa_environment(resolved).items()
        ],
        resource_requirements=requirements,
        linux_parameters=batch.CfnJobDefinition.LinuxParametersProperty(
            devices=[
                batch.CfnJobDefinition.DeviceProperty(host_path=d, container_path=d, permissions=DEVICE_PERMISSIONS)
                for d in devices
            ],
            shared_memory_size=min(int(memory_mib * SHARED_MEMORY_FRACTION), SHARED_MEMORY_MAX_MIB),
        ),
        ulimits=[batch.CfnJobDefinition.UlimitProperty(name=n, hard_limit=h, soft_limit=s) for n, h, s in ULIMITS],
        volumes=[
            batch.CfnJobDefinition.VolumesProperty(
                name=FSX_VOLUME, host=batch.CfnJobDefinition.VolumesHostProperty(source_path=FSX_MOUNT_POINT)
            )
        ],
        mount_points=[
            batch.CfnJobDefinition.MountPointsProperty(source_volume=FSX_VOLUME, container_path=FSX_MOUNT_POINT)
        ],
    )


def efa_environment(resolved: ResolvedUltraCluster) -> dict[str, str]:
    """libfabric and NCCL settings for EFA, and torchrun's processes per node.

    FI_PROVIDER=efa makes libfabric use EFA; FI_EFA_USE_DEVICE_RDMA=1 lets it use RDMA read,
    set only where the catalog records the device supports it; FI_EFA_FORK_SAFE=1 keeps data
    loader workers (fork) safe with registered memory; NCCL_SOCKET_IFNAME keeps NCCL's
    bootstrap off Docker and loopback interfaces (EC2 User Guide, "Get started with EFA and NCCL";
    aws-samples/awsome-distributed-training, EFA cheatsheet and nccl-tests job scripts).
    NPROC_PER_NODE is one process per GPU, or per NeuronCore on Neuron (torchrun on Neuron runs
    one per core): the catalog's accelerator count times its ``cores_per_device``.
    """
    environment = {
        "FI_PROVIDER": "efa",
        "FI_EFA_FORK_SAFE": "1",
        "NCCL_DEBUG": "INFO",
        "NCCL_SOCKET_IFNAME": "^docker,lo,veth",
        "NPROC_PER_NODE": str(resolved.instance.accelerator.cores),
        "TRAIN_SCRIPT": f"{FSX_MOUNT_POINT}/train.py",
    }
    if resolved.instance.efa_rdma:
        environment["FI_EFA_USE_DEVICE_RDMA"] = "1"
    return dict(sorted(environment.items()))


#: torchrun, wired to the node index and main-node address Batch gives every MNP node. The main
#: node gets no AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS, so it uses its own address.
#: Override TRAIN_SCRIPT per job (and NPROC_PER_NODE if a job changes NEURON_LOGICAL_NC_CONFIG on trn2).
_TORCHRUN = (
    "exec torchrun --nnodes=${AWS_BATCH_JOB_NUM_NODES} --node_rank=${AWS_BATCH_JOB_NODE_INDEX} "
    "--nproc_per_node=${NPROC_PER_NODE} "
    "--master_addr=${AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS:-$(hostname -i | cut -d' ' -f1)} "
    f"--master_port={TORCHRUN_PORT} ${{TRAIN_SCRIPT}}"
)


def _allow_prefix(role: iam.Role, bucket: s3.IBucket, prefix: str, *, may_delete: bool) -> None:
    """Read and write under the data repository prefix only (the S3 side of /fsx/data); delete only if the
    blueprint opted in to exporting deletions into a bucket it does not own."""
    actions = OBJECT_ACTIONS + (DELETE_ACTIONS if may_delete else [])
    policy = iam.Policy(
        role,
        "DataRepositoryAccess",
        statements=[
            iam.PolicyStatement(
                sid="ListOwnPrefix",
                actions=["s3:ListBucket"],
                resources=[bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [prefix, f"{prefix}/*"]}},
            ),
            iam.PolicyStatement(sid="ReadWriteOwnPrefix", actions=actions, resources=[bucket.arn_for_objects(f"{prefix}/*")]),
        ],
    )
    policy.attach_to_role(role)
    waive(
        policy,
        Waiver(
            "AwsSolutions-IAM5",
            "Jobs read shards and write checkpoints under the data repository prefix; object keys are not known "
            "in advance, so the grant is every object under that one prefix and nothing else.",
            (objects_finding(bucket, f"{prefix}/*"),),
        ),
    )

