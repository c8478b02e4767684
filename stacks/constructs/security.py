"""Who may talk to the nodes (data stack: ``Security``) and what the nodes may do (compute stack: ``NodeRole``).

* A customer-managed KMS key (rotated, retained) encrypts the data bucket, a
  persistent FSx file system and the node-events topic.
* The node security group admits nothing from outside: only all traffic from
  itself, which NCCL over TCP and EFA's SRD need between nodes (a 0.0.0.0/0 rule
  does not authorise EFA traffic; EC2 User Guide, "Get started with EFA",
  security group step). There is no SSH rule: people arrive through Session
  Manager, which needs no inbound port. Egress is the same self rule plus HTTPS
  and HTTP (registries, S3, SSM, package mirrors); Storage adds Lustre to FSx.
* The instance role can read and write only its own bucket prefix, use its own
  key, and pull only the training container's repository. It may delete objects
  only in a bucket the blueprint owns, or where the blueprint opted in to
  exporting deletions into an existing one.

The key and the group are long-lived state and sit in the data stack (FSx
needs the group for as long as it exists); the role is compute and sits with
the nodes, reading the key and the group through the handoff.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from mlblueprints.resolve import ContainerImage
from ..nag import Waiver, objects_finding, waive

SSM_MANAGED_POLICY = "AmazonSSMManagedInstanceCore"

#: Read-only image pull (ECR "Private repository policy examples": pulling images).
ECR_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]
DELETE_ACTIONS = ["s3:DeleteObject"]
#: What S3 needs from a node to read and write SSE-KMS objects (S3 User Guide, "Using SSE-KMS").
KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"]


@dataclass(frozen=True)
class SecurityProps:
    vpc: ec2.IVpc
    blueprint_name: str


class Security(Construct):
    """Data stack. Exposes ``key`` and ``node_security_group``."""

    key: kms.Key
    node_security_group: ec2.SecurityGroup

    def __init__(self, scope: Construct, construct_id: str, *, props: SecurityProps) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "DataKey",
            description=f"mlblueprints {props.blueprint_name}: data bucket, FSx for Lustre, node events",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.node_security_group = _node_security_group(self, props.vpc, props.blueprint_name)


@dataclass(frozen=True)
class NodeRoleProps:
    blueprint_name: str
    session_manager: bool
    container: ContainerImage | None
    #: The data stack's key as the compute stack sees it, if the nodes use it (a bucket it encrypts).
    key: kms.IKey | None
    #: Who runs as the node role: EC2 instances, or a service launching nodes for us (SageMaker HyperPod).
    node_service: str = "ec2.amazonaws.com"


class NodeRole(Construct):
    """Compute stack. Exposes ``node_role``."""

    node_role: iam.Role

    def __init__(self, scope: Construct, construct_id: str, *, props: NodeRoleProps) -> None:
        super().__init__(scope, construct_id)
        self.key = props.key
        self.node_role = iam.Role(
            self,
            "NodeRole",
            assumed_by=iam.ServicePrincipal(props.node_service),
            description=f"mlblueprints {props.blueprint_name}: training nodes",
        )
        if props.session_manager:
            self.node_role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name(SSM_MANAGED_POLICY))
            waive(
                self.node_role,
                Waiver(
                    "AwsSolutions-IAM4",
                    "Session Manager is the only access path to the nodes (no SSH, no inbound ports); "
                    "this AWS-managed policy is the documented minimum for the SSM agent.",
                    (f"Policy::arn:<AWS::Partition>:iam::aws:policy/{SSM_MANAGED_POLICY}",),
                ),
            )
        if props.container is not None:
            self._allow_image_pull(props.container)

    def allow_data_access(self, *, bucket: s3.IBucket, prefix: str, may_delete: bool) -> None:
        """Read/write under ``prefix`` of ``bucket`` only (delete too if ``may_delete``), and use the data key."""
        objects = bucket.arn_for_objects(f"{prefix}/*")
        actions = OBJECT_ACTIONS + (DELETE_ACTIONS if may_delete else [])
        policy = iam.Policy(
            self,
            "DataAccessPolicy",
            statements=[
                iam.PolicyStatement(
                    sid="ListOwnPrefix",
                    actions=["s3:ListBucket"],
                    resources=[bucket.bucket_arn],
                    conditions={"StringLike": {"s3:prefix": [prefix, f"{prefix}/*"]}},
                ),
                iam.PolicyStatement(sid="ReadWriteOwnPrefix", actions=actions, resources=[objects]),
            ]
            + ([iam.PolicyStatement(sid="UseDataKey", actions=KEY_ACTIONS, resources=[self.key.key_arn])] if self.key else []),
        )
        policy.attach_to_role(self.node_role)
        waive(
            policy,
            Waiver(
                "AwsSolutions-IAM5",
                "Training jobs write checkpoints and read shards under their own prefix; object keys are not "
                "known in advance, so the grant is every object under that one prefix and nothing else.",
                (objects_finding(bucket, f"{prefix}/*"),),
            ),
        )

    def _allow_image_pull(self, container: ContainerImage) -> None:
        if container.repository_arn is None:
            return  # a public registry outside ECR needs no IAM
        iam.Policy(
            self,
            "ImagePullPolicy",
            statements=[
                iam.PolicyStatement(
                    sid="PullTrainingImage", actions=ECR_PULL_ACTIONS, resources=[container.repository_arn]
                )
            ],
        ).attach_to_role(self.node_role)
        # Kept in its own policy so the wildcard waiver below can cover nothing else.
        token = iam.Policy(
            self,
            "RegistryLoginPolicy",
            statements=[
                iam.PolicyStatement(sid="RegistryLogin", actions=["ecr:GetAuthorizationToken"], resources=["*"])
            ],
        )
        token.attach_to_role(self.node_role)
        waive(
            token,
            Waiver(
                "AwsSolutions-IAM5",
                "ecr:GetAuthorizationToken has no resource-level permissions (Service Authorization Reference, "
                "Amazon ECR); nodes need it for `docker login` before pulling the one training image.",
                ("Resource::*",),
            ),
        )


def _node_security_group(scope: Construct, vpc: ec2.IVpc, blueprint_name: str) -> ec2.SecurityGroup:
    group = ec2.SecurityGroup(
        scope,
        "NodeSecurityGroup",
        vpc=vpc,
        description=f"mlblueprints {blueprint_name}: training nodes (node-to-node only, no inbound from outside)",
        allow_all_outbound=False,
    )
    group.add_ingress_rule(group, ec2.Port.all_traffic(), "NCCL and EFA between nodes of this cluster")
    # EFA also needs the matching egress rule to the group itself.
    group.add_egress_rule(group, ec2.Port.all_traffic(), "NCCL and EFA between nodes of this cluster")
    group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS: ECR, S3, SSM, package and model hubs")
    group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(80), "HTTP: Ubuntu and Amazon Linux package mirrors")
    return group


def allow_service_linked_role(
    key: kms.IKey, *, sid: str, role: str, service: str, actions: list[str]
) -> None:
    """Let an AWS service-linked role use ``key``, but only through ``service`` in this account and region.

    ``role`` is the role's path and name pattern (``role/aws-service-role/...``).
    Such a role is created on first use, and a key policy that names a role that
    does not exist yet is rejected, so the role is matched by ``aws:PrincipalArn``.
    """
    stack = Stack.of(key)
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid=sid,
            principals=[iam.AnyPrincipal()],
            actions=actions,
            resources=["*"],
            conditions={
                "ArnLike": {"aws:PrincipalArn": f"arn:{stack.partition}:iam::{stack.account}:{role}"},
                "StringEquals": {
                    "kms:CallerAccount": stack.account,
                    "kms:ViaService": f"{service}.{stack.region}.{stack.url_suffix}",
                },
            },
        )
    )
