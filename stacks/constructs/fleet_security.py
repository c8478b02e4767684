"""The fleet's key and the security group its endpoints' network interfaces wear.

* One customer-managed KMS key (rotated, retained) encrypts the model bucket,
  endpoint storage volumes (where SageMaker allows it), asynchronous results,
  captured data and every SNS topic of the fleet. The
  services that write with it on their own behalf are named in the key policy,
  each limited to this account and, where the service supports it, to the
  resources of this fleet.
* Endpoints attached to the VPC share one security group that admits nothing:
  requests arrive through the SageMaker runtime API, never through the network
  interfaces in our subnets. Egress is HTTPS only (S3 through the gateway
  endpoint, ECR, CloudWatch; the Hugging Face Hub for models that download at
  start-up). Network-isolated containers cannot use even that.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from mlblueprints.names import ENDPOINT_LOG_GROUP_PREFIX


@dataclass(frozen=True)
class FleetSecurityProps:
    fleet_name: str
    #: None when no endpoint attaches to the VPC (a serverless-only fleet): no security group then.
    vpc: ec2.IVpc | None


class FleetSecurity(Construct):
    """Exposes ``key`` and ``endpoint_security_group`` (None without a VPC)."""

    key: kms.Key
    endpoint_security_group: ec2.SecurityGroup | None

    def __init__(self, scope: Construct, construct_id: str, *, props: FleetSecurityProps) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "FleetKey",
            description=f"mlblueprints {props.fleet_name}: models, endpoint volumes, async results, captured data, logs, topics",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self._allow_service_principals()
        self.endpoint_security_group = None
        if props.vpc is not None:
            self.endpoint_security_group = ec2.SecurityGroup(
                self,
                "EndpointSecurityGroup",
                vpc=props.vpc,
                description=f"mlblueprints {props.fleet_name}: SageMaker endpoint ENIs (no inbound, HTTPS out)",
                allow_all_outbound=False,
            )
            self.endpoint_security_group.add_egress_rule(
                ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS: S3, ECR, CloudWatch, and the Hub for models that download"
            )

    def _allow_service_principals(self) -> None:
        stack = Stack.of(self)
        # CloudWatch alarms publish to the encrypted alarm topic as this service principal
        # (Amazon SNS Developer Guide, "Configure KMS permissions for AWS services").
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToPublish",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            )
        )
