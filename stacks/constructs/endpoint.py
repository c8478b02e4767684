"""One SageMaker endpoint: a model per variant, the endpoint configuration, the endpoint, its log group.

* **Names.** The endpoint is named ``<metadata.name>-<endpoint name>`` so that
  clients and alarms can rely on it. ``EndpointName`` is a create-only property:
  renaming replaces the endpoint. Models and endpoint configurations keep
  CloudFormation-generated names, because a change to almost any of their
  properties replaces them, and a replacement cannot reuse a fixed name; the
  endpoint then moves to the new configuration in place.
* **Isolation.** ``EnableNetworkIsolation`` comes from the blueprint (default on,
  except serverless and Hub downloads). SageMaker still fetches the model
  artifact from S3 for an isolated container.
* **VPC.** ``VpcConfig`` puts the model's network interfaces in the fleet's
  private subnets with the endpoint security group; serverless endpoints
  cannot have one.
* **Encryption.** The endpoint config names the fleet key as ``KmsKeyId`` unless
  a variant runs on an instance type with local NVMe storage, where SageMaker
  rejects it (CreateEndpointConfig API reference) and the volume is encrypted by
  hardware; see ``ResolvedEndpoint.encrypts_volume``. Asynchronous results and
  captured data are always encrypted with the fleet key.
* **Async requests.** Callers upload a request under the endpoint's input
  prefix (``async.input_path``, in the fleet's bucket) and pass its URI as
  InvokeEndpointAsync's ``InputLocation``; SageMaker reads it with the
  execution role, which may read that prefix and no other caller data.
* **Start-up.** Each instance-backed variant carries its start-up settings
  (``Variant.hosting``: the endpoint's, else its container family's, from the
  serving data): ``ContainerStartupHealthCheckTimeoutInSeconds``,
  ``ModelDataDownloadTimeoutInSeconds`` and ``VolumeSizeInGB`` (EBS-backed types
  only, BP340). Unset values are left to SageMaker.
* **Logs.** SageMaker writes to ``/aws/sagemaker/Endpoints/<name>`` and creates
  that group itself whenever it is missing ("Log groups and streams that
  SageMaker sends"). The name is fixed by AWS, so the stack does not own the
  group: an ``AWS::Logs::LogGroup`` of that name (retained or not) fails with
  "already exists" whenever SageMaker or an earlier deploy made it first. A
  ``LogRetention`` (CDK's custom resource) creates the group if it is missing,
  sets the retention either way and leaves the group and its logs in place when
  the stack goes, so a re-create simply finds it. Its events are encrypted by
  CloudWatch Logs (service-owned keys); the fleet key is not attached, because
  only the group's owner can attach one (docs/lifecycle.md, "Re-create").
* **Updates keep the instance count of an autoscaled endpoint.** Without
  ``RetainAllVariantProperties`` an endpoint update sets every variant back to
  its ``InitialInstanceCount``, undoing what Application Auto Scaling scaled
  out to, in the middle of the load that caused it. With autoscaling, the
  endpoint retains the current count and takes only the weights and data
  capture from the new configuration (``ExcludeRetainedVariantProperties``);
  without autoscaling the blueprint's count is the count, and it applies.
  (UpdateEndpoint API reference; the same trap in other tools:
  hashicorp/terraform-provider-aws#48990, aws/sagemaker-python-sdk#3126.)
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct

from mlblueprints.model.inference_fleet import DATA_CAPTURE_PREFIX, Endpoint, ModelSource
from mlblueprints.names import endpoint_log_group
from mlblueprints.resolve import ResolvedEndpoint, ResolvedVariant
from .execution_role import EndpointVpc, ExecutionRole, ExecutionRoleProps
from ..nag import Waiver, waive
from ..naming import variant_construct_id

#: Long enough to investigate an incident found in a quarterly review.
LOG_RETENTION = logs.RetentionDays.ONE_YEAR
#: Variant properties an autoscaled endpoint takes from a new configuration; the instance count stays.
APPLIED_ON_UPDATE = ("DesiredWeight", "DataCaptureConfig")
CAPTURE_MODES = {"input": "Input", "output": "Output"}


@dataclass(frozen=True)
class EndpointProps:
    resolved: ResolvedEndpoint
    bucket: s3.IBucket
    #: The fleet's key prefix; model, output and capture keys are under it.
    prefix: str
    key: kms.IKey
    #: The VPC, private subnets and endpoint security group of the models, or None without a VPC.
    vpc: EndpointVpc | None = None


class InferenceEndpoint(Construct):
    """Exposes ``endpoint``, ``config``, ``models`` (by variant name), ``log_group``, ``execution_role``,
    ``success_topic`` and ``error_topic`` (None unless asked for), and ``input_uri`` (the s3:// prefix
    where callers upload async requests; None unless the endpoint is async)."""

    endpoint: sagemaker.CfnEndpoint
    config: sagemaker.CfnEndpointConfig
    models: dict[str, sagemaker.CfnModel]
    log_group: logs.ILogGroup
    execution_role: ExecutionRole
    success_topic: sns.Topic | None
    error_topic: sns.Topic | None
    input_uri: str | None

    def __init__(self, scope: Construct, construct_id_: str, *, props: EndpointProps) -> None:
        super().__init__(scope, construct_id_)
        resolved = props.resolved
        spec = resolved.endpoint
        self._props = props
        log_group_name = endpoint_log_group(resolved.name)
        retention = logs.LogRetention(self, "LogRetention", log_group_name=log_group_name, retention=LOG_RETENTION)
        self.log_group = logs.LogGroup.from_log_group_name(self, "LogGroup", log_group_name)
        config = spec.async_inference
        self.success_topic = self._topic("SuccessTopic") if config and config.notify_success else None
        self.error_topic = self._topic("ErrorTopic") if config and config.notify_error else None
        self.input_uri = self.s3_uri(self._input_path) + "/" if self._input_path is not None else None
        self.execution_role = ExecutionRole(self, "Execution", props=self._role_props())
        self.models = {v.variant.name: self._model(v) for v in resolved.all_variants}
        self.config = self._endpoint_config()
        autoscaled = spec.autoscaling is not None and spec.has_instances
        self.endpoint = sagemaker.CfnEndpoint(
            self,
            "Endpoint",
            endpoint_name=resolved.name,
            endpoint_config_name=self.config.attr_endpoint_config_name,
            retain_all_variant_properties=True if autoscaled else None,
            exclude_retained_variant_properties=(
                [sagemaker.CfnEndpoint.VariantPropertyProperty(variant_property_type=p) for p in APPLIED_ON_UPDATE]
                if autoscaled
                else None
            ),
        )
        # The retention is in place before the first log line.
        self.endpoint.node.add_dependency(retention)

    # --- paths -----------------------------------------------------------------------------

    def key_of(self, relative: str) -> str:
        return f"{self._props.prefix}/{relative}"

    def s3_uri(self, relative: str) -> str:
        return f"s3://{self._props.bucket.bucket_name}/{self.key_of(relative)}"

    @property
    def _input_path(self) -> str | None:
        """Where callers upload async requests, relative to the fleet's prefix; None unless async."""
        spec = self._props.resolved.endpoint
        return spec.async_inference.input_path if spec.mode == "async" and spec.async_inference else None

    @property
    def capture_prefix(self) -> str:
        return f"{DATA_CAPTURE_PREFIX}/{self._props.resolved.endpoint.name}"

    # --- resources -------------------------------------------------------------------------

    def _topic(self, construct_id_: str) -> sns.Topic:
        return sns.Topic(self, construct_id_, master_key=self._props.key, enforce_ssl=True)

    def _role_props(self) -> ExecutionRoleProps:
        resolved = self._props.resolved
        spec = resolved.endpoint
        models = [v.variant.model for v in resolved.all_variants]
        writes = []
        if spec.async_inference and spec.async_inference.output_path:
            writes += [spec.async_inference.output_path, spec.async_inference.failure_path]
        if spec.data_capture is not None:
            writes.append(self.capture_prefix)
        return ExecutionRoleProps(
            endpoint_name=resolved.name,
            bucket=self._props.bucket,
            artifact_keys=tuple(self.key_of(m.artifact) for m in models if m.artifact is not None),
            read_prefixes=tuple(self.key_of(m.prefix) for m in models if m.prefix is not None),
            write_prefixes=tuple(self.key_of(w) for w in writes),
            key=self._props.key,
            log_group=self.log_group,
            repository_arns=tuple(v.container.repository_arn for v in resolved.all_variants if v.container.repository_arn),
            vpc=self._props.vpc,
            topics=tuple(t for t in (self.success_topic, self.error_topic) if t is not None),
            request_prefixes=(self.key_of(self._input_path),) if self._input_path is not None else (),
        )

    def _model(self, resolved: ResolvedVariant) -> sagemaker.CfnModel:
        spec = self._props.resolved.endpoint
        source = resolved.variant.model
        container = sagemaker.CfnModel.ContainerDefinitionProperty(
            image=resolved.container.uri,
            mode="MultiModel" if source.prefix is not None else "SingleModel",
            model_data_url=self._model_data_url(source),
            environment=dict(resolved.environment) or None,
        )
        vpc = None
        if self._props.vpc is not None:
            vpc = sagemaker.CfnModel.VpcConfigProperty(
                security_group_ids=[self._props.vpc.security_group.security_group_id],
                subnets=[s.subnet_id for s in self._props.vpc.subnets],
            )
        model = sagemaker.CfnModel(
            self,
            f"Model{variant_construct_id(resolved.variant.name)}",
            execution_role_arn=self.execution_role.role.role_arn,
            primary_container=container,
            enable_network_isolation=spec.network_isolation,
            vpc_config=vpc,
        )
        # SageMaker checks the role's access to the image and the artifact when the model is created.
        for policy in self.execution_role.policies:
            model.node.add_dependency(policy)
        return model

    def _model_data_url(self, source: ModelSource) -> str | None:
        if source.artifact is not None:
            return self.s3_uri(source.artifact)
        if source.prefix is not None:
            return self.s3_uri(source.prefix) + "/"
        return None  # a Hub model is downloaded by the container

    def _endpoint_config(self) -> sagemaker.CfnEndpointConfig:
        resolved = self._props.resolved
        spec = resolved.endpoint
        shadow = None
        if resolved.shadow is not None:
            # One production variant (BP309): the shadow's weight relative to it is the share of
            # requests copied to the shadow.
            production_weight = spec.variants[0].weight
            shadow = [self._variant(resolved.shadow, weight=production_weight * spec.shadow.sampling_percentage / 100)]
        return sagemaker.CfnEndpointConfig(
            self,
            "Config",
            production_variants=[self._variant(v, weight=v.variant.weight) for v in resolved.variants],
            shadow_production_variants=shadow,
            kms_key_id=self._props.key.key_arn if resolved.encrypts_volume else None,
            data_capture_config=self._data_capture(spec),
            async_inference_config=self._async(spec),
        )

    def _variant(self, resolved: ResolvedVariant, *, weight: float) -> sagemaker.CfnEndpointConfig.ProductionVariantProperty:
        spec = self._props.resolved.endpoint
        variant = resolved.variant
        model = self.models[variant.name]
        if not spec.has_instances:
            limits = spec.serverless
            return sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                variant_name=variant.name,
                model_name=model.attr_model_name,
                initial_variant_weight=weight,
                serverless_config=sagemaker.CfnEndpointConfig.ServerlessConfigProperty(
                    memory_size_in_mb=limits.memory_mb,
                    max_concurrency=limits.max_concurrency,
                    provisioned_concurrency=limits.provisioned_concurrency,
                ),
            )
        count = variant.instance_count if variant is spec.shadow else spec.instance_count
        hosting = variant.hosting
        return sagemaker.CfnEndpointConfig.ProductionVariantProperty(
            variant_name=variant.name,
            model_name=model.attr_model_name,
            instance_type=variant.instance_type,
            initial_instance_count=count,
            initial_variant_weight=weight,
            container_startup_health_check_timeout_in_seconds=hosting.startup_health_check_timeout_seconds,
            model_data_download_timeout_in_seconds=hosting.model_download_timeout_seconds,
            volume_size_in_gb=hosting.volume_size_gb,
        )

    def _data_capture(self, spec: Endpoint) -> sagemaker.CfnEndpointConfig.DataCaptureConfigProperty | None:
        capture = spec.data_capture
        if capture is None:
            return None
        return sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(
            enable_capture=True,
            initial_sampling_percentage=capture.sampling_percentage,
            destination_s3_uri=self.s3_uri(self.capture_prefix),
            kms_key_id=self._props.key.key_arn,
            capture_options=[
                sagemaker.CfnEndpointConfig.CaptureOptionProperty(capture_mode=CAPTURE_MODES[c]) for c in capture.capture
            ],
        )

    def _async(self, spec: Endpoint) -> sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty | None:
        config = spec.async_inference
        if spec.mode != "async" or config is None:
            return None
        notification = None
        if self.success_topic or self.error_topic:
            notification = sagemaker.CfnEndpointConfig.AsyncInferenceNotificationConfigProperty(
                success_topic=self.success_topic.topic_arn if self.success_topic else None,
                error_topic=self.error_topic.topic_arn if self.error_topic else None,
            )
        client = None
        if config.max_concurrent_invocations_per_instance is not None:
            client = sagemaker.CfnEndpointConfig.AsyncInferenceClientConfigProperty(
                max_concurrent_invocations_per_instance=config.max_concurrent_invocations_per_instance
            )
        return sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty(
            output_config=sagemaker.CfnEndpointConfig.AsyncInferenceOutputConfigProperty(
                s3_output_path=self.s3_uri(config.output_path),
                s3_failure_path=self.s3_uri(config.failure_path),
                kms_key_id=self._props.key.key_arn,
                notification_config=notification,
            ),
            client_config=client,
        )


def waive_log_retention_handler(stack: Stack) -> None:
    """CDK's LogRetention handler is a stack-level singleton; waive its findings where it lives."""
    for child in stack.node.children:
        if child.node.id.startswith("LogRetention"):
            waive(
                child,
                Waiver(
                    "AwsSolutions-IAM4",
                    "CDK's LogRetention handler logs through the AWS-managed Lambda basic execution policy; it runs "
                    "only during deploys, to set the retention of the endpoints' SageMaker log groups.",
                    ("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",),
                ),
                Waiver(
                    "AwsSolutions-IAM5",
                    "CDK's LogRetention handler grants itself logs:PutRetentionPolicy and logs:DeleteRetentionPolicy "
                    "on every log group (aws-logs LogRetention); the function is invoked only by this stack's "
                    "deploys, with the endpoints' log group names.",
                    ("Resource::*",),
                ),
            )
