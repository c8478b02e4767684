"""The role SageMaker assumes for one endpoint's models: the documented minimum, scoped to this endpoint.

Built from "CreateModel API: Execution Role Permissions" (SageMaker Developer
Guide, "How to use SageMaker AI execution roles"), narrowed as that page
suggests, and never AmazonSageMakerFullAccess:

* S3: read exactly the model artifacts the variants name (every object under a
  multi-model prefix); read the requests callers upload under an async
  endpoint's input prefix, which SageMaker fetches from InvokeEndpointAsync's
  ``InputLocation`` with this role ("Complete the prerequisites" for
  asynchronous endpoints); write only under the endpoint's async output,
  failure and data-capture prefixes.
* KMS: the fleet key, to read SSE-KMS models and to encrypt what SageMaker writes.
* ECR: pull from the one repository of each variant's image, in the DLC
  registry account of the region; ``ecr:GetAuthorizationToken`` has no
  resource-level permissions.
* Logs: this endpoint's own log group only. CloudWatch metrics: only SageMaker's
  namespaces (PutMetricData has no resource-level permissions).
* VPC: the network-interface actions the page lists for a model in a private
  VPC; EC2 offers no resource scoping SageMaker's validation accepts for them.
* SNS: publish to this endpoint's async notification topics.

Statements that need a wildcard each sit in their own policy, so every cdk-nag
waiver names exactly the finding it covers.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Stack, Token
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from constructs import Construct

from .security import ECR_PULL_ACTIONS
from ..nag import Waiver, objects_finding, waive

LOG_ACTIONS = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
#: For a model in a private VPC (CreateModel API: Execution Role Permissions).
VPC_ACTIONS = [
    "ec2:CreateNetworkInterface",
    "ec2:CreateNetworkInterfacePermission",
    "ec2:DeleteNetworkInterface",
    "ec2:DeleteNetworkInterfacePermission",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeVpcs",
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
]
#: Endpoint instance metrics (CPU, memory, GPU) land in /aws/sagemaker/Endpoints.
METRIC_NAMESPACES = ["/aws/sagemaker/*", "AWS/SageMaker"]
KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"]


@dataclass(frozen=True)
class ExecutionRoleProps:
    endpoint_name: str
    bucket: s3.IBucket
    #: Keys of model.tar.gz artifacts, read exactly.
    artifact_keys: tuple[str, ...]
    #: Key prefixes (no trailing slash) whose objects are read: multi-model model stores.
    read_prefixes: tuple[str, ...]
    #: Key prefixes (no trailing slash) SageMaker writes under: async results and failures, captured data.
    write_prefixes: tuple[str, ...]
    key: kms.IKey
    log_group: logs.ILogGroup
    #: ECR repository ARNs of the variants' images; empty for images outside ECR.
    repository_arns: tuple[str, ...]
    in_vpc: bool
    topics: tuple[sns.ITopic, ...] = ()
    #: Key prefixes (no trailing slash) where callers upload async requests, read by SageMaker.
    request_prefixes: tuple[str, ...] = ()


class ExecutionRole(Construct):
    """Exposes ``role`` and ``policies`` (which the models must wait for)."""

    role: iam.Role
    policies: list[iam.Policy]

    def __init__(self, scope: Construct, construct_id: str, *, props: ExecutionRoleProps) -> None:
        super().__init__(scope, construct_id)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            description=f"mlblueprints {props.endpoint_name}: SageMaker execution role of this endpoint's models",
        )
        self.policies = []
        bucket = props.bucket
        statements = [
            iam.PolicyStatement(sid="UseFleetKey", actions=KEY_ACTIONS, resources=[props.key.key_arn]),
            # The log group's ARN ends in ":*", which covers the streams SageMaker names at run time.
            iam.PolicyStatement(sid="OwnLogGroup", actions=LOG_ACTIONS, resources=[props.log_group.log_group_arn]),
        ]
        if props.artifact_keys:
            statements.append(
                iam.PolicyStatement(
                    sid="ReadModelArtifacts",
                    actions=["s3:GetObject"],
                    resources=[bucket.arn_for_objects(k) for k in sorted(set(props.artifact_keys))],
                )
            )
        if props.repository_arns:
            statements.append(
                iam.PolicyStatement(sid="PullServingImage", actions=ECR_PULL_ACTIONS, resources=sorted(set(props.repository_arns)))
            )
        if props.topics:
            statements.append(
                iam.PolicyStatement(sid="NotifyAsyncResults", actions=["sns:Publish"], resources=[t.topic_arn for t in props.topics])
            )
        execution = self._policy("ExecutionPolicy", statements)
        stack = Stack.of(self)
        partition = "<AWS::Partition>" if Token.is_unresolved(stack.partition) else stack.partition
        account = "<AWS::AccountId>" if Token.is_unresolved(stack.account) else stack.account
        waive(
            execution,
            Waiver(
                "AwsSolutions-IAM5",
                "SageMaker names the log streams of the endpoint's own log group at run time; the grant is the "
                "streams of that one group (its ARN ends in :*), which SageMaker creates and the stack only "
                "keeps a retention on.",
                (
                    f"Resource::arn:{partition}:logs:{stack.region}:{account}:log-group:"
                    f"{props.log_group.log_group_name}:*",
                ),
            ),
        )

        scoped = [
            (f"{p}/*", "ReadModelStore", ["s3:GetObject"]) for p in sorted(set(props.read_prefixes))
        ] + [(f"{p}/*", "WriteResults", ["s3:PutObject", "s3:AbortMultipartUpload"]) for p in sorted(set(props.write_prefixes))]
        if scoped:
            prefix_statements = [
                iam.PolicyStatement(sid=f"{sid}{i}", actions=actions, resources=[bucket.arn_for_objects(pattern)])
                for i, (pattern, sid, actions) in enumerate(scoped)
            ]
            policy = self._policy("PrefixPolicy", prefix_statements)
            waive(
                policy,
                Waiver(
                    "AwsSolutions-IAM5",
                    "SageMaker names result, failure and capture objects itself, and a multi-model endpoint loads "
                    "whichever model.tar.gz a request targets; each grant is every object under one prefix of this "
                    "endpoint and nothing else.",
                    tuple(objects_finding(bucket, pattern) for pattern, _, _ in scoped),
                ),
            )

        if props.request_prefixes:
            requests = [f"{p}/*" for p in sorted(set(props.request_prefixes))]
            policy = self._policy(
                "AsyncRequestPolicy",
                [
                    iam.PolicyStatement(
                        sid=f"ReadAsyncRequests{i}", actions=["s3:GetObject"], resources=[bucket.arn_for_objects(pattern)]
                    )
                    for i, pattern in enumerate(requests)
                ],
            )
            waive(
                policy,
                Waiver(
                    "AwsSolutions-IAM5",
                    "Callers upload each asynchronous request under this endpoint's input prefix and name it as "
                    "InvokeEndpointAsync's InputLocation, and SageMaker reads it with this role, so the object names "
                    "are not known in advance; the grant is s3:GetObject on the objects under that one prefix only.",
                    tuple(objects_finding(bucket, pattern) for pattern in requests),
                ),
            )

        unscoped = [
            iam.PolicyStatement(
                sid="PublishEndpointMetrics",
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],
                conditions={"StringLike": {"cloudwatch:namespace": METRIC_NAMESPACES}},
            )
        ]
        if props.repository_arns:
            unscoped.append(iam.PolicyStatement(sid="RegistryLogin", actions=["ecr:GetAuthorizationToken"], resources=["*"]))
        if props.in_vpc:
            unscoped.append(iam.PolicyStatement(sid="AttachToPrivateSubnets", actions=VPC_ACTIONS, resources=["*"]))
        policy = self._policy("UnscopedActionsPolicy", unscoped)
        waive(
            policy,
            Waiver(
                "AwsSolutions-IAM5",
                "cloudwatch:PutMetricData and ecr:GetAuthorizationToken have no resource-level permissions "
                "(Service Authorization Reference); metrics are limited to SageMaker namespaces by condition. "
                "The EC2 network-interface actions are the ones SageMaker documents for a model in a private VPC.",
                ("Resource::*",),
            ),
        )

    def _policy(self, construct_id: str, statements: list[iam.PolicyStatement]) -> iam.Policy:
        policy = iam.Policy(self, construct_id, statements=statements)
        policy.attach_to_role(self.role)
        self.policies.append(policy)
        return policy
