"""UltraClusterStack, asserted on its synthesized CloudFormation template.

The network promises are checked for every EFA family in the catalog: one
Batch stack per family, on the family's largest (most EFA interfaces) size,
in a region that offers it. Each fixture synthesizes one stack (module scope;
one App per stack, as conftest's build_stack does).
"""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match

from mlblueprints.catalog import load_catalog
from tests.blueprint_factory import to_yaml
from tests.synthesized import Synth, as_list, identity_statements, valid
from tests.ultracluster_factory import DELETE, HYPERPOD, check, fsx, ultra

pytestmark = pytest.mark.cdk

CATALOG = load_catalog()
RETAINED = ("AWS::FSx::FileSystem", "AWS::KMS::Key", "AWS::S3::Bucket")
IMAGE_URI = "public.ecr.aws/hpc-cloud/nccl-tests:latest"
CR = "cr-0123456789abcdef0"


def largest_of_each_efa_family() -> dict[str, object]:
    families: dict[str, object] = {}
    for name in CATALOG.names():
        instance = CATALOG.get(name)
        if instance.is_sagemaker or not instance.efa_supported:
            continue
        best = families.get(instance.family)
        if best is None or (instance.max_efa_interfaces, instance.vcpus) > (best.max_efa_interfaces, best.vcpus):
            families[instance.family] = instance
    return dict(sorted(families.items()))


FAMILIES = largest_of_each_efa_family()
#: Families an UltraCluster rejects, with the rule that says why.
#: BP150 reads the refusals from data/compatibility.json (docs/compatibility.md): Gaudi has no
#: host AMI or DLC, Batch's ECS_AL2023_NVIDIA host does not run p3, current Neuron hosts drop Inf1.
REJECTED = {"dl1": "BP150", "p3dn": "BP150", "inf1": "BP150"}
ACCEPTED = [f for f in FAMILIES if f not in REJECTED]


def family_document(family: str) -> dict:
    instance = FAMILIES[family]
    region = "us-east-1" if CATALOG.is_offered(instance.name, "us-east-1") else CATALOG.regions_offering(instance.name)[0]
    return ultra(
        {
            "metadata": {"name": f"efa-{family}"},
            "spec": {
                "region": region,
                "availability_zone": f"{region}a",
                "instance": {"type": instance.name},
                "container": {"framework": DELETE, "version": DELETE, "uri": IMAGE_URI},
            },
        }
    )


@pytest.fixture(scope="module")
def synth(build_stack):
    cache: dict[str, Synth] = {}

    def run(key: str, document: dict) -> Synth:
        if key not in cache:
            blueprint = valid(document)
            cache[key] = Synth(blueprint, build_stack(blueprint))
        return cache[key]

    return run


@pytest.fixture(scope="module", params=ACCEPTED)
def family(request, synth) -> Synth:
    return synth(request.param, family_document(request.param))


def node_group(synth: Synth) -> str:
    groups = synth.resources("AWS::EC2::SecurityGroup")
    (node,) = [k for k, v in groups.items() if v["Properties"]["GroupDescription"].startswith("mlblueprints ")]
    return node


def interfaces(synth: Synth) -> list[dict]:
    _, template = synth.one("AWS::EC2::LaunchTemplate")
    return template["Properties"]["LaunchTemplateData"]["NetworkInterfaces"]


# --- every EFA family ------------------------------------------------------------------------


def test_every_efa_family_in_the_catalog_is_covered():
    assert set(ACCEPTED) | set(REJECTED) == set(FAMILIES)
    assert {"p4d", "p4de", "p5", "p5e", "p5en", "p6-b200", "trn1", "trn1n", "trn2"} <= set(ACCEPTED)


@pytest.mark.parametrize("family_name, rule", sorted(REJECTED.items()))
def test_rejected_families_say_why(family_name, rule):
    report = check(to_yaml(family_document(family_name)))
    assert (rule, "spec.instance") in [(d.code, d.path) for d in report.diagnostics]


def test_one_efa_per_network_card(family):
    instance = CATALOG.get(family.blueprint.spec.instance.type)
    efa = [i for i in interfaces(family) if i["InterfaceType"] in ("efa", "efa-only")]
    assert len(efa) == instance.max_efa_interfaces
    assert sorted(i["NetworkCardIndex"] for i in efa) == list(range(instance.network_cards))


def test_primary_interface_is_never_efa_only(family):
    (primary,) = [i for i in interfaces(family) if i["NetworkCardIndex"] == 0 and i["DeviceIndex"] == 0]
    assert primary["InterfaceType"] in ("interface", "efa")


def test_every_interface_is_in_the_efa_group_without_a_public_ip(family):
    group = {"Fn::GetAtt": [node_group(family), "GroupId"]}
    for interface in interfaces(family):
        assert interface["Groups"] == [group]
        assert interface["AssociatePublicIpAddress"] is False
    subnets = family.resources("AWS::EC2::Subnet")
    _, environment = family.one("AWS::Batch::ComputeEnvironment")
    for ref in environment["Properties"]["ComputeResources"]["Subnets"]:
        assert subnets[ref["Ref"]]["Properties"]["MapPublicIpOnLaunch"] is False


def test_nodes_join_the_cluster_placement_group(family):
    group, _ = family.one("AWS::EC2::PlacementGroup")
    family.template.has_resource_properties("AWS::EC2::PlacementGroup", {"Strategy": "cluster"})
    family.template.has_resource_properties(
        "AWS::Batch::ComputeEnvironment",
        {"ComputeResources": Match.object_like({"PlacementGroup": {"Ref": group}})},
    )


def test_efa_group_allows_all_traffic_to_and_from_itself(family):
    group = {"Fn::GetAtt": [node_group(family), "GroupId"]}
    family.template.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress", {"IpProtocol": "-1", "GroupId": group, "SourceSecurityGroupId": group}
    )
    family.template.has_resource_properties(
        "AWS::EC2::SecurityGroupEgress", {"IpProtocol": "-1", "GroupId": group, "DestinationSecurityGroupId": group}
    )


def test_nothing_is_open_to_the_internet(family):
    for resource in family.json["Resources"].values():
        props = resource.get("Properties", {})
        rules = props.get("SecurityGroupIngress", []) if resource["Type"] == "AWS::EC2::SecurityGroup" else []
        if resource["Type"] == "AWS::EC2::SecurityGroupIngress":
            rules = [props]
        assert all(r.get("CidrIp") != "0.0.0.0/0" and r.get("CidrIpv6") != "::/0" for r in rules)


def test_fsx_is_in_the_nodes_subnet(family):
    _, file_system = family.one("AWS::FSx::FileSystem")
    _, environment = family.one("AWS::Batch::ComputeEnvironment")
    assert file_system["Properties"]["SubnetIds"] == environment["Properties"]["ComputeResources"]["Subnets"]
    assert len(file_system["Properties"]["SubnetIds"]) == 1


def test_data_holding_resources_are_retained(family):
    """In the data stack: keys and buckets retained; the file system goes only with its protected stack (its
    subnet and security group go too) and is kept on replacement."""
    for kind in RETAINED:
        for name, resource in family.resources(kind).items():
            assert name in family.data_json["Resources"], name
            assert resource.get("DeletionPolicy") == ("Delete" if kind == "AWS::FSx::FileSystem" else "Retain"), name
            assert resource.get("UpdateReplacePolicy") == "Retain", name


def test_compute_environment_leaves_security_groups_to_the_launch_template(family):
    """Batch refuses SecurityGroupIds next to launch-template NetworkInterfaces (aws/aws-cdk#21577)."""
    _, environment = family.one("AWS::Batch::ComputeEnvironment")
    assert "SecurityGroupIds" not in environment["Properties"]["ComputeResources"]
    assert all(i["Groups"] for i in interfaces(family))


def effective_task_groups(synth: Synth) -> list:
    """The security groups a job container's interface gets (Batch User Guide, "Compute environment
    considerations for MNP"): the compute environment's, or else its VPC's default group."""
    _, environment = synth.one("AWS::Batch::ComputeEnvironment")
    groups = environment["Properties"]["ComputeResources"].get("SecurityGroupIds")
    if groups:
        return groups
    (subnet,) = environment["Properties"]["ComputeResources"]["Subnets"]
    vpc = synth.json["Resources"][subnet["Ref"]]["Properties"]["VpcId"]["Ref"]
    return [{"Fn::GetAtt": [vpc, "DefaultSecurityGroup"]}]


def rules_of(synth: Synth, group) -> list[dict]:
    return [
        {"type": r["Type"], **r["Properties"]}
        for r in synth.json["Resources"].values()
        if r["Type"] in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress")
        and r["Properties"]["GroupId"] == group
    ]


def test_job_containers_reach_each_other_through_their_effective_group(family):
    """torchrun's rendezvous and NCCL's bootstrap run over the containers' own interfaces (awsvpc)."""
    (group,) = effective_task_groups(family)
    rules = rules_of(family, group)
    assert any(r["type"].endswith("Ingress") and r["IpProtocol"] == "-1" and r.get("SourceSecurityGroupId") == group
               for r in rules)
    assert any(r["type"].endswith("Egress") and r["IpProtocol"] == "-1" and r.get("DestinationSecurityGroupId") == group
               for r in rules)
    assert not [r for r in rules if r["type"].endswith("Ingress") and "CidrIp" in r]
    # The rules come after CDK's custom resource has revoked the group's default rules, or it would revoke them.
    restrict = next(k for k, r in family.json["Resources"].items() if r["Type"] == "Custom::VpcRestrictDefaultSG")
    for logical, resource in family.json["Resources"].items():
        if resource["Type"].startswith("AWS::EC2::SecurityGroup") and resource["Properties"].get("GroupId") == group:
            assert restrict in resource.get("DependsOn", []), logical


def test_existing_vpc_gets_a_check_for_its_default_group(synth):
    existing = synth("existing-vpc", ultra({"spec": {"network": {
        "vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-0aaaaaaaaaaaaaaaa"]}}}))
    assert not rules_of(existing, {"Fn::GetAtt": ["NetworkVpc7FB7348F", "DefaultSecurityGroup"]})
    check = json.dumps(existing.data_json["Outputs"]["TaskSecurityGroupCheck"])
    assert "vpc-0123456789abcdef0" in check and "group-name,Values=default" in check


def test_job_passes_every_efa_device_and_accelerator(family):
    instance = CATALOG.get(family.blueprint.spec.instance.type)
    _, definition = family.one("AWS::Batch::JobDefinition")
    (node_range,) = definition["Properties"]["NodeProperties"]["NodeRangeProperties"]
    container = node_range["Container"]
    devices = [d["HostPath"] for d in container["LinuxParameters"]["Devices"]]
    assert [d for d in devices if "infiniband" in d] == [f"/dev/infiniband/uverbs{n}" for n in range(instance.max_efa_interfaces)]
    requirements = {r["Type"]: r["Value"] for r in container["ResourceRequirements"]}
    if instance.is_gpu:
        assert requirements["GPU"] == str(instance.accelerator.count)
    else:
        assert [d for d in devices if "neuron" in d] == [f"/dev/neuron{n}" for n in range(instance.accelerator.count)]
    environment = {e["Name"]: e["Value"] for e in container["Environment"]}
    assert environment["FI_PROVIDER"] == "efa"
    assert ("FI_EFA_USE_DEVICE_RDMA" in environment) is instance.efa_rdma


@pytest.mark.parametrize(
    "family_name, processes",
    [
        pytest.param("p4d", 8, id="p4d.24xlarge-one-per-gpu"),
        pytest.param("trn1", 32, id="trn1.32xlarge-16-chips-x-2-neuroncores"),
        pytest.param("trn2", 64, id="trn2.48xlarge-16-chips-x-4-logical-neuroncores"),
    ],
)
def test_torchrun_starts_one_process_per_gpu_or_neuroncore(synth, family_name, processes):
    synthesized = synth(family_name, family_document(family_name))
    synthesized.template.has_resource_properties(
        "AWS::Batch::JobDefinition",
        {
            "NodeProperties": Match.object_like(
                {
                    "NodeRangeProperties": [
                        Match.object_like(
                            {
                                "Container": Match.object_like(
                                    {"Environment": Match.array_with([{"Name": "NPROC_PER_NODE", "Value": str(processes)}])}
                                )
                            }
                        )
                    ]
                }
            )
        },
    )


# --- Batch -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default(synth) -> Synth:
    return synth("default", ultra({"metadata": {"description": "Unit UltraCluster", "tags": {"cost-center": "4711"}}}))


def test_compute_environment_scales_from_zero_on_the_ecs_gpu_ami(default):
    spec = default.blueprint.spec
    parameter = default.template.find_parameters("*", {"Default": "/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id"})
    (name,) = parameter
    default.template.has_resource_properties(
        "AWS::Batch::ComputeEnvironment",
        {
            "Type": "MANAGED",
            "ComputeResources": Match.object_like(
                {
                    "Type": "EC2",
                    "MinvCpus": 0,
                    "MaxvCpus": spec.nodes * 96,
                    "InstanceTypes": ["p4d.24xlarge"],
                    "Ec2Configuration": [{"ImageType": "ECS_AL2023_NVIDIA", "ImageIdOverride": {"Ref": name}}],
                }
            ),
        },
    )


def test_queue_and_multi_node_job_definition(default):
    environment, _ = default.one("AWS::Batch::ComputeEnvironment")
    default.template.has_resource_properties(
        "AWS::Batch::JobQueue", {"ComputeEnvironmentOrder": [{"ComputeEnvironment": {"Ref": environment}, "Order": 1}]}
    )
    default.template.has_resource_properties(
        "AWS::Batch::JobDefinition",
        {
            "Type": "multinode",
            "PlatformCapabilities": ["EC2"],
            "NodeProperties": Match.object_like({"NumNodes": 2, "MainNode": 0}),
        },
    )


def test_job_mounts_fsx_and_unlocks_memory(default):
    _, definition = default.one("AWS::Batch::JobDefinition")
    container = definition["Properties"]["NodeProperties"]["NodeRangeProperties"][0]["Container"]
    assert container["Volumes"] == [{"Name": "fsx", "Host": {"SourcePath": "/fsx"}}]
    assert container["MountPoints"] == [{"SourceVolume": "fsx", "ContainerPath": "/fsx"}]
    assert {"Name": "memlock", "HardLimit": -1, "SoftLimit": -1} in container["Ulimits"]
    assert container["Image"].startswith("763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.6")
    assert "torchrun" in container["Command"][-1] and "AWS_BATCH_JOB_NODE_INDEX" in container["Command"][-1]


def test_boot_installs_efa_and_mounts_fsx(default):
    _, template = default.one("AWS::EC2::LaunchTemplate")
    script = json.dumps(template["Properties"]["LaunchTemplateData"]["UserData"])
    assert "multipart/mixed" in script  # Batch merges its own part into MIME multi-part user data
    assert "efa_installer.sh -y --minimal" in script
    assert "dnf install -y lustre-client" in script and "/fsx" in script


def test_launch_template_requires_imdsv2_and_encrypts_the_root_volume(default):
    default.template.has_resource_properties(
        "AWS::EC2::LaunchTemplate",
        {
            "LaunchTemplateData": Match.object_like(
                {
                    "MetadataOptions": {"HttpEndpoint": "enabled", "HttpTokens": "required", "HttpPutResponseHopLimit": 2},
                    "BlockDeviceMappings": [
                        {"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True, "VolumeType": "gp3", "VolumeSize": 200, "DeleteOnTermination": True}}
                    ],
                    "SecurityGroupIds": Match.absent(),
                    "CapacityReservationSpecification": Match.absent(),
                    "InstanceMarketOptions": Match.absent(),
                }
            )
        },
    )


def test_fsx_is_persistent_2_encrypted_and_sized_as_asked(default):
    key, _ = default.one("AWS::KMS::Key")
    default.template.has_resource_properties(
        "AWS::FSx::FileSystem",
        {
            "StorageCapacity": 4800,
            "KmsKeyId": {"Ref": key},
            "LustreConfiguration": {"DeploymentType": "PERSISTENT_2", "PerUnitStorageThroughput": 500, "DataCompressionType": "LZ4"},
        },
    )


def test_outputs_tell_users_how_to_submit(default):
    for name in ("JobQueueArn", "JobDefinitionArn", "ComputeEnvironmentArn", "PlacementGroupName", "FsxFileSystemId",
                 "FsxDnsName", "FsxMountName", "NodeType", "SubmitHint", "ContainerImageUri"):
        default.template.has_output(name, {})
    assert "aws batch submit-job" in json.dumps(default.json["Outputs"]["SubmitHint"])
    assert default.json["Description"] == "Unit UltraCluster"


@pytest.fixture(scope="module")
def capacity_block(synth) -> Synth:
    block = {"source": "capacity-block", "reservation_id": CR, "reservation_zone": "us-east-1a"}
    return synth("block", ultra({"spec": {"instance": {"type": "p5.48xlarge"}, "nodes": 4, "capacity": block}}))


def test_capacity_block_launches_into_the_block_without_a_placement_group(capacity_block):
    capacity_block.template.has_resource_properties(
        "AWS::EC2::LaunchTemplate",
        {
            "LaunchTemplateData": Match.object_like(
                {
                    "InstanceMarketOptions": {"MarketType": "capacity-block"},
                    "CapacityReservationSpecification": {"CapacityReservationTarget": {"CapacityReservationId": CR}},
                }
            )
        },
    )
    capacity_block.template.resource_count_is("AWS::EC2::PlacementGroup", 0)
    capacity_block.template.has_resource_properties(
        "AWS::Batch::ComputeEnvironment", {"ComputeResources": Match.object_like({"PlacementGroup": Match.absent()})}
    )


def test_p5_gets_its_documented_layout(capacity_block):
    layout = [(i["NetworkCardIndex"], i["DeviceIndex"], i["InterfaceType"]) for i in interfaces(capacity_block)]
    assert (0, 0, "interface") in layout and (0, 1, "efa-only") in layout
    assert [(c, d) for c, d, t in layout if t == "interface" and c > 0] == [(c, 1) for c in range(4, 32, 4)]


def test_reservation_is_targeted_and_keeps_the_placement_group(synth):
    reserved = synth("reserved", ultra({"spec": {"capacity": {"source": "reservation", "reservation_id": CR, "reservation_zone": "us-east-1a"}}}))
    reserved.template.has_resource_properties(
        "AWS::EC2::LaunchTemplate",
        {
            "LaunchTemplateData": Match.object_like(
                {"CapacityReservationSpecification": {"CapacityReservationTarget": {"CapacityReservationId": CR}},
                 "InstanceMarketOptions": Match.absent()}
            )
        },
    )
    reserved.template.resource_count_is("AWS::EC2::PlacementGroup", 1)


def test_batch_buys_on_demand_only_and_spot_never_reaches_synth(default, capacity_block):
    for synthesized in (default, capacity_block):
        synthesized.template.has_resource_properties(
            "AWS::Batch::ComputeEnvironment",
            {"ComputeResources": Match.object_like({"Type": "EC2", "AllocationStrategy": "BEST_FIT_PROGRESSIVE"})},
        )
    # Batch runs no multi-node parallel job on Spot (Batch User Guide, "Compute environment considerations for MNP").
    report = check(to_yaml(ultra({"spec": {"capacity": {"source": "spot"}}})))
    assert ("BP215", "spec.capacity.source") in [(d.code, d.path) for d in report.diagnostics]
    assert report.blueprints == []


@pytest.fixture(scope="module")
def efa_fsx(synth) -> Synth:
    repository = {"bucket": "team-datasets", "prefix": "llm/tokens"}
    return synth(
        "efa-fsx",
        ultra({"spec": {"nodes": 16, "storage": {"fsx": fsx(throughput_per_gpu_mbps=200, efa=True), "data_repository": repository}}}),
    )


def test_efa_fsx_is_sized_for_every_gpu_and_joins_the_efa_group(efa_fsx):
    nodes = {"Fn::GetAtt": [node_group(efa_fsx), "GroupId"]}
    efa_fsx.template.has_resource_properties(
        "AWS::FSx::FileSystem",
        {
            "StorageCapacity": 26400,  # 16 nodes x 8 GPUs x 200 MB/s = 25,600 MB/s at 1,000 MB/s/TiB
            "SecurityGroupIds": Match.array_with([nodes]),
            "LustreConfiguration": Match.object_like(
                {"DeploymentType": "PERSISTENT_2", "PerUnitStorageThroughput": 1000, "EfaEnabled": True,
                 "MetadataConfiguration": {"Mode": "AUTOMATIC"}}
            ),
        },
    )


def test_data_repository_links_the_prefix_and_the_jobs_may_use_it(efa_fsx):
    file_system, _ = efa_fsx.one("AWS::FSx::FileSystem")
    efa_fsx.template.has_resource_properties(
        "AWS::FSx::DataRepositoryAssociation",
        {"FileSystemId": {"Ref": file_system}, "FileSystemPath": "/data", "DataRepositoryPath": "s3://team-datasets/llm/tokens/"},
    )
    policies = json.dumps(efa_fsx.resources("AWS::IAM::Policy"))
    assert "team-datasets/llm/tokens/*" in policies


def test_existing_file_system_and_vpc_create_neither(synth):
    existing = {
        "file_system_id": "fs-0123456789abcdef0",
        "dns_name": "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com",
        "mount_name": "abcdefgh",
        "availability_zone": "us-east-1a",
    }
    network = {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-0aaaaaaaaaaaaaaaa"]}
    result = synth("existing", ultra({"spec": {"storage": {"fsx": fsx(existing=existing)}, "network": network}}))
    for kind in ("AWS::FSx::FileSystem", "AWS::EC2::VPC", "AWS::S3::Bucket"):
        result.template.resource_count_is(kind, 0)
    _, template = result.one("AWS::EC2::LaunchTemplate")
    assert "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com@tcp:/abcdefgh" in json.dumps(template)
    result.template.has_resource_properties(
        "AWS::Batch::ComputeEnvironment", {"ComputeResources": Match.object_like({"Subnets": ["subnet-0aaaaaaaaaaaaaaaa"]})}
    )


# --- HyperPod --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hyperpod(synth) -> Synth:
    return synth("hyperpod", ultra(HYPERPOD))


def test_hyperpod_is_a_slurm_cluster_of_a_controller_and_efa_workers(hyperpod):
    file_system, _ = hyperpod.one("AWS::FSx::FileSystem")
    _, cluster = hyperpod.one("AWS::SageMaker::Cluster")
    props = cluster["Properties"]
    assert props["Orchestrator"] == {"Slurm": {"SlurmConfigStrategy": "Managed"}}
    controller, workers = props["InstanceGroups"]
    assert (controller["InstanceType"], controller["InstanceCount"], controller["SlurmConfig"]) == (
        "ml.m5.xlarge", 1, {"NodeType": "Controller"})
    assert (workers["InstanceType"], workers["InstanceCount"]) == ("ml.p4d.24xlarge", 2)
    assert workers["SlurmConfig"] == {"NodeType": "Compute", "PartitionNames": ["train"]}
    assert workers["NetworkInterface"] == {"InterfaceType": "efa-only"}
    for group in (controller, workers):
        assert {"FsxLustreConfig": {"DnsName": {"Fn::GetAtt": [file_system, "DNSName"]},
                                    "MountName": {"Fn::GetAtt": [file_system, "LustreMountName"]},
                                    "MountPath": "/fsx"}} in group["InstanceStorageConfigs"]
        assert group["LifeCycleConfig"]["OnInitComplete"] == "on_init_complete.sh"


def test_hyperpod_runs_in_the_private_subnet_with_the_efa_group_and_fsx(hyperpod):
    _, cluster = hyperpod.one("AWS::SageMaker::Cluster")
    _, file_system = hyperpod.one("AWS::FSx::FileSystem")
    vpc = cluster["Properties"]["VpcConfig"]
    assert vpc["Subnets"] == file_system["Properties"]["SubnetIds"]
    assert vpc["SecurityGroupIds"] == [{"Fn::GetAtt": [node_group(hyperpod), "GroupId"]}]
    subnets = hyperpod.resources("AWS::EC2::Subnet")
    assert subnets[vpc["Subnets"][0]["Ref"]]["Properties"]["MapPublicIpOnLaunch"] is False


def test_hyperpod_lifecycle_scripts_are_uploaded_to_a_sagemaker_bucket(hyperpod):
    bucket, props = [(k, v["Properties"]) for k, v in hyperpod.resources("AWS::S3::Bucket").items() if "BucketName" in v["Properties"]][0]
    # Retained, so named anew on each create of the data stack: sagemaker-<name>-<first group of its stack id>.
    assert bucket in hyperpod.data_json["Resources"]
    parts = props["BucketName"]["Fn::Join"][1]
    assert parts[0] == "sagemaker-unit" and "AWS::StackId" in json.dumps(parts[1:])
    hyperpod.template.has_resource_properties(
        "Custom::CDKBucketDeployment", {"DestinationBucketName": {"Ref": bucket}, "DestinationBucketKeyPrefix": "lifecycle/"}
    )
    _, cluster = hyperpod.one("AWS::SageMaker::Cluster")
    uri = cluster["Properties"]["InstanceGroups"][0]["LifeCycleConfig"]["SourceS3Uri"]
    assert uri == {"Fn::Join": ["", ["s3://", {"Ref": bucket}, "/lifecycle/"]]}


def test_hyperpod_role_is_sagemakers_with_the_documented_policy(hyperpod):
    hyperpod.template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like(
                {"Statement": [Match.object_like({"Principal": {"Service": "sagemaker.amazonaws.com"}})]}
            ),
            "ManagedPolicyArns": Match.array_with(
                [{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy"]]}]
            ),
        },
    )


def test_hyperpod_interface_permissions_are_scoped_to_the_cluster_network(hyperpod):
    """Every node holds the execution role: it may create and delete interfaces only in the cluster's VPC."""
    statements = {
        s["Sid"]: s for s in identity_statements(hyperpod.json) if s.get("Sid", "").startswith(("Interfaces", "Tag", "Describe"))
    }
    scoped = statements["InterfacesInClusterVpc"]
    assert set(scoped["Action"]) == {"ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission",
                                     "ec2:DeleteNetworkInterface"}
    assert "network-interface/*" in json.dumps(scoped["Resource"]) and "ArnEquals" in scoped["Condition"]
    assert "ec2:Vpc" in scoped["Condition"]["ArnEquals"]
    assert statements["TagInterfaces"]["Action"] == "ec2:CreateTags"
    assert "network-interface/*" in json.dumps(statements["TagInterfaces"]["Resource"])
    unscoped = [s for s in identity_statements(hyperpod.json) if s.get("Resource") == "*"]
    for statement in unscoped:
        assert not {"ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
                    "ec2:CreateNetworkInterfacePermission"} & set(as_list(statement["Action"]))


def test_hyperpod_creates_no_batch_or_launch_template(hyperpod):
    for kind in ("AWS::Batch::ComputeEnvironment", "AWS::EC2::LaunchTemplate", "AWS::EC2::PlacementGroup"):
        hyperpod.template.resource_count_is(kind, 0)
    for name in ("ClusterArn", "LifecycleScriptsUri", "SessionHint", "FsxFileSystemId"):
        hyperpod.template.has_output(name, {})


def test_lifecycle_script_is_real_and_idempotent():
    from stacks.constructs.hyperpod import LIFECYCLE_ASSETS, LIFECYCLE_SCRIPT

    script = (LIFECYCLE_ASSETS / LIFECYCLE_SCRIPT).read_text()
    assert script.startswith("#!/bin/bash\n") and "set -euo pipefail" in script
    assert "mountpoint -q" in script and "/etc/profile.d/mlblueprints-efa.sh" in script
    assert (LIFECYCLE_ASSETS / LIFECYCLE_SCRIPT).stat().st_mode & 0o111
