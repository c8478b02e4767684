"""InferenceFleet: SageMaker endpoints with their models, scaling and alarms, from one resolved blueprint.

Fixed assembly order, one construct per concern:
network (only if an endpoint uses the VPC) -> fleet security (key, endpoint
security group) -> storage (model bucket) -> per endpoint: endpoint (log group,
execution role, models, config, endpoint) -> autoscaling -> alarms.

Construct ids are fixed PascalCase strings or the PascalCase of a blueprint name
(an endpoint or variant name), so a logical id changes only when what the
resource is changes.
"""

from __future__ import annotations

from aws_cdk import CfnOutput
from constructs import Construct

from mlblueprints import model
from mlblueprints.resolve import ResolvedFleet
from .blueprint_stack import BlueprintStack
from .constructs.alarms import AlarmTopic, EndpointAlarms, EndpointAlarmsProps
from .constructs.autoscaling import EndpointAutoscaling, EndpointAutoscalingProps
from .constructs.endpoint import EndpointProps, InferenceEndpoint
from .constructs.fleet_security import FleetSecurity, FleetSecurityProps
from .constructs.network import Network, NetworkProps
from .constructs.storage import Storage, StorageProps
from .naming import construct_id

#: The root volume is irrelevant here; Storage only makes the bucket (no FSx for a fleet).
_UNUSED_ROOT_VOLUME_GIB = 0


class InferenceFleetStack(BlueprintStack):
    """Exposes ``network`` (or None), ``security``, ``storage``, ``alarm_topic`` (or None) and, by endpoint
    name, ``endpoints``, ``autoscaling`` and ``alarms``."""

    def __init__(self, scope: Construct, construct_id_: str, *, resolved: ResolvedFleet, **kwargs) -> None:
        blueprint = resolved.blueprint
        spec: model.InferenceFleetSpec = blueprint.spec
        metadata = blueprint.metadata
        super().__init__(scope, construct_id_, blueprint=blueprint, **kwargs)

        self.network = None
        if spec.uses_vpc:
            self.network = Network(
                self, "Network", props=NetworkProps(network=spec.network, availability_zones=spec.availability_zones)
            )
        self.security = FleetSecurity(
            self,
            "Security",
            props=FleetSecurityProps(fleet_name=metadata.name, vpc=self.network.vpc if self.network else None),
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
        self.alarm_topic = AlarmTopic(self, "AlarmTopic", key=self.security.key) if spec.alarm_topic else None

        self.endpoints: dict[str, InferenceEndpoint] = {}
        self.autoscaling: dict[str, EndpointAutoscaling] = {}
        self.alarms: dict[str, EndpointAlarms] = {}
        subnets = tuple(self.network.node_subnets.subnets) if self.network else ()
        for endpoint in resolved.endpoints:
            spec_endpoint = endpoint.endpoint
            scope_ = Construct(self, construct_id(spec_endpoint.name))
            in_vpc = spec_endpoint.vpc and self.network is not None
            built = InferenceEndpoint(
                scope_,
                "Serving",
                props=EndpointProps(
                    resolved=endpoint,
                    bucket=self.storage.bucket,
                    prefix=self.storage.prefix,
                    key=self.security.key,
                    subnets=subnets if in_vpc else (),
                    security_group=self.security.endpoint_security_group if in_vpc else None,
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
        self._outputs(resolved)

    def _outputs(self, resolved: ResolvedFleet) -> None:
        """Output ids are fixed names, or a fixed name plus the endpoint's PascalCase name."""
        bucket = self.storage.bucket.bucket_name
        CfnOutput(self, "ModelBucketName", value=bucket, description="Model artifacts, async results, captured data")
        CfnOutput(
            self,
            "ModelPrefix",
            value=f"s3://{bucket}/{self.storage.prefix}/",
            description="Model and output keys of the blueprint are relative to this prefix",
        )
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
