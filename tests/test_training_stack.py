"""TrainingClusterStack, asserted on its synthesized CloudFormation template.

Each fixture synthesizes one stack (module scope: synth costs seconds) from a
blueprint built the way users write them, validated by the real pipeline.
"""

from __future__ import annotations

import json
import re

import pytest
from aws_cdk.assertions import Capture, Match

from tests.blueprint_factory import DELETE, patched
from tests.synthesized import Synth, as_list, identity_statements, valid

pytestmark = pytest.mark.cdk

SSM_IMAGE_TYPE = "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
DATA_HOLDING = ("AWS::S3::Bucket", "AWS::KMS::Key", "AWS::FSx::FileSystem", "AWS::Logs::LogGroup")
MANAGED_FULL_ACCESS = re.compile(r"iam::aws:policy/(?:[\w+=,.@/-]*FullAccess\b|AdministratorAccess|PowerUserAccess)")

TAGGED = {"metadata": {"description": "Unit-test cluster", "tags": {"cost-center": "4711"}}}
FSX_RESERVED = {
    "spec": {
        "availability_zones": ["us-east-1a"],
        "capacity": {"capacity_reservation_id": "cr-0123456789abcdef0"},
        "storage": {
            "root_volume_gib": 500,
            "data_bucket": {"prefix": "team/llm"},
            "fsx": {"storage_capacity_gib": 4800, "throughput_per_tib": 500, "import_path": "team/llm/datasets"},
        },
    }
}
SPOT_SCRATCH = {
    "spec": {
        "availability_zones": ["us-east-1a", "us-east-1b", "us-east-1c"],
        "capacity": {"purchase": "spot"},
        "image": {"os": "amazon-linux-2023"},
        "network": {"vpc_cidr": "10.40.0.0/16"},
        "storage": {"fsx": {"deployment_type": "SCRATCH_2", "storage_capacity_gib": 1200}},
    }
}
EXISTING = {
    "spec": {
        "availability_zones": ["us-east-1a", "us-east-1b"],
        "network": {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]},
        "storage": {"data_bucket": {"existing": "team-datasets", "prefix": "jobs/unit"}},
        "access": {"session_manager": False},
        "image": {"dlami": DELETE, "ami_id": "ami-0123456789abcdef0", "accelerator": "gpu"},
        "container": {"framework": DELETE, "version": DELETE, "uri": "nvcr.io/nvidia/pytorch:24.10-py3"},
    }
}


@pytest.fixture(scope="module")
def synth(build_stack):
    def run(patch: dict, *, document: dict | None = None) -> Synth:
        blueprint = valid(document if document is not None else patched(patch))
        return Synth(blueprint, build_stack(blueprint))

    return run


@pytest.fixture(scope="module")
def default(synth) -> Synth:
    return synth(TAGGED)


@pytest.fixture(scope="module")
def fsx_reserved(synth) -> Synth:
    return synth(FSX_RESERVED)


@pytest.fixture(scope="module")
def spot_scratch(synth) -> Synth:
    return synth(SPOT_SCRATCH)


@pytest.fixture(scope="module")
def existing(synth) -> Synth:
    return synth(EXISTING)


@pytest.fixture(scope="module", params=["default", "fsx_reserved", "spot_scratch", "existing"])
def every(request) -> Synth:
    return request.getfixturevalue(request.param)


def walk(node):
    """Every (key, value) pair anywhere in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def node_group_id(synth: Synth) -> str:
    groups = synth.resources("AWS::EC2::SecurityGroup")
    (node,) = [k for k, v in groups.items() if v["Properties"]["GroupDescription"].startswith("mlblueprints ")]
    return node


# --- compute -------------------------------------------------------------------------------


def test_launch_template_requires_imdsv2_and_encrypts_the_root_volume(every):
    # EC2 User Guide, "Device names for volumes": Ubuntu roots are /dev/sda1, Amazon Linux /dev/xvda.
    root_device = "/dev/xvda" if every.blueprint.spec.image.os == "amazon-linux-2023" else "/dev/sda1"
    every.template.has_resource_properties(
        "AWS::EC2::LaunchTemplate",
        {
            "LaunchTemplateData": Match.object_like(
                {
                    "MetadataOptions": {"HttpEndpoint": "enabled", "HttpTokens": "required", "HttpPutResponseHopLimit": 2},
                    "BlockDeviceMappings": [
                        {
                            "DeviceName": root_device,
                            "Ebs": {
                                "Encrypted": True,
                                "VolumeType": "gp3",
                                "VolumeSize": every.blueprint.spec.storage.root_volume_gib,
                                "DeleteOnTermination": True,
                            },
                        }
                    ],
                    "Monitoring": {"Enabled": True},
                }
            )
        },
    )


def test_ami_comes_from_the_dlami_ssm_parameter_at_deploy_time(default):
    parameters = default.template.find_parameters("*", {"Type": SSM_IMAGE_TYPE})
    assert len(parameters) == 1
    (name, parameter), = parameters.items()
    assert re.fullmatch(r"/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-[\w.-]+/latest/ami-id",
                        parameter["Default"])
    default.template.has_resource_properties(
        "AWS::EC2::LaunchTemplate", {"LaunchTemplateData": Match.object_like({"ImageId": {"Ref": name}})}
    )


def test_custom_ami_is_used_as_given(existing):
    assert existing.template.find_parameters("*", {"Type": SSM_IMAGE_TYPE}) == {}
    existing.template.has_resource_properties(
        "AWS::EC2::LaunchTemplate", {"LaunchTemplateData": Match.object_like({"ImageId": "ami-0123456789abcdef0"})}
    )


def test_no_public_ip_and_no_key_pair(every):
    pairs = list(walk(every.json["Resources"]))
    assert ("AssociatePublicIpAddress", True) not in pairs
    assert "KeyName" not in {key for key, _ in pairs}
    # Refused explicitly on the primary interface, whatever the subnet's MapPublicIpOnLaunch says.
    _, template = every.one("AWS::EC2::LaunchTemplate")
    data = template["Properties"]["LaunchTemplateData"]
    (primary,) = data["NetworkInterfaces"]
    assert primary["DeviceIndex"] == 0 and primary["AssociatePublicIpAddress"] is False
    assert primary["Groups"] == [{"Fn::GetAtt": [node_group_id(every), "GroupId"]}]
    assert "SecurityGroupIds" not in data


def test_nodes_launch_only_in_private_subnets(every):
    _, group = every.one("AWS::AutoScaling::AutoScalingGroup")
    subnets = every.resources("AWS::EC2::Subnet")
    for ref in group["Properties"]["VPCZoneIdentifier"]:
        if isinstance(ref, str):  # an existing VPC's subnet id, from the blueprint
            assert ref in every.blueprint.spec.network.subnet_ids
            continue
        assert subnets[ref["Ref"]]["Properties"]["MapPublicIpOnLaunch"] is False


def test_nodes_launch_only_in_the_blueprint_zones(spot_scratch, fsx_reserved):
    for synth, zones in ((spot_scratch, 3), (fsx_reserved, 1)):
        _, group = synth.one("AWS::AutoScaling::AutoScalingGroup")
        assert len(group["Properties"]["VPCZoneIdentifier"]) == zones


def test_group_sizes_come_from_the_blueprint(default):
    nodes = default.blueprint.spec.nodes
    default.template.has_resource_properties(
        "AWS::AutoScaling::AutoScalingGroup",
        {"MinSize": str(nodes.min), "DesiredCapacity": str(nodes.desired), "MaxSize": str(nodes.max)},
    )


def test_spot_uses_a_mixed_instances_policy_with_no_on_demand(spot_scratch):
    spot_scratch.template.has_resource_properties(
        "AWS::AutoScaling::AutoScalingGroup",
        {
            "LaunchTemplate": Match.absent(),
            "MixedInstancesPolicy": {
                "InstancesDistribution": {
                    "OnDemandBaseCapacity": 0,
                    "OnDemandPercentageAboveBaseCapacity": 0,
                    "SpotAllocationStrategy": "price-capacity-optimized",
                },
                "LaunchTemplate": Match.object_like({"Overrides": [{"InstanceType": "g5.2xlarge"}]}),
            },
        },
    )


def test_on_demand_uses_the_launch_template_directly(default):
    default.template.has_resource_properties(
        "AWS::AutoScaling::AutoScalingGroup",
        {"MixedInstancesPolicy": Match.absent(), "LaunchTemplate": Match.object_like({})},
    )


def test_capacity_reservation_is_targeted_by_the_launch_template(fsx_reserved, default):
    fsx_reserved.template.has_resource_properties(
        "AWS::EC2::LaunchTemplate",
        {
            "LaunchTemplateData": Match.object_like(
                {"CapacityReservationSpecification": {"CapacityReservationTarget": {"CapacityReservationId": "cr-0123456789abcdef0"}}}
            )
        },
    )
    default.template.has_resource_properties(
        "AWS::EC2::LaunchTemplate",
        {"LaunchTemplateData": Match.object_like({"CapacityReservationSpecification": Match.absent()})},
    )


def test_node_events_go_to_an_encrypted_topic(default):
    topic, _ = default.one("AWS::SNS::Topic")
    key, _ = default.one("AWS::KMS::Key")
    default.template.has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": {"Fn::GetAtt": [key, "Arn"]}})
    default.template.has_resource_properties(
        "AWS::AutoScaling::AutoScalingGroup",
        {
            "NotificationConfigurations": [
                {
                    "TopicARN": {"Ref": topic},
                    "NotificationTypes": Match.array_with(["autoscaling:EC2_INSTANCE_LAUNCH_ERROR"]),
                }
            ]
        },
    )


def test_user_data_logs_in_to_ecr_and_pulls_the_training_image(default):
    _, template = default.one("AWS::EC2::LaunchTemplate")
    script = json.dumps(template["Properties"]["LaunchTemplateData"]["UserData"])
    uri = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:"
    assert "aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin" in script
    assert f"docker pull {uri}" in script
    assert "lustre" not in script


@pytest.mark.parametrize("name, installer", [("fsx_reserved", "lustre-client-modules-$(uname -r)"),
                                             ("spot_scratch", "dnf install -y lustre-client")])
def test_user_data_mounts_fsx_at_slash_fsx(request, name, installer):
    synth = request.getfixturevalue(name)
    file_system, _ = synth.one("AWS::FSx::FileSystem")
    _, template = synth.one("AWS::EC2::LaunchTemplate")
    script = json.dumps(template["Properties"]["LaunchTemplateData"]["UserData"])
    assert installer in script
    assert "mount /fsx" in script
    assert json.dumps({"Fn::GetAtt": [file_system, "DNSName"]}) in script
    assert json.dumps({"Fn::GetAtt": [file_system, "LustreMountName"]}) in script


# --- security ------------------------------------------------------------------------------


def test_no_ingress_from_the_internet_and_no_ssh(every):
    rules = [r for g in every.resources("AWS::EC2::SecurityGroup").values() for r in g["Properties"].get("SecurityGroupIngress", [])]
    rules += [r["Properties"] for r in every.resources("AWS::EC2::SecurityGroupIngress").values()]
    for rule in rules:
        assert rule.get("CidrIp") != "0.0.0.0/0" and rule.get("CidrIpv6") != "::/0", rule
        assert not (rule.get("FromPort", -1) <= 22 <= rule.get("ToPort", -1)) or "SourceSecurityGroupId" in rule, rule


def test_nodes_accept_all_traffic_from_each_other_only(every):
    group = node_group_id(every)
    self_reference = {"Fn::GetAtt": [group, "GroupId"]}
    every.template.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        {"IpProtocol": "-1", "GroupId": self_reference, "SourceSecurityGroupId": self_reference},
    )
    # EFA also needs the matching egress rule; 0.0.0.0/0 does not authorise its traffic.
    every.template.has_resource_properties(
        "AWS::EC2::SecurityGroupEgress",
        {"IpProtocol": "-1", "GroupId": self_reference, "DestinationSecurityGroupId": self_reference},
    )
    ingress = [r["Properties"] for r in every.resources("AWS::EC2::SecurityGroupIngress").values()]
    into_nodes = [r for r in ingress if r["GroupId"] == self_reference]
    assert into_nodes == [r for r in into_nodes if r.get("SourceSecurityGroupId") == self_reference]
    assert every.resources("AWS::EC2::SecurityGroup")[group]["Properties"].get("SecurityGroupIngress") is None


def test_session_manager_policy_only_when_asked(default, existing):
    default.template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like(
                {"Statement": [Match.object_like({"Principal": {"Service": "ec2.amazonaws.com"}})]}
            ),
            "ManagedPolicyArns": [Match.object_like({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"},
                                                                        ":iam::aws:policy/AmazonSSMManagedInstanceCore"]]})],
        },
    )
    assert "AmazonSSMManagedInstanceCore" not in json.dumps(existing.json)
    assert "SessionHint" not in existing.json["Outputs"]


def test_node_policy_is_scoped_to_its_bucket_prefix(default):
    bucket = next(k for k, v in default.resources("AWS::S3::Bucket").items()
                  if "LoggingConfiguration" in v["Properties"])
    prefix = default.blueprint.spec.storage.data_bucket.prefix
    default.template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": Match.array_with(
                    [
                        {
                            "Sid": "ListOwnPrefix",
                            "Effect": "Allow",
                            "Action": "s3:ListBucket",
                            # The compute stack knows the bucket by name (stacks/handoff.py).
                            "Resource": {"Fn::Join": ["", ["arn:aws:s3:::", {"Ref": bucket}]]},
                            "Condition": {"StringLike": {"s3:prefix": [prefix, f"{prefix}/*"]}},
                        },
                        {
                            "Sid": "ReadWriteOwnPrefix",
                            "Effect": "Allow",
                            "Action": ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                            "Resource": {"Fn::Join": ["", ["arn:aws:s3:::", {"Ref": bucket}, f"/{prefix}/*"]]},
                        },
                    ]
                ),
            }
        },
    )


def test_existing_bucket_is_scoped_by_name_and_prefix(existing):
    existing.template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": Match.object_like(
                {
                    "Statement": Match.array_with(
                        [Match.object_like({"Sid": "ReadWriteOwnPrefix", "Resource": "arn:aws:s3:::team-datasets/jobs/unit/*"})]
                    )
                }
            )
        },
    )


def test_image_pull_is_scoped_to_the_dlc_repository(default):
    default.template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": Match.object_like(
                {
                    "Statement": [
                        {
                            "Sid": "PullTrainingImage",
                            "Effect": "Allow",
                            "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                            "Resource": "arn:aws:ecr:us-east-1:763104351884:repository/pytorch-training",
                        }
                    ]
                }
            )
        },
    )


def test_no_ecr_permissions_for_an_image_outside_ecr(existing):
    assert not [s for s in identity_statements(existing.json) if any(a.startswith("ecr:") for a in as_list(s["Action"]))]


def test_no_service_wildcards_and_no_star_resource_except_registry_login(every):
    for statement in identity_statements(every.json):
        actions = as_list(statement["Action"])
        assert not [a for a in actions if a == "*" or a.endswith(":*")], statement
        if "*" in as_list(statement["Resource"]):
            assert actions == ["ecr:GetAuthorizationToken"], statement


def test_no_aws_managed_full_access_policy(every):
    assert not MANAGED_FULL_ACCESS.search(json.dumps(every.json))


def test_template_passes_cfn_lint(every):
    from cfnlint.api import lint

    matches = lint(json.dumps(every.json), regions=[every.blueprint.spec.region])
    assert [f"{m.rule.id}: {m.message}" for m in matches if m.rule.id.startswith("E")] == []


def test_key_is_rotated(every):
    every.template.resource_count_is("AWS::KMS::Key", 1)
    every.template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})


# --- storage -------------------------------------------------------------------------------


def test_data_holding_resources_are_retained_on_delete_and_replace(every):
    """Buckets, keys and log groups are retained; the file system goes with its (protected) data stack and is
    kept on replacement: retained on delete, it would hold its subnet and security group (DELETE_FAILED)."""
    for kind in DATA_HOLDING:
        for name, resource in every.resources(kind).items():
            assert name in every.data_json["Resources"], f"{name} must live in the data stack"
            expected = "Delete" if kind == "AWS::FSx::FileSystem" else "Retain"
            assert resource.get("DeletionPolicy") == expected, name
            assert resource.get("UpdateReplacePolicy") == "Retain", name


def test_existing_bucket_is_import_only_and_never_deleted_from(synth):
    """A bucket the blueprint does not own: FSx imports only, the nodes may not delete (docs/lifecycle.md)."""
    linked = synth({"spec": {"availability_zones": ["us-east-1a"], "storage": {
        "data_bucket": {"existing": "team-datasets", "prefix": "jobs/unit"},
        "fsx": {"storage_capacity_gib": 2400}}}})
    (association,) = linked.resources("AWS::FSx::DataRepositoryAssociation").values()
    assert "AutoExportPolicy" not in association["Properties"]["S3"]
    assert association["Properties"]["S3"]["AutoImportPolicy"]["Events"] == ["NEW", "CHANGED", "DELETED"]
    actions = {a for s in identity_statements(linked.json) for a in as_list(s["Action"])}
    assert "s3:DeleteObject" not in actions and "s3:PutObject" in actions
    opted = synth({"spec": {"availability_zones": ["us-east-1a"], "storage": {
        "data_bucket": {"existing": "team-datasets", "prefix": "jobs/unit"},
        "fsx": {"storage_capacity_gib": 2400, "export_changes": True, "export_deletions": True}}}})
    (association,) = opted.resources("AWS::FSx::DataRepositoryAssociation").values()
    assert association["Properties"]["S3"]["AutoExportPolicy"]["Events"] == ["NEW", "CHANGED", "DELETED"]
    assert "s3:DeleteObject" in {a for s in identity_statements(opted.json) for a in as_list(s["Action"])}


def test_nodes_never_roll_and_spot_rebalances(default, spot_scratch):
    """Deploys do not replace running nodes (no rolling update); the refresh is an output to run when idle."""
    for synth in (default, spot_scratch):
        _, group = synth.one("AWS::AutoScaling::AutoScalingGroup")
        assert set(group.get("UpdatePolicy", {})) <= {"AutoScalingScheduledAction"}
        assert "start-instance-refresh" in json.dumps(synth.compute_json["Outputs"]["InstanceRefreshCommand"])
    assert default.one("AWS::AutoScaling::AutoScalingGroup")[1]["Properties"].get("CapacityRebalance") is None
    assert spot_scratch.one("AWS::AutoScaling::AutoScalingGroup")[1]["Properties"]["CapacityRebalance"] is True


def test_buckets_are_encrypted_private_and_tls_only(default):
    buckets = default.resources("AWS::S3::Bucket")
    assert len(buckets) == 2  # data and access logs
    for name, bucket in buckets.items():
        props = bucket["Properties"]
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"], name
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }, name
        default.template.has_resource_properties(
            "AWS::S3::BucketPolicy",
            {
                "Bucket": {"Ref": name},
                "PolicyDocument": Match.object_like(
                    {
                        "Statement": Match.array_with(
                            [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                        )
                    }
                ),
            },
        )


def test_data_bucket_uses_the_key_versioning_and_access_logs(default):
    key, _ = default.one("AWS::KMS::Key")
    logs = Capture()
    default.template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {
                        "BucketKeyEnabled": True,
                        "ServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": {"Fn::GetAtt": [key, "Arn"]},
                        },
                    }
                ]
            },
            "VersioningConfiguration": {"Status": "Enabled"},
            "LoggingConfiguration": {"DestinationBucketName": {"Ref": logs}, "LogFilePrefix": "data-bucket/"},
        },
    )
    default.template.has_resource_properties(
        "AWS::S3::Bucket",
        {"BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}},
    )
    assert default.resources("AWS::S3::Bucket")[logs.as_string()]["Properties"]["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]
    }


def test_vpc_flow_logs_go_to_the_access_logs_bucket(default):
    logs = next(k for k, v in default.resources("AWS::S3::Bucket").items() if "LoggingConfiguration" not in v["Properties"])
    default.template.has_resource_properties(
        "AWS::EC2::FlowLog",
        {
            "ResourceType": "VPC",
            "TrafficType": "ALL",
            "LogDestinationType": "s3",
            "LogDestination": {"Fn::Join": ["", [{"Fn::GetAtt": [logs, "Arn"]}, "/vpc-flow-logs/"]]},
        },
    )


def test_persistent_fsx_is_encrypted_compressed_and_linked_by_association(fsx_reserved):
    key, _ = fsx_reserved.one("AWS::KMS::Key")
    bucket = next(k for k, v in fsx_reserved.resources("AWS::S3::Bucket").items() if "LoggingConfiguration" in v["Properties"])
    subnet = Capture()
    fsx_reserved.template.has_resource_properties(
        "AWS::FSx::FileSystem",
        {
            "FileSystemType": "LUSTRE",
            "FileSystemTypeVersion": "2.15",
            "StorageCapacity": 4800,
            "KmsKeyId": {"Ref": key},
            "SubnetIds": [subnet],
            "LustreConfiguration": {
                "DeploymentType": "PERSISTENT_2",
                "PerUnitStorageThroughput": 500,
                "DataCompressionType": "LZ4",
            },
        },
    )
    file_system, _ = fsx_reserved.one("AWS::FSx::FileSystem")
    fsx_reserved.template.has_resource_properties(
        "AWS::FSx::DataRepositoryAssociation",
        {
            "FileSystemId": {"Ref": file_system},
            "FileSystemPath": "/data",
            "DataRepositoryPath": {"Fn::Join": ["", ["s3://", {"Ref": bucket}, "/team/llm/datasets/"]]},
            "BatchImportMetaDataOnCreate": True,
            "S3": {
                "AutoImportPolicy": {"Events": ["NEW", "CHANGED", "DELETED"]},
                "AutoExportPolicy": {"Events": ["NEW", "CHANGED", "DELETED"]},
            },
        },
    )
    _, group = fsx_reserved.one("AWS::AutoScaling::AutoScalingGroup")
    assert group["Properties"]["VPCZoneIdentifier"] == [subnet.as_object()]


def test_fsx_admits_lustre_ports_from_the_nodes_only(fsx_reserved):
    nodes = {"Fn::GetAtt": [node_group_id(fsx_reserved), "GroupId"]}
    (fsx_group,) = [k for k, v in fsx_reserved.resources("AWS::EC2::SecurityGroup").items()
                    if "FSx" in v["Properties"]["GroupDescription"]]
    for low, high in ((988, 988), (1018, 1023)):
        fsx_reserved.template.has_resource_properties(
            "AWS::EC2::SecurityGroupIngress",
            {"IpProtocol": "tcp", "FromPort": low, "ToPort": high, "SourceSecurityGroupId": nodes,
             "GroupId": {"Fn::GetAtt": [fsx_group, "GroupId"]}},
        )
        fsx_reserved.template.has_resource_properties(
            "AWS::EC2::SecurityGroupEgress",
            {"IpProtocol": "tcp", "FromPort": low, "ToPort": high, "GroupId": nodes,
             "DestinationSecurityGroupId": {"Fn::GetAtt": [fsx_group, "GroupId"]}},
        )


def test_scratch_fsx_links_through_import_and_export_paths(spot_scratch):
    bucket = next(k for k, v in spot_scratch.resources("AWS::S3::Bucket").items() if "LoggingConfiguration" in v["Properties"])
    linked = {"Fn::Join": ["", ["s3://", {"Ref": bucket}, "/unit"]]}
    spot_scratch.template.has_resource_properties(
        "AWS::FSx::FileSystem",
        {
            "KmsKeyId": Match.absent(),  # scratch file systems use keys FSx owns
            "FileSystemTypeVersion": Match.absent(),
            "LustreConfiguration": {
                "DeploymentType": "SCRATCH_2",
                "DataCompressionType": "LZ4",
                "ImportPath": linked,
                "ExportPath": linked,
                "AutoImportPolicy": "NEW_CHANGED_DELETED",
            },
        },
    )
    spot_scratch.template.resource_count_is("AWS::FSx::DataRepositoryAssociation", 0)


def test_no_fsx_unless_asked(default):
    default.template.resource_count_is("AWS::FSx::FileSystem", 0)


# --- network -------------------------------------------------------------------------------


def test_new_vpc_has_one_nat_an_s3_endpoint_and_flow_logs(spot_scratch):
    spot_scratch.template.has_resource_properties("AWS::EC2::VPC", {"CidrBlock": "10.40.0.0/16"})
    spot_scratch.template.resource_count_is("AWS::EC2::NatGateway", 1)
    spot_scratch.template.resource_count_is("AWS::EC2::FlowLog", 1)
    spot_scratch.template.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {"VpcEndpointType": "Gateway", "ServiceName": Match.object_like({"Fn::Join": Match.any_value()})},
    )
    zones = {s["Properties"]["AvailabilityZone"] for s in spot_scratch.resources("AWS::EC2::Subnet").values()}
    assert zones == {"us-east-1a", "us-east-1b", "us-east-1c"}


def test_existing_vpc_creates_no_network_and_no_buckets(existing):
    for kind in ("AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::NatGateway", "AWS::EC2::FlowLog", "AWS::S3::Bucket"):
        existing.template.resource_count_is(kind, 0)
    existing.template.has_resource_properties(
        "AWS::AutoScaling::AutoScalingGroup",
        {"VPCZoneIdentifier": ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]},
    )
    existing.template.has_resource_properties("AWS::EC2::SecurityGroup", {"VpcId": "vpc-0123456789abcdef0"})


# --- stack ---------------------------------------------------------------------------------


def test_tags_and_description_come_from_metadata(default):
    assert default.json["Description"] == "Unit-test cluster"
    default.template.has_resource_properties(
        "AWS::EC2::VPC",
        {
            "Tags": Match.array_with(
                [
                    {"Key": "cost-center", "Value": "4711"},
                    {"Key": "mlblueprints:blueprint", "Value": "unit"},
                    {"Key": "owner", "Value": "ml@example.com"},
                ]
            )
        },
    )
    default.template.has_resource_properties(
        "AWS::AutoScaling::AutoScalingGroup",
        {"Tags": Match.array_with([{"Key": "mlblueprints:blueprint", "PropagateAtLaunch": True, "Value": "unit"}])},
    )


def test_outputs_tell_users_where_things_are(default, fsx_reserved):
    for name in ("DataBucketName", "DataPrefix", "AutoScalingGroupName", "LaunchTemplateId", "InstanceType",
                 "ContainerImageUri", "SessionHint", "NodeEventsTopicArn"):
        default.template.has_output(name, {})
    default.template.has_output("InstanceType", {"Value": "g5.2xlarge"})
    assert "aws ssm start-session" in json.dumps(default.json["Outputs"]["SessionHint"])
    for name in ("FsxFileSystemId", "FsxDnsName", "FsxMountName"):
        fsx_reserved.template.has_output(name, {})
    assert "FsxFileSystemId" not in default.json["Outputs"]


def test_construct_ids_are_pascal_case_of_the_name():
    from stacks.naming import construct_id

    assert construct_id("llm-pretrain-p4d") == "LlmPretrainP4d"
    assert construct_id("a") == "A"


def reordered(value):
    """The same document with every mapping's keys in reverse order."""
    if isinstance(value, dict):
        return {k: reordered(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [reordered(v) for v in value]
    return value


def test_logical_ids_do_not_depend_on_key_order_tags_or_owner(synth, default):
    document = reordered(patched(TAGGED))
    document["metadata"].update(
        owner="someone-else@example.com",
        description="renamed cluster",
        tags={"team": "vision", "cost-center": "1"},
    )
    other = synth({}, document=document)
    assert set(other.json["Resources"]) == set(default.json["Resources"])
    assert set(other.json["Outputs"]) == set(default.json["Outputs"])
