"""What must exist after a deploy, asked through boto3, with expectations read from the template.

Each check takes a :class:`DeployedStack` and returns a :class:`Result`; it passes
when the stack has nothing of its kind (a stack without SageMaker endpoints passes
``sagemaker_endpoints``), so every check runs on every stack, of every kind.
``make deploy-local`` prints the results; ``tests/e2e`` asserts them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import boto3
from botocore.config import Config

from e2e.emulator import DUMMY_CREDENTIALS

#: Types moto's CloudFormation accepts but does not create (it logs "No Moto CloudFormation
#: support for ..." and lists no resource). Anything else missing after a deploy is a failure,
#: so a new stack kind that brings another such type is noticed, not silently skipped.
EMULATOR_SKIPS = frozenset(
    {
        "AWS::CDK::Metadata",
        "AWS::S3::BucketPolicy",
        "AWS::SNS::TopicPolicy",
        "AWS::FSx::FileSystem",
        "AWS::FSx::DataRepositoryAssociation",
        "AWS::EC2::PlacementGroup",
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        "AWS::CloudWatch::Alarm",
    }
)
DONE = ("CREATE_COMPLETE", "UPDATE_COMPLETE")
SSM_VALUE = re.compile(r"^AWS::SSM::Parameter::Value<.+>$")
#: stacks.handoff.PARAMETER_ROOT (not imported: no aws_cdk here).
HANDOFF_ROOT = "/mlblueprints/"
DATA_SUFFIX = "-data"


def client(service: str, region: str, endpoint_url: str):
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"max_attempts": 2}),
    )


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class DeployedStack:
    """A stack as CloudFormation (the emulator) reports it, next to the template it was deployed from."""

    stack_name: str
    region: str
    template: dict
    endpoint_url: str
    #: logical id -> (type, physical id, status), for every resource CloudFormation lists
    resources: dict[str, tuple[str, str, str]]
    #: (region, public parameter path) -> the AMI the emulator serves for it
    images: dict[tuple[str, str], str]

    @classmethod
    def describe(cls, artifact, endpoint_url: str, images: dict[tuple[str, str], str]) -> DeployedStack:
        cloudformation = client("cloudformation", artifact.region, endpoint_url)
        resources = {}
        for page in cloudformation.get_paginator("list_stack_resources").paginate(StackName=artifact.stack_name):
            for summary in page["StackResourceSummaries"]:
                if summary.get("LogicalResourceId"):
                    resources[summary["LogicalResourceId"]] = (
                        summary["ResourceType"],
                        summary.get("PhysicalResourceId", ""),
                        summary["ResourceStatus"],
                    )
        return cls(artifact.stack_name, artifact.region, artifact.template, endpoint_url, resources, images)

    def client(self, service: str):
        return client(service, self.region, self.endpoint_url)

    def template_resources(self, resource_type: str) -> dict[str, dict]:
        return {
            logical: resource.get("Properties", {})
            for logical, resource in self.template["Resources"].items()
            if resource["Type"] == resource_type
        }

    def physical_id(self, logical_id: str) -> str:
        return self.resources[logical_id][1]

    def value_of(self, ref: object) -> str | None:
        """What a ``{"Ref": ...}`` resolved to: a resource's physical id, or an SSM-typed parameter's value
        (a compute stack reads its data stack through those: stacks/handoff.py)."""
        if not isinstance(ref, dict) or "Ref" not in ref:
            return ref if isinstance(ref, str) else None
        name = ref["Ref"]
        if name in self.resources:
            return self.physical_id(name)
        parameter = self.template.get("Parameters", {}).get(name, {})
        if SSM_VALUE.match(parameter.get("Type", "")) and parameter.get("Default", "").startswith(HANDOFF_ROOT):
            return self.client("ssm").get_parameter(Name=parameter["Default"])["Parameter"]["Value"]
        return None

    @property
    def skipped_logical_ids(self) -> list[str]:
        return sorted(set(self.template["Resources"]) - set(self.resources))

    def image_for(self, image_id: object) -> str | None:
        """The AMI a launch template's ``ImageId`` should hold: a Ref to an SSM parameter, or a literal."""
        if image_id is None or isinstance(image_id, str):
            return image_id
        parameter = self.template.get("Parameters", {}).get(image_id.get("Ref", ""), {})
        return self.images.get((self.region, parameter.get("Default", "")))


def _result(name: str, problems: list[str], passed: str) -> Result:
    return Result(name, not problems, "; ".join(problems) if problems else passed)


def _get_att(value: object) -> tuple[str, str] | None:
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        logical, attribute = value["Fn::GetAtt"]
        return logical, attribute
    return None


# --- checks ---------------------------------------------------------------------------------


def all_resources_created(stack: DeployedStack) -> Result:
    problems = [
        f"{logical} ({stack.template['Resources'][logical]['Type']}) was not created"
        for logical in stack.skipped_logical_ids
        if stack.template["Resources"][logical]["Type"] not in EMULATOR_SKIPS
    ]
    problems += [
        f"{logical} is {status}" for logical, (_, _, status) in stack.resources.items() if status not in DONE
    ]
    skipped = len(stack.skipped_logical_ids)
    return _result(
        "all resources created",
        problems,
        f"{len(stack.resources)} created, {skipped} of the emulator's known unsupported types skipped",
    )


def network(stack: DeployedStack) -> Result:
    problems = []
    ec2 = stack.client("ec2")
    vpcs = stack.template_resources("AWS::EC2::VPC")
    for logical, properties in vpcs.items():
        vpc = ec2.describe_vpcs(VpcIds=[stack.physical_id(logical)])["Vpcs"][0]
        if vpc["CidrBlock"] != properties["CidrBlock"]:
            problems.append(f"{logical}: CIDR {vpc['CidrBlock']}, template {properties['CidrBlock']}")
    subnets = stack.template_resources("AWS::EC2::Subnet")
    if subnets:
        described = {
            s["SubnetId"]: s
            for s in ec2.describe_subnets(SubnetIds=[stack.physical_id(l) for l in subnets])["Subnets"]
        }
        for logical, properties in subnets.items():
            subnet = described.get(stack.physical_id(logical))
            if subnet is None:
                problems.append(f"{logical}: no such subnet")
                continue
            for key in ("CidrBlock", "AvailabilityZone"):
                if isinstance(properties.get(key), str) and subnet.get(key) != properties[key]:
                    problems.append(f"{logical}: {key} {subnet.get(key)!r}, template {properties[key]!r}")
            # Subnets that must not hand out public IPs (the node subnets) do not. moto ignores
            # MapPublicIpOnLaunch: true on the NAT-only public subnets, so that side is not checked.
            if not properties.get("MapPublicIpOnLaunch") and subnet.get("MapPublicIpOnLaunch"):
                problems.append(f"{logical}: maps public IPs on launch")
            vpc_ref = properties.get("VpcId", {}).get("Ref")
            if vpc_ref in stack.resources and subnet["VpcId"] != stack.physical_id(vpc_ref):
                problems.append(f"{logical}: in {subnet['VpcId']}, not in the stack's VPC")
    return _result("VPC and subnets", problems, f"{len(vpcs)} VPC(s), {len(subnets)} subnet(s) as in the template")


def _rule_keys(permissions: list[dict]) -> set[tuple]:
    keys = set()
    for permission in permissions:
        head = (permission["IpProtocol"], permission.get("FromPort"), permission.get("ToPort"))
        keys |= {(*head, r["CidrIp"]) for r in permission.get("IpRanges", [])}
        keys |= {(*head, p["GroupId"]) for p in permission.get("UserIdGroupPairs", [])}
    return keys


def _template_rule(properties: dict, peer_key: str, groups: dict[str, str]) -> tuple:
    peer = properties.get("CidrIp") or groups.get((_get_att(properties.get(peer_key)) or ("", ""))[0])
    protocol = str(properties["IpProtocol"])
    if protocol == "-1":
        return ("-1", None, None, peer)
    return (protocol, properties.get("FromPort"), properties.get("ToPort"), peer)


def security_groups(stack: DeployedStack) -> Result:
    """Every group has exactly the template's rules, and the self-referencing ones are there."""
    problems = []
    groups = {logical: stack.physical_id(logical) for logical in stack.template_resources("AWS::EC2::SecurityGroup")}
    if not groups:
        return _result("security groups", [], "none in this stack")
    expected = {gid: {"in": set(), "out": set()} for gid in groups.values()}
    for logical, properties in stack.template_resources("AWS::EC2::SecurityGroup").items():
        for rule in properties.get("SecurityGroupIngress", []):
            expected[groups[logical]]["in"].add(_template_rule(rule, "SourceSecurityGroupId", groups))
        egress = properties.get("SecurityGroupEgress")
        # No egress list means CloudFormation's default: all traffic to anywhere.
        rules = egress or [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]
        for rule in rules:
            expected[groups[logical]]["out"].add(_template_rule(rule, "DestinationSecurityGroupId", groups))
    self_rules = 0
    for direction, resource_type, peer_key in (
        ("in", "AWS::EC2::SecurityGroupIngress", "SourceSecurityGroupId"),
        ("out", "AWS::EC2::SecurityGroupEgress", "DestinationSecurityGroupId"),
    ):
        for properties in stack.template_resources(resource_type).values():
            owner = _get_att(properties.get("GroupId"))
            if owner is None or owner[0] not in groups:
                continue
            rule = _template_rule(properties, peer_key, groups)
            expected[groups[owner[0]]][direction].add(rule)
            self_rules += rule[3] == groups[owner[0]]
    described = stack.client("ec2").describe_security_groups(GroupIds=list(groups.values()))["SecurityGroups"]
    for group in described:
        for direction, field in (("in", "IpPermissions"), ("out", "IpPermissionsEgress")):
            actual = _rule_keys(group[field])
            if actual != expected[group["GroupId"]][direction]:
                problems.append(
                    f"{group['GroupId']} {direction}: has {sorted(map(str, actual))}, "
                    f"template {sorted(map(str, expected[group['GroupId']][direction]))}"
                )
    return _result(
        "security groups",
        problems,
        f"{len(groups)} group(s) with exactly the template's rules, {self_rules} self-referencing",
    )


def launch_templates(stack: DeployedStack) -> Result:
    """IMDSv2 required, encrypted volumes, the seeded AMI, and the template's network interfaces (EFA)."""
    problems, interfaces = [], 0
    templates = stack.template_resources("AWS::EC2::LaunchTemplate")
    ec2 = stack.client("ec2")
    for logical, properties in templates.items():
        data = properties["LaunchTemplateData"]
        version = ec2.describe_launch_template_versions(
            LaunchTemplateId=stack.physical_id(logical), Versions=["$Latest"]
        )["LaunchTemplateVersions"][0]["LaunchTemplateData"]
        metadata = version.get("MetadataOptions", {})
        if metadata.get("HttpTokens") != "required":
            problems.append(f"{logical}: IMDS HttpTokens {metadata.get('HttpTokens')!r}, want 'required'")
        expected_hops = data.get("MetadataOptions", {}).get("HttpPutResponseHopLimit")
        if expected_hops is not None and metadata.get("HttpPutResponseHopLimit") != expected_hops:
            problems.append(f"{logical}: IMDS hop limit {metadata.get('HttpPutResponseHopLimit')}, want {expected_hops}")
        for device in version.get("BlockDeviceMappings", []):
            if "Ebs" in device and not device["Ebs"].get("Encrypted"):
                problems.append(f"{logical}: {device['DeviceName']} is not encrypted")
        image = stack.image_for(data.get("ImageId"))
        if image is not None and version.get("ImageId") != image:
            problems.append(f"{logical}: boots {version.get('ImageId')}, want {image} (from the public parameter)")
        if isinstance(data.get("InstanceType"), str) and version.get("InstanceType") != data["InstanceType"]:
            problems.append(f"{logical}: instance type {version.get('InstanceType')}, template {data['InstanceType']}")
        want = [_interface_key(i) for i in data.get("NetworkInterfaces", [])]
        have = [_interface_key(i) for i in version.get("NetworkInterfaces", [])]
        if sorted(want) != sorted(have):
            problems.append(f"{logical}: network interfaces {sorted(have)}, template {sorted(want)}")
        if any(i.get("AssociatePublicIpAddress") for i in version.get("NetworkInterfaces", [])):
            problems.append(f"{logical}: nodes get a public IP")
        interfaces += len(have)
    efa = f", {interfaces} network interface(s) as in the template" if interfaces else ""
    return _result(
        "launch templates", problems, f"{len(templates)} with IMDSv2 required, encrypted volumes, seeded AMI{efa}"
    )


def _interface_key(interface: dict) -> tuple:
    return (
        int(interface.get("NetworkCardIndex", 0)),
        int(interface.get("DeviceIndex", 0)),
        interface.get("InterfaceType", "interface"),
    )


def buckets(stack: DeployedStack) -> Result:
    """Encryption as in the template: SSE-KMS with the stack's own key, or SSE-S3.

    moto's CloudFormation applies only ``BucketEncryption`` and ``Tags`` of a bucket; public
    access block, versioning, logging, lifecycle and ownership are checked where the emulator
    applied them, and the Template tests cover what the template asks for.
    """
    problems = []
    s3 = stack.client("s3")
    templates = stack.template_resources("AWS::S3::Bucket")
    for logical, properties in templates.items():
        name = stack.physical_id(logical)
        rules = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
        default = rules[0]["ApplyServerSideEncryptionByDefault"]
        want = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
        if default["SSEAlgorithm"] != want["SSEAlgorithm"]:
            problems.append(f"{logical}: {default['SSEAlgorithm']}, template {want['SSEAlgorithm']}")
        key = _get_att(want.get("KMSMasterKeyID"))
        if key is not None:
            key_id = stack.physical_id(key[0])
            if not default.get("KMSMasterKeyID", "").endswith(key_id):
                problems.append(f"{logical}: encrypted with {default.get('KMSMasterKeyID')}, not the stack's key {key_id}")
    return _result("buckets", problems, f"{len(templates)} encrypted as the template says")


def iam_roles(stack: DeployedStack) -> Result:
    """Each role exists, trusts the template's service, and carries the template's policies.

    moto's CloudFormation does not attach a role's ``ManagedPolicyArns`` (nor load AWS managed
    policies), so those are not checked; ``AWS::IAM::Policy`` resources are, by name.
    """
    problems = []
    iam = stack.client("iam")
    templates = stack.template_resources("AWS::IAM::Role")
    for logical, properties in templates.items():
        name = stack.physical_id(logical)
        role = iam.get_role(RoleName=name)["Role"]
        trust = role["AssumeRolePolicyDocument"]
        trust = json.loads(trust) if isinstance(trust, str) else trust
        services = {s["Principal"].get("Service") for s in trust["Statement"]}
        want = {s["Principal"].get("Service") for s in properties["AssumeRolePolicyDocument"]["Statement"]}
        if services != want:
            problems.append(f"{logical}: trusts {services}, template {want}")
    policies = 0
    for logical, properties in stack.template_resources("AWS::IAM::Policy").items():
        for role in properties.get("Roles", []):
            if isinstance(role, dict) and role.get("Ref") in templates:
                role_name = stack.physical_id(role["Ref"])
                if properties["PolicyName"] not in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
                    problems.append(f"{logical}: not on role {role_name}")
                policies += 1
    return _result("IAM roles", problems, f"{len(templates)} with their trust; {policies} policy attachment(s)")


def kms_keys(stack: DeployedStack) -> Result:
    problems = []
    kms = stack.client("kms")
    templates = stack.template_resources("AWS::KMS::Key")
    for logical, properties in templates.items():
        key_id = stack.physical_id(logical)
        if not kms.describe_key(KeyId=key_id)["KeyMetadata"]["Enabled"]:
            problems.append(f"{logical}: disabled")
        if properties.get("EnableKeyRotation") and not kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"]:
            problems.append(f"{logical}: rotation off")
    return _result("KMS keys", problems, f"{len(templates)} enabled, rotating where asked")


def auto_scaling_groups(stack: DeployedStack) -> Result:
    """Sizes as in the template; ``desired`` nodes running in the template's subnets, on the seeded AMI."""
    problems, running = [], 0
    templates = stack.template_resources("AWS::AutoScaling::AutoScalingGroup")
    autoscaling = stack.client("autoscaling")
    ec2 = stack.client("ec2")
    for logical, properties in templates.items():
        group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[stack.physical_id(logical)])[
            "AutoScalingGroups"
        ][0]
        for key in ("MinSize", "MaxSize", "DesiredCapacity"):
            if key in properties and str(group[key]) != str(properties[key]):
                problems.append(f"{logical}: {key} {group[key]}, template {properties[key]}")
        subnets = {stack.value_of(s) for s in properties.get("VPCZoneIdentifier", [])} - {None}
        instance_ids = [i["InstanceId"] for i in group["Instances"]]
        if len(instance_ids) != int(properties.get("DesiredCapacity", properties["MinSize"])):
            problems.append(f"{logical}: {len(instance_ids)} node(s), want {properties.get('DesiredCapacity')}")
        if instance_ids:
            reservations = ec2.describe_instances(InstanceIds=instance_ids)["Reservations"]
            for instance in (i for r in reservations for i in r["Instances"]):
                running += 1
                if subnets and instance.get("SubnetId") not in subnets:
                    problems.append(f"{instance['InstanceId']}: in {instance.get('SubnetId')}, not a node subnet")
                if instance.get("PublicIpAddress"):
                    problems.append(f"{instance['InstanceId']}: has a public IP")
    return _result("Auto Scaling groups", problems, f"{len(templates)} sized as the template, {running} node(s) running")


def sagemaker_endpoints(stack: DeployedStack) -> Result:
    """Model, endpoint config and endpoint exist; the endpoint is InService with the template's variants."""
    problems = []
    sagemaker = stack.client("sagemaker")
    endpoints = stack.template_resources("AWS::SageMaker::Endpoint")
    for logical in stack.template_resources("AWS::SageMaker::Model"):
        try:
            sagemaker.describe_model(ModelName=_name_from_arn(stack.physical_id(logical)))
        except sagemaker.exceptions.ClientError as error:
            problems.append(f"{logical}: {error}")
    for logical, properties in stack.template_resources("AWS::SageMaker::EndpointConfig").items():
        config = sagemaker.describe_endpoint_config(EndpointConfigName=_name_from_arn(stack.physical_id(logical)))
        want = sorted(
            (v["VariantName"], v.get("InstanceType"), float(v.get("InitialVariantWeight", 1)))
            for v in properties.get("ProductionVariants", [])
        )
        have = sorted(
            (v["VariantName"], v.get("InstanceType"), float(v.get("InitialVariantWeight", 1)))
            for v in config.get("ProductionVariants", [])
        )
        if want != have:
            problems.append(f"{logical}: variants {have}, template {want}")
    for logical in endpoints:
        endpoint = sagemaker.describe_endpoint(EndpointName=_name_from_arn(stack.physical_id(logical)))
        if endpoint["EndpointStatus"] != "InService":
            problems.append(f"{logical}: {endpoint['EndpointStatus']}")
    return _result("SageMaker endpoints", problems, f"{len(endpoints)} InService with model and endpoint config")


def batch_clusters(stack: DeployedStack) -> Result:
    """Compute environment on the stack's launch template and subnets, its queue, and the multi-node job."""
    problems = []
    batch = stack.client("batch")
    environments = stack.template_resources("AWS::Batch::ComputeEnvironment")
    for logical, properties in environments.items():
        (described,) = batch.describe_compute_environments(computeEnvironments=[stack.physical_id(logical)])[
            "computeEnvironments"
        ]
        resources = described.get("computeResources", {})
        want = properties["ComputeResources"]
        if described.get("state") != properties.get("State", "ENABLED"):
            problems.append(f"{logical}: state {described.get('state')}")
        if resources.get("instanceTypes") != want.get("InstanceTypes"):
            problems.append(f"{logical}: instance types {resources.get('instanceTypes')}, template {want.get('InstanceTypes')}")
        template_ref = want.get("LaunchTemplate", {}).get("LaunchTemplateId", {}).get("Ref")
        if template_ref and resources.get("launchTemplate", {}).get("launchTemplateId") != stack.physical_id(template_ref):
            problems.append(f"{logical}: not on the stack's launch template")
        subnets = {stack.value_of(s) for s in want.get("Subnets", [])} - {None}
        if subnets and set(resources.get("subnets", [])) != subnets:
            problems.append(f"{logical}: subnets {resources.get('subnets')}, template {sorted(subnets)}")
    queues = stack.template_resources("AWS::Batch::JobQueue")
    for logical in queues:
        (queue,) = batch.describe_job_queues(jobQueues=[stack.physical_id(logical)])["jobQueues"]
        if queue.get("state") != "ENABLED" or not queue.get("computeEnvironmentOrder"):
            problems.append(f"{logical}: {queue.get('state')}, {len(queue.get('computeEnvironmentOrder', []))} environment(s)")
    definitions = stack.template_resources("AWS::Batch::JobDefinition")
    for logical, properties in definitions.items():
        name = _name_from_arn(stack.physical_id(logical)).split(":")[0]
        described = batch.describe_job_definitions(jobDefinitionName=name, status="ACTIVE")["jobDefinitions"]
        if not described:
            problems.append(f"{logical}: no active job definition {name}")
            continue
        # moto's DescribeJobDefinitions leaves out nodeProperties, so the node count is not compared.
        if described[-1]["type"] != properties.get("Type", "container"):
            problems.append(f"{logical}: type {described[-1]['type']}, template {properties.get('Type')}")
    return _result(
        "AWS Batch",
        problems,
        f"{len(environments)} compute environment(s), {len(queues)} queue(s), {len(definitions)} job definition(s)",
    )


def _name_from_arn(physical_id: str) -> str:
    return physical_id.rsplit("/", 1)[-1] if physical_id.startswith("arn:") else physical_id


def job_container_network(stack: DeployedStack) -> Result:
    """The security group a Batch MNP job container's interface really gets admits and reaches the job's other nodes.

    Multi-node parallel jobs use ``awsvpc``: each container's interface gets the compute
    environment's security groups, or the VPC's default group when it has none (Batch User
    Guide, "Compute environment considerations for MNP"). This finds that effective group from
    the deployed compute environment and its subnet's VPC, and reads its deployed rules.
    """
    problems, checked = [], 0
    batch, ec2 = stack.client("batch"), stack.client("ec2")
    for logical in stack.template_resources("AWS::Batch::ComputeEnvironment"):
        (described,) = batch.describe_compute_environments(computeEnvironments=[stack.physical_id(logical)])[
            "computeEnvironments"
        ]
        resources = described.get("computeResources", {})
        groups = resources.get("securityGroupIds") or []
        if not groups:
            (subnet,) = ec2.describe_subnets(SubnetIds=resources["subnets"][:1])["Subnets"]
            default = ec2.describe_security_groups(
                Filters=[{"Name": "vpc-id", "Values": [subnet["VpcId"]]}, {"Name": "group-name", "Values": ["default"]}]
            )["SecurityGroups"]
            groups = [g["GroupId"] for g in default]
        for group in ec2.describe_security_groups(GroupIds=groups)["SecurityGroups"]:
            own = group["GroupId"]
            admits = any(
                p["IpProtocol"] == "-1" and own in [g["GroupId"] for g in p.get("UserIdGroupPairs", [])]
                for p in group["IpPermissions"]
            )
            reaches = any(
                p["IpProtocol"] == "-1"
                and (own in [g["GroupId"] for g in p.get("UserIdGroupPairs", [])]
                     or any(r["CidrIp"] == "0.0.0.0/0" for r in p.get("IpRanges", [])))
                for p in group["IpPermissionsEgress"]
            )
            if not admits:
                problems.append(f"{logical}: job containers' group {own} does not admit the job's other nodes")
            if not reaches:
                problems.append(f"{logical}: job containers' group {own} cannot send to the job's other nodes")
            checked += 1
    return _result("Batch job container network", problems, f"{checked} effective job-container group(s) open to the job's nodes")


ALL: tuple[Callable[[DeployedStack], Result], ...] = (
    all_resources_created,
    network,
    security_groups,
    launch_templates,
    buckets,
    iam_roles,
    kms_keys,
    auto_scaling_groups,
    sagemaker_endpoints,
    batch_clusters,
    job_container_network,
)


def verify(stack: DeployedStack) -> list[Result]:
    results = []
    for check in ALL:
        try:
            results.append(check(stack))
        except Exception as error:  # a describe call that fails is a failed check, not a crash
            results.append(Result(check.__name__.replace("_", " "), False, f"{type(error).__name__}: {error}"))
    return results


# --- after update and destroy -----------------------------------------------------------------


def node_count(stack: DeployedStack, desired: int) -> Result:
    groups = stack.template_resources("AWS::AutoScaling::AutoScalingGroup")
    problems = []
    for logical in groups:
        group = stack.client("autoscaling").describe_auto_scaling_groups(
            AutoScalingGroupNames=[stack.physical_id(logical)]
        )["AutoScalingGroups"][0]
        if group["DesiredCapacity"] != desired or len(group["Instances"]) != desired:
            problems.append(f"{logical}: desired {group['DesiredCapacity']}, {len(group['Instances'])} node(s); want {desired}")
    return _result("update: node count", problems, f"desired capacity and running nodes now {desired}")


RETAINED_TYPES = ("AWS::S3::Bucket", "AWS::KMS::Key")


def retained(stack: DeployedStack) -> list[tuple[str, str, str]]:
    """(region, type, physical id) of what the stack keeps on delete; read before destroying."""
    return [
        (stack.region, resource["Type"], stack.physical_id(logical))
        for logical, resource in stack.template["Resources"].items()
        if resource["Type"] in RETAINED_TYPES and resource.get("DeletionPolicy") == "Retain" and logical in stack.resources
    ]


def _status(artifact, endpoint_url: str) -> str | None:
    """The stack's current status, None once it is deleted."""
    cloudformation = client("cloudformation", artifact.region, endpoint_url)
    for summary in cloudformation.list_stacks()["StackSummaries"]:
        if summary["StackName"] == artifact.stack_name and summary["StackStatus"] != "DELETE_COMPLETE":
            return summary["StackStatus"]
    return None


def compute_destroyed(assembly, endpoint_url: str) -> Result:
    """After ``cdk destroy --all``: every compute stack is gone, every data stack is intact (termination protection)."""
    problems = []
    for artifact in assembly.stacks:
        status = _status(artifact, endpoint_url)
        if artifact.stack_name.endswith(DATA_SUFFIX):
            if status not in DONE:
                problems.append(f"{artifact.stack_name} is {status or 'deleted'}; the data stack must survive")
        elif status is not None:
            problems.append(f"{artifact.stack_name} is {status}")
    return _result(
        "cdk destroy --all", problems, "every compute stack deleted; every data stack refused deletion and is intact"
    )


def destroyed(assembly, endpoint_url: str, kept: list[tuple[str, str, str]]) -> Result:
    """After the deliberate data delete: every stack is gone; what they retain (buckets, KMS keys) is still there."""
    problems = []
    for artifact in assembly.stacks:
        status = _status(artifact, endpoint_url)
        if status is not None:
            problems.append(f"{artifact.stack_name} is {status}")
    for region, resource_type, physical_id in kept:
        try:
            if resource_type == "AWS::S3::Bucket":
                client("s3", region, endpoint_url).head_bucket(Bucket=physical_id)
            else:
                client("kms", region, endpoint_url).describe_key(KeyId=physical_id)
        except Exception as error:  # noqa: BLE001 - any failure means it is gone
            problems.append(f"retained {resource_type} {physical_id} is gone: {error}")
    return _result("destroy", problems, f"every stack deleted; {len(kept)} retained bucket(s) and key(s) kept, by design")
