"""How a blueprint's compute stack reads what its data stack made: SSM parameters, not CloudFormation exports.

The data stack publishes each value the compute stack needs (VPC and subnet
ids, the node security group, the key, the bucket, the file system's names) as
an ``AWS::SSM::Parameter`` named ``/mlblueprints/<stack name>/<key>``. The
compute stack declares a template parameter of type
``AWS::SSM::Parameter::Value<String>`` with that name as its default, which
CloudFormation resolves on every create and update.

Why not exports (``Fn::ImportValue``, what CDK does by default across stacks):
CloudFormation refuses to change or remove an export while another stack
imports it ("Export ... cannot be updated as it is in use by ..."). A file
system replaced on purpose, or a blueprint that stops using FSx, would then
need a two-step deploy. A parameter can change at any time; the compute stack
picks the new value up on its next deploy, which the CDK CLI never skips for a
stack with SSM-typed parameters. The ordering that exports would have given
for free is explicit instead: the compute stack depends on the data stack, so
``cdk deploy --all`` creates data first and ``cdk destroy`` removes compute
first.

The parameters are not retained: they go with the data stack, so a re-created
data stack can publish the same names again.
"""

from __future__ import annotations

import re

from aws_cdk import Annotations, Stack, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from .constructs.network import NO_ROUTE_TABLE_WARNING
from .naming import construct_id

PARAMETER_ROOT = "/mlblueprints"


def parameter_name(data_stack_name: str, key: str) -> str:
    """``/mlblueprints/<compute stack name>/<key>``: the documented place of each shared value."""
    return f"{PARAMETER_ROOT}/{data_stack_name}/{key}"


class Handoff(Construct):
    """Lives in the data stack; ``share(key, value)`` publishes a value and returns the compute stack's token for it."""

    def __init__(self, data_stack: Stack, construct_id_: str, *, compute_stack: Stack, stack_name: str) -> None:
        super().__init__(data_stack, construct_id_)
        self._compute = compute_stack
        self._stack_name = stack_name
        self.names: dict[str, str] = {}

    def share(self, key: str, value: str) -> str:
        """Publish ``value`` under ``key`` (lowercase words and dashes) and return what the compute stack reads.

        A value known at synth (an existing VPC's subnet, an existing bucket's name) is returned as it is:
        there is nothing to hand over.
        """
        if not Token.is_unresolved(value):
            return value
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key):
            raise ValueError(f"handoff key {key!r}: lowercase words joined by dashes")
        name = parameter_name(self._stack_name, key)
        if key not in self.names:
            ssm.StringParameter(
                self,
                construct_id(key),
                parameter_name=name,
                string_value=value,
                description=f"Read by the compute stack {self._stack_name} (mlblueprints handoff)",
            )
            self.names[key] = name
        return ssm.StringParameter.value_for_string_parameter(self._compute, name)

    # --- typed views: the compute stack's handle on a data stack resource -------------------

    def vpc(self, scope: Construct, *, vpc: ec2.IVpc, subnets: list[ec2.ISubnet]) -> ec2.IVpc:
        """The VPC with exactly ``subnets`` as its private subnets, their ids shared one by one.

        Only what a compute template uses is shared, so it declares no unused parameter: the
        zones are literals or ``Fn::GetAZs`` selections (no reference to a resource), and the
        VPC id is handed over with ``share("vpc-id", ...)`` by a caller that needs it. Were
        anything to read the unshared id, CDK would add an export (a test forbids that).
        """
        imported = ec2.Vpc.from_vpc_attributes(
            scope,
            "Vpc",
            vpc_id=vpc.vpc_id,
            availability_zones=[s.availability_zone for s in subnets],
            private_subnet_ids=[self.share(f"subnet-{i}-id", s.subnet_id) for i, s in enumerate(subnets)],
        )
        Annotations.of(imported).acknowledge_warning(
            NO_ROUTE_TABLE_WARNING, "the compute stack adds no routes or endpoints; the data stack owns the VPC"
        )
        return imported

    def security_group(self, scope: Construct, construct_id_: str, key: str, group: ec2.ISecurityGroup) -> ec2.ISecurityGroup:
        """The group, immutable here: its rules belong to the data stack, next to what else uses it."""
        return ec2.SecurityGroup.from_security_group_id(
            scope, construct_id_, self.share(key, group.security_group_id), mutable=False, allow_all_outbound=False
        )

    def key(self, scope: Construct, key: kms.IKey) -> kms.IKey:
        """The key; its policy is written in the data stack (statements added here would be dropped)."""
        return kms.Key.from_key_arn(scope, "DataKey", self.share("key-arn", key.key_arn))

    def bucket(self, scope: Construct, construct_id_: str, key: str, bucket: s3.IBucket) -> s3.IBucket:
        return s3.Bucket.from_bucket_name(scope, construct_id_, self.share(key, bucket.bucket_name))
