"""InferenceFleet: SageMaker endpoints with their models, scaling and alarms, from one resolved blueprint.

Two stacks (docs/lifecycle.md, "Stack layout"), each in a fixed order:

* ``InferenceFleetDataStack`` (``<stack_name>-data``): network (only if an
  endpoint uses the VPC) -> fleet security (key, endpoint security group) ->
  storage (model bucket). Termination-protected.
* ``InferenceFleetStack`` (``<stack_name>``): alarm topic -> per endpoint:
  endpoint (log retention, execution role, models, config, endpoint) ->
  autoscaling -> alarms.

Construct ids are fixed PascalCase strings or the PascalCase of a blueprint name
(an endpoint or variant name), so a logical id changes only when what the
resource is changes.
"""

from __future__ import annotations

from aws_cdk import CfnOutput
from constructs import Construct

from mlblueprints import model
from mlblueprints.resolve import ResolvedFleet
from .blueprint_stack import BlueprintComputeStack, BlueprintDataStack
from .constructs.alarms import AlarmTopic, EndpointAlarms, EndpointAlarmsProps
from .constructs.autoscaling import EndpointAutoscaling, EndpointAutoscalingProps
from .constructs.endpoint import EndpointProps, InferenceEndpoint, waive_log_retention_handler
from .constructs.execution_role import EndpointVpc
from .constructs.fleet_security import FleetSecurity, FleetSecurityProps
from .constructs.network import Network, NetworkProps
from .constructs.storage import Storage, StorageProps
from .naming import construct_id
from .teardown import teardown_outputs

#: The root volume is irrelevant here; Storage only makes the bucket (no FSx for a fleet).
_UNUSED_ROOT_VOLUME_GIB = 0


class InferenceFleetDataStack(BlueprintDataStack):
    """Exposes ``network`` (or None), ``security`` and ``storage``."""

    def __init__(self, scope: Construct, construct_id_: str, *, resolved: ResolvedFleet, **kwargs) -> None:
        blueprint = resolved.blueprint
        spec: model.InferenceFleetSpec = blueprint.spec
        super().__init__(scope, construct_id_, blueprint=blueprint, **kwargs)
        self.network = None
        if spec.uses_vpc:
            self.network = Network(
                self, "Network", props=NetworkProps(network=spec.network, availability_zones=spec.availability_zones)
            )
        self.security = FleetSecurity(
            self,
            "Security",
            props=FleetSecurityProps(fleet_name=blueprint.metadata.name, vpc=self.network.vpc if self.network else None),
        )
        self.storage = Storage(
            self,
            "Storage",
            props=StorageProps(
                storage=model.Storage(root_volume_gib=_UNUSED_ROOT_VOLUME_GIB, data_bucket=spec.bucket),
                key=self.security.key,
                needs_log_bucket=self.network is not None and self.network.is_new,
            ),
        )
        if self.storage.logs_bucket is not None and self.network is not None:
            self.network.log_flows_to(self.storage.logs_bucket)
        bucket = self.storage.bucket.bucket_name
        CfnOutput(self, "ModelBucketName", value=bucket, description="Model artifacts, async results, captured data")
        CfnOutput(
            self,
            "ModelPrefix",
            value=f"s3://{bucket}/{self.storage.prefix}/",
            description="Model and output keys of the blueprint are relative to this prefix",
        )
        teardown_outputs(self, file_system_id=None)


class InferenceFleetStack(BlueprintComputeStack):
    """The endpoints. Exposes ``data``, ``alarm_topic`` (or None) and, by endpoint name, ``endpoints``,
    ``autoscaling`` and ``alarms``."""

    def __init__(
        self, scope: Construct, construct_id_: str, *, resolved: ResolvedFleet, data: InferenceFleetDataStack, **kwargs
    ) -> None:
        blueprint = resolved.blueprint
        spec: model.InferenceFleetSpec = blueprint.spec
        super().__init__(scope, construct_id_, blueprint=blueprint, data=data, **kwargs)
        handoff = self.handoff
        shared = Construct(self, "Data")
        key = handoff.key(shared, data.security.key)
        bucket = handoff.bucket(shared, "ModelBucket", "model-bucket-name", data.storage.bucket)
        endpoint_vpc = None
        if data.network is not None:
            vpc = handoff.vpc(shared, vpc=data.network.vpc, subnets=data.network.node_subnets.subnets)
            endpoint_vpc = EndpointVpc(
                # The execution role limits the models' network interfaces to this VPC.
                vpc_id=handoff.share("vpc-id", data.network.vpc.vpc_id),
                subnets=tuple(vpc.private_subnets),
                security_group=handoff.security_group(
                    shared, "EndpointSecurityGroup", "endpoint-security-group-id", data.security.endpoint_security_group
                ),
            )
        self.alarm_topic = AlarmTopic(self, "AlarmTopic", key=key) if spec.alarm_topic else None

        self.endpoints: dict[str, InferenceEndpoint] = {}
        self.autoscaling: dict[str, EndpointAutoscaling] = {}
        self.alarms: dict[str, EndpointAlarms] = {}
        for endpoint in resolved.endpoints:
            spec_endpoint = endpoint.endpoint
            scope_ = Construct(self, construct_id(spec_endpoint.name))
            built = InferenceEndpoint(
                scope_,
                "Serving",
                props=EndpointProps(
                    resolved=endpoint,
                    bucket=bucket,
                    prefix=data.storage.prefix,
                    key=key,
                    vpc=endpoint_vpc if spec_endpoint.vpc else None,
                ),
            )
            self.endpoints[spec_endpoint.name] = built
            if spec_endpoint.autoscaling is not None and spec_endpoint.has_instances:
                self.autoscaling[spec_endpoint.name] = EndpointAutoscaling(
                    scope_, "Autoscaling", props=EndpointAutoscalingProps(resolved=endpoint, endpoint=built.endpoint)
                )
            self.alarms[spec_endpoint.name] = EndpointAlarms(
                scope_,
                "Alarms",
                props=EndpointAlarmsProps(resolved=endpoint, topic=self.alarm_topic.topic if self.alarm_topic else None),
            )
        waive_log_retention_handler(self)
        self._outputs(resolved)

    def _outputs(self, resolved: ResolvedFleet) -> None:
        """Output ids are fixed names, or a fixed name plus the endpoint's PascalCase name."""
        if self.alarm_topic is not None:
            CfnOutput(self, "AlarmTopicArn", value=self.alarm_topic.topic.topic_arn, description="Subscribe to hear about alarms")
        for endpoint in resolved.endpoints:
            name = construct_id(endpoint.endpoint.name)
            built = self.endpoints[endpoint.endpoint.name]
            CfnOutput(self, f"EndpointName{name}", value=built.endpoint.attr_endpoint_name)
            if built.input_uri is not None:
                CfnOutput(
                    self,
                    f"AsyncInputUri{name}",
                    value=built.input_uri,
                    description="Upload async requests under this prefix and pass each object's s3:// URI as "
                    "InvokeEndpointAsync's InputLocation; the endpoint reads requests from nowhere else",
                )
            for label, topic in (("SuccessTopicArn", built.success_topic), ("ErrorTopicArn", built.error_topic)):
                if topic is not None:
                    CfnOutput(self, f"{label}{name}", value=topic.topic_arn)
