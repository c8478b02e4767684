"""Small patches to moto, applied only inside the emulator process (``e2e.emulator serve``).

Each one works around a place where moto does not do what AWS does, so that the
templates real users get deploy unchanged. Every docstring says what AWS does
("AWS:") and what moto does without the shim ("moto:"). None of them makes
moto accept something AWS would reject; where moto accepts what AWS rejects and
that has bitten us, a shim makes it refuse the same way (Batch security group
exclusivity, deleting a termination-protected stack). README "Deploy locally"
lists them with the other emulator limits.
"""

from __future__ import annotations

import functools
import json
import uuid


def apply_all() -> None:
    complete_custom_resources_without_handler()
    refuse_deleting_protected_stacks()
    update_termination_protection()
    refuse_batch_security_groups_next_to_interfaces()
    batch_security_groups_from_the_launch_template()
    accept_flow_log_s3_prefix()
    tag_kms_keys_from_templates()
    tag_ssm_parameters_from_templates()
    create_security_group_egress_resources()
    apply_inline_security_group_egress()
    keep_default_parameters_on_update()
    delete_route_tables_with_their_stack()
    batch_service_linked_role_by_default()
    register_multinode_job_definitions()


def complete_custom_resources_without_handler() -> None:
    """Lambda-backed custom resources succeed at once, with no attributes, without running their handler.

    AWS: CloudFormation invokes the resource's Lambda handler and waits for its answer.
    moto: runs the Lambda in Docker, which this machine does not have (and could not
    pull images for); the stack would wait for the handler's answer for ever.

    Our stacks use two of CDK's handlers. ``Custom::VpcRestrictDefaultSG`` revokes
    the default security group's default rules (all in from itself, all out) on
    create; the shim does exactly that, so the rules the data stack adds to that
    group afterwards (Batch job containers) are checked against what AWS leaves.
    ``Custom::LogRetention`` (endpoint log groups) only sets a retention and is
    not reproduced.
    """
    from moto.cloudformation import cloudformation_backends
    from moto.cloudformation.custom_model import CustomModel
    from moto.ec2.models import ec2_backends

    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        resource = cls(region_name, str(uuid.uuid4()), kwargs["LogicalId"], resource_name)
        cloudformation_backends[account_id][region_name].get_stack(kwargs["StackId"]).add_custom_resource(resource)
        properties = cloudformation_json.get("Properties", {})
        if cloudformation_json.get("Type") == "Custom::VpcRestrictDefaultSG":
            _revoke_default_rules(ec2_backends[account_id][region_name], properties["DefaultSecurityGroupId"])
        resource.set_data({})
        return resource

    CustomModel.create_from_cloudformation_json = classmethod(create)


def _revoke_default_rules(backend, group_id: str) -> None:
    """What CDK's restrict-default-security-group handler does on create (aws-ec2, Vpc): revoke the default
    group's all-out and all-from-itself rules, a rule already gone being no error."""
    from moto.ec2.exceptions import InvalidPermissionNotFoundError

    group = backend.get_security_group_from_id(group_id)
    for revoke, peer in (
        (backend.revoke_security_group_egress, dict(ip_ranges=[{"CidrIp": "0.0.0.0/0"}])),
        (backend.revoke_security_group_ingress, dict(ip_ranges=[], source_groups=[{"GroupId": group_id}])),
    ):
        try:
            revoke(group_name_or_id=group_id, ip_protocol="-1", from_port=None, to_port=None,
                   vpc_id=group.vpc_id, **peer)
        except InvalidPermissionNotFoundError:
            pass


def refuse_deleting_protected_stacks() -> None:
    """DeleteStack of a stack with termination protection fails, and the stack is left as it was.

    AWS: "Stack [<name>] cannot be deleted while TerminationProtection is enabled"
    (ValidationError; CloudFormation User Guide, "Protect a stack from being deleted").
    Every blueprint's data stack is protected, so ``cdk destroy --all`` stops there.
    moto: stores the flag given to CreateStack and deletes the stack anyway.
    """
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.models import CloudFormationBackend

    original = CloudFormationBackend.delete_stack
    if getattr(original, "_mlbp_shim", False):
        return

    @functools.wraps(original)
    def delete_stack(self, name_or_stack_id):
        for stack in list(self.stacks.values()):
            if name_or_stack_id in (stack.stack_id, stack.name) and stack.enable_termination_protection:
                raise ValidationError(
                    message=f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled"
                )
        return original(self, name_or_stack_id)

    delete_stack._mlbp_shim = True
    CloudFormationBackend.delete_stack = delete_stack


def update_termination_protection() -> None:
    """UpdateTerminationProtection turns a stack's termination protection on or off.

    AWS: the API the CDK CLI calls when a stack's ``terminationProtection`` differs
    from the deployed one, and the documented way to delete a protected stack on
    purpose (docs/lifecycle.md, "Delete"). moto: has no such action.
    """
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.models import cloudformation_backends
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.core.responses import ActionResult

    if hasattr(CloudFormationResponse, "update_termination_protection"):
        return

    def update(self):
        name = self._get_param("StackName")
        backend = cloudformation_backends[self.current_account][self.region]
        stack = next((s for s in backend.stacks.values() if name in (s.stack_id, s.name)), None)
        if stack is None:
            raise ValidationError(name)
        stack.enable_termination_protection = str(self._get_param("EnableTerminationProtection")).lower() == "true"
        return ActionResult({"StackId": stack.stack_id})

    CloudFormationResponse.update_termination_protection = update


def refuse_batch_security_groups_next_to_interfaces() -> None:
    """A compute environment with ``SecurityGroupIds`` and a launch template with ``NetworkInterfaces`` fails.

    AWS: CreateComputeEnvironment answers "Either compute environment Security Groups
    or Network Interfaces in Launch template are exclusively allowed" (aws/aws-cdk#21577),
    and the stack ends in CREATE_FAILED. Our EFA launch templates carry the interfaces,
    so the compute environment must carry no groups. moto: accepts both.
    """
    from moto.batch.exceptions import ClientException
    from moto.batch.models import ComputeEnvironment
    from moto.ec2.models import ec2_backends

    original = ComputeEnvironment.create_from_cloudformation_json.__func__
    if getattr(original, "_mlbp_strict", False):
        return

    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        resources = cloudformation_json["Properties"].get("ComputeResources", {})
        reference = resources.get("LaunchTemplate") or {}
        if resources.get("SecurityGroupIds") and reference.get("LaunchTemplateId"):
            template = ec2_backends[account_id][region_name].get_launch_template(reference["LaunchTemplateId"])
            if template.get_version(reference.get("Version", "$Default")).data.get("NetworkInterfaces"):
                raise ClientException(
                    "Either compute environment Security Groups or Network Interfaces in Launch template "
                    "are exclusively allowed"
                )
        return original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    create._mlbp_strict = True
    ComputeEnvironment.create_from_cloudformation_json = classmethod(create)


def batch_security_groups_from_the_launch_template() -> None:
    """A managed EC2 compute environment without ``SecurityGroupIds`` is created.

    AWS: ``securityGroupIds`` is optional for EC2 compute resources; instances get the
    groups of the launch template's network interfaces, and multi-node parallel job
    containers the VPC's default group (Batch User Guide, "Compute environment
    considerations for MNP"); with interfaces in the launch template it must be absent
    (see refuse_batch_security_groups_next_to_interfaces). moto: demands at least one
    group ("At least 1 security group must be provided", or a KeyError). The shim
    validates the other fields as moto does and stores the compute resources without
    groups, as AWS describes them.
    """
    from moto.batch.models import BatchBackend

    original = BatchBackend._validate_compute_resources
    if getattr(original, "_mlbp_shim", False):
        return

    @functools.wraps(original)
    def validate(self, cr):
        if "securityGroupIds" in cr:
            return original(self, cr)
        subnet = self.ec2_backend.get_subnet(cr["subnets"][0])
        default = self.ec2_backend.get_security_group_by_name_or_id("default", subnet.vpc_id)
        return original(self, {**cr, "securityGroupIds": [default.id]})

    validate._mlbp_shim = True
    BatchBackend._validate_compute_resources = validate


def accept_flow_log_s3_prefix() -> None:
    """A flow log to ``arn:aws:s3:::bucket/prefix/`` finds its bucket.

    AWS: accepts a folder after the bucket in the destination ARN (VPC User Guide,
    "Publish flow logs to Amazon S3"); moto looks the whole ``bucket/prefix/``
    up as a bucket name, reports it missing and then fails in CloudFormation with
    an IndexError. The flow log is created with the bucket-only ARN and given
    back its full destination afterwards.
    """
    from moto.ec2.models.flow_logs import FlowLogsBackend

    original = FlowLogsBackend.create_flow_logs
    if getattr(original, "_mlbp_shim", False):
        return

    @functools.wraps(original)
    def create_flow_logs(self, resource_type, resource_ids, traffic_type, deliver_logs_permission_arn,
                         log_destination_type, log_destination, *args, **kwargs):
        bucket_only = log_destination
        if log_destination_type == "s3" and log_destination and log_destination.count(":") >= 5:
            head, _, path = log_destination.rpartition(":")
            bucket_only = f"{head}:{path.split('/', 1)[0]}"
        flow_logs, unsuccessful = original(
            self, resource_type, resource_ids, traffic_type, deliver_logs_permission_arn,
            log_destination_type, bucket_only, *args, **kwargs,
        )
        for flow_log in flow_logs:
            flow_log.log_destination = log_destination
        return flow_logs, unsuccessful

    create_flow_logs._mlbp_shim = True
    FlowLogsBackend.create_flow_logs = create_flow_logs


def tag_kms_keys_from_templates() -> None:
    """``AWS::KMS::Key`` with ``Tags`` and a ``KeyPolicy`` deploys and then answers API calls.

    AWS: the key is created with its tags and policy. moto (below): CloudFormation writes tags as ``{Key, Value}``, the KMS API as ``{TagKey, TagValue}``;
    moto hands the template's tags to the API code unchanged and fails with
    ``KeyError: 'TagKey'``. Every key we create is tagged (blueprint and owner tags).
    moto also stores the template's key policy as an object where its API code
    expects JSON text, so every later call on the key (DescribeKey, and S3's
    SSE-KMS) fails with a TypeError.
    """
    from moto.kms.models import Key

    original = Key.create_from_cloudformation_json.__func__
    if getattr(original, "_mlbp_shim", False):
        return

    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json.get("Properties", {})
        if isinstance(properties.get("KeyPolicy"), dict):
            properties = {**properties, "KeyPolicy": json.dumps(properties["KeyPolicy"])}
            cloudformation_json = {**cloudformation_json, "Properties": properties}
        if properties.get("Tags"):
            properties = {
                **properties,
                "Tags": [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in properties["Tags"]],
            }
            cloudformation_json = {**cloudformation_json, "Properties": properties}
        return original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    create._mlbp_shim = True
    Key.create_from_cloudformation_json = classmethod(create)


def tag_ssm_parameters_from_templates() -> None:
    """``AWS::SSM::Parameter`` with ``Tags`` deploys.

    AWS: the resource's ``Tags`` is a map of key to value (AWS::SSM::Parameter, Tags:
    Json), unlike most resources' list of ``{Key, Value}``. moto: iterates it as that
    list and fails with a TypeError. The data stacks publish tagged parameters for their
    compute stacks (stacks/handoff.py).
    """
    from moto.ssm.models import Parameter

    original = Parameter.create_from_cloudformation_json.__func__
    if getattr(original, "_mlbp_shim", False):
        return

    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json.get("Properties", {})
        if isinstance(properties.get("Tags"), dict):
            tags = [{"Key": k, "Value": v} for k, v in properties["Tags"].items()]
            cloudformation_json = {**cloudformation_json, "Properties": {**properties, "Tags": tags}}
        return original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    create._mlbp_shim = True
    Parameter.create_from_cloudformation_json = classmethod(create)


def create_security_group_egress_resources() -> None:
    """``AWS::EC2::SecurityGroupEgress`` creates its rule.

    AWS: CloudFormation authorizes the egress rule on the group (AWS::EC2::SecurityGroupEgress).
    moto: its CloudFormation knows ``SecurityGroupIngress`` but skips
    ``SecurityGroupEgress`` with a warning. CDK renders every egress rule that
    names another group (here: the node group to itself, which EFA needs) as one,
    so without this the self-referencing egress rule would silently be missing.
    Registered as a moto CloudFormation model before moto builds its model map.
    """
    from moto.core.common_models import CloudFormationModel
    from moto.ec2.models import ec2_backends

    if any(m.cloudformation_type() == "AWS::EC2::SecurityGroupEgress" for m in CloudFormationModel.__subclasses__()):
        return

    class SecurityGroupEgress(CloudFormationModel):
        def __init__(self, group_id: str, properties: dict) -> None:
            self.group_id = group_id
            self.properties = properties

        @staticmethod
        def cloudformation_name_type() -> str:
            return ""

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::EC2::SecurityGroupEgress"

        @property
        def physical_resource_id(self) -> str:
            return f"{self.group_id}|egress|{self.properties.get('DestinationSecurityGroupId') or self.properties.get('CidrIp')}"

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
            properties = cloudformation_json["Properties"]
            destination = properties.get("DestinationSecurityGroupId")
            cidr = properties.get("CidrIp")
            ec2_backends[account_id][region_name].authorize_security_group_egress(
                group_name_or_id=properties["GroupId"],
                ip_protocol=properties["IpProtocol"],
                from_port=properties.get("FromPort"),
                to_port=properties.get("ToPort"),
                ip_ranges=[{"CidrIp": cidr, "Description": properties.get("Description")}] if cidr else [],
                source_groups=[{"GroupId": destination, "Description": properties.get("Description")}]
                if destination
                else [],
            )
            return cls(properties["GroupId"], properties)

    SecurityGroupEgress.__qualname__ = "SecurityGroupEgress"


def apply_inline_security_group_egress() -> None:
    """An ``AWS::EC2::SecurityGroup`` with ``SecurityGroupEgress`` gets exactly those egress rules.

    AWS: CloudFormation replaces the default allow-all egress rule with the listed ones
    (AWS::EC2::SecurityGroup, property SecurityGroupEgress). moto applies the
    inline ingress rules but ignores the egress list, leaving allow-all in place,
    which would hide exactly what the node group restricts.
    """
    from moto.ec2.models import ec2_backends
    from moto.ec2.models.security_groups import SecurityGroup

    original = SecurityGroup.create_from_cloudformation_json.__func__
    if getattr(original, "_mlbp_shim", False):
        return

    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        group = original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        rules = cloudformation_json["Properties"].get("SecurityGroupEgress")
        if rules:
            backend = ec2_backends[account_id][region_name]
            backend.revoke_security_group_egress(
                group_name_or_id=group.id, ip_protocol="-1", from_port=None, to_port=None,
                ip_ranges=[{"CidrIp": "0.0.0.0/0"}], vpc_id=group.vpc_id,
            )
            for rule in rules:
                cidr, destination = rule.get("CidrIp"), rule.get("DestinationSecurityGroupId")
                backend.authorize_security_group_egress(
                    group_name_or_id=group.id,
                    ip_protocol=str(rule["IpProtocol"]),
                    from_port=rule.get("FromPort"),
                    to_port=rule.get("ToPort"),
                    ip_ranges=[{"CidrIp": cidr, "Description": rule.get("Description")}] if cidr else [],
                    source_groups=[{"GroupId": destination}] if destination else [],
                    vpc_id=group.vpc_id,
                )
        return group

    create._mlbp_shim = True
    SecurityGroup.create_from_cloudformation_json = classmethod(create)


def keep_default_parameters_on_update() -> None:
    """A stack update keeps parameters whose first deploy used the template default.

    AWS: ``UsePreviousValue`` keeps a parameter's previous value, the default included.
    moto: fails such an update with a KeyError (below). The CDK CLI updates a stack with ``UsePreviousValue`` for every parameter it
    does not set, here the SSM parameter paths of the AMIs. moto only remembers
    parameters passed explicitly and fails such an update with a KeyError. A
    parameter that was never passed had its default as previous value, so it is
    dropped from the request and the default applies again.
    """
    from moto.cloudformation.models import CloudFormationBackend

    original = CloudFormationBackend._resolve_update_parameters
    if getattr(original, "_mlbp_shim", False):
        return

    @functools.wraps(original)
    def resolve(self, instance, incoming_params):
        known = instance.parameters or {}
        incoming_params = [
            p for p in incoming_params if not (p.get("UsePreviousValue") and p["ParameterKey"] not in known)
        ]
        return original(self, instance, incoming_params)

    resolve._mlbp_shim = True
    CloudFormationBackend._resolve_update_parameters = resolve


def delete_route_tables_with_their_stack() -> None:
    """Deleting a stack deletes its ``AWS::EC2::RouteTable`` resources.

    AWS: CloudFormation deletes every resource of a deleted stack that is not retained.
    moto: its CloudFormation model for route tables has no delete, so they outlive the
    stack, and the VPC's deletion then fails with "has dependencies" (moto refuses
    to delete a VPC with more than its main route table): ``cdk destroy`` of any
    stack with a new VPC would fail. A table still associated with a subnet raises
    DependencyViolation, and moto's delete loop retries it after the subnets go.
    """
    from moto.ec2.models import ec2_backends
    from moto.ec2.models.route_tables import RouteTable

    if "delete_from_cloudformation_json" in RouteTable.__dict__:
        return

    def delete(cls, resource_name, cloudformation_json, account_id, region_name):
        ec2_backends[account_id][region_name].delete_route_table(resource_name)

    RouteTable.delete_from_cloudformation_json = classmethod(delete)


def batch_service_linked_role_by_default() -> None:
    """An ``AWS::Batch::ComputeEnvironment`` without ``ServiceRole`` uses Batch's service-linked role.

    ``ServiceRole`` is optional: AWS Batch then uses AWSServiceRoleForBatch, creating it
    on first use (AWS Batch User Guide, "Using service-linked roles for AWS Batch").
    moto's CloudFormation reads the property unconditionally (KeyError) and its API
    requires a role that exists. The shim creates that service-linked role in
    moto's IAM, as Batch would, and passes its ARN.
    """
    from moto.batch.models import ComputeEnvironment
    from moto.iam.models import iam_backends
    from moto.utilities.utils import get_partition

    original = ComputeEnvironment.create_from_cloudformation_json.__func__
    if getattr(original, "_mlbp_shim", False):
        return

    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        if not properties.get("ServiceRole"):
            iam = iam_backends[account_id][get_partition(region_name)]
            path = "/aws-service-role/batch.amazonaws.com/"
            role = next((r for r in iam.roles.values() if r.path == path), None)
            if role is None:
                role = iam.create_service_linked_role("batch.amazonaws.com", "AWS Batch", "")
            cloudformation_json = {**cloudformation_json, "Properties": {**properties, "ServiceRole": role.arn}}
        return original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    create._mlbp_shim = True
    ComputeEnvironment.create_from_cloudformation_json = classmethod(create)


def register_multinode_job_definitions() -> None:
    """An ``AWS::Batch::JobDefinition`` of ``Type: multinode`` registers as multi-node parallel.

    moto's CloudFormation registers every job definition as ``container``, whatever the
    template's ``Type``, and then rejects one that has ``NodeProperties`` but no
    ``ContainerProperties`` ("containerProperties or eksProperties must be provided").
    UltraCluster's Batch jobs are multi-node parallel (AWS Batch User Guide, "Multi-node
    parallel jobs"). The shim registers with the template's type and optional fields.
    """
    from moto.batch.models import JobDefinition, batch_backends
    from moto.batch.utils import lowercase_first_key

    if getattr(JobDefinition.create_from_cloudformation_json.__func__, "_mlbp_shim", False):
        return

    def optional(properties: dict, key: str):
        return lowercase_first_key(properties[key]) if key in properties else None

    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        return batch_backends[account_id][region_name].register_job_definition(
            def_name=properties.get("JobDefinitionName", resource_name),
            parameters=lowercase_first_key(properties.get("Parameters", {})),
            _type=properties.get("Type", "container"),
            tags=properties.get("Tags", {}),
            retry_strategy=optional(properties, "RetryStrategy"),
            container_properties=optional(properties, "ContainerProperties"),
            node_properties=optional(properties, "NodeProperties"),
            eks_properties=optional(properties, "EksProperties"),
            timeout=optional(properties, "Timeout") or {},
            platform_capabilities=properties.get("PlatformCapabilities"),
            propagate_tags=properties.get("PropagateTags"),
        )

    create._mlbp_shim = True
    JobDefinition.create_from_cloudformation_json = classmethod(create)
