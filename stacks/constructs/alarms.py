"""CloudWatch alarms per production variant, and the fleet's optional alarm topic.

* **5XX errors.** ``Invocation5XXErrors`` is 1 for each request the model
  answered with a 5xx and 0 otherwise, so its Average over a minute is the error
  rate (SageMaker Developer Guide, "SageMaker AI endpoint invocation metrics").
  The alarm fires when the rate stays above ``error_rate_percent``.
* **Latency.** ``ModelLatency`` is in microseconds; the alarm compares its p99
  with ``latency_p99_ms`` x 1000. The default (30 s) is half of InvokeEndpoint's
  60-second limit, the async default half of the 15-minute default timeout.
* Missing data (no traffic, or an async endpoint at zero) is not a breach.
* **Topic.** With ``alarm_topic: true`` every alarm notifies one SNS topic,
  encrypted with the fleet key and refusing non-TLS publishers; CloudWatch may
  use the key through the key policy (FleetSecurity).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from mlblueprints.resolve import ResolvedEndpoint
from .autoscaling import MICROSECONDS_PER_MS, SAGEMAKER_NAMESPACE
from ..naming import variant_construct_id


class AlarmTopic(Construct):
    """Exposes ``topic``: where every alarm of the fleet sends its state changes."""

    topic: sns.Topic

    def __init__(self, scope: Construct, construct_id_: str, *, key: kms.IKey) -> None:
        super().__init__(scope, construct_id_)
        self.topic = sns.Topic(self, "Topic", master_key=key, enforce_ssl=True)


@dataclass(frozen=True)
class EndpointAlarmsProps:
    resolved: ResolvedEndpoint
    topic: sns.ITopic | None = None


class EndpointAlarms(Construct):
    """Exposes ``errors`` and ``latency``: alarms by variant name."""

    errors: dict[str, cloudwatch.Alarm]
    latency: dict[str, cloudwatch.Alarm]

    def __init__(self, scope: Construct, construct_id_: str, *, props: EndpointAlarmsProps) -> None:
        super().__init__(scope, construct_id_)
        endpoint = props.resolved
        thresholds = endpoint.endpoint.alarms
        self.errors, self.latency = {}, {}
        for resolved in endpoint.variants:
            name = resolved.variant.name
            scope = Construct(self, variant_construct_id(name))
            dimensions = {"EndpointName": endpoint.name, "VariantName": name}
            self.errors[name] = cloudwatch.Alarm(
                scope,
                "Errors5xx",
                alarm_description=(
                    f"{endpoint.name}/{name}: more than {thresholds.error_rate_percent:g}% of invocations answered 5XX"
                ),
                metric=cloudwatch.Metric(
                    namespace=SAGEMAKER_NAMESPACE, metric_name="Invocation5XXErrors", dimensions_map=dimensions,
                    statistic="Average", period=Duration.minutes(1),
                ),
                threshold=thresholds.error_rate_percent / 100,
                evaluation_periods=thresholds.evaluation_minutes,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            self.latency[name] = cloudwatch.Alarm(
                scope,
                "ModelLatencyP99",
                alarm_description=f"{endpoint.name}/{name}: p99 model latency above {thresholds.latency_p99_ms:g} ms",
                metric=cloudwatch.Metric(
                    namespace=SAGEMAKER_NAMESPACE, metric_name="ModelLatency", dimensions_map=dimensions,
                    statistic="p99", period=Duration.minutes(1),
                ),
                threshold=thresholds.latency_p99_ms * MICROSECONDS_PER_MS,
                evaluation_periods=thresholds.evaluation_minutes,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            if props.topic is not None:
                action = cloudwatch_actions.SnsAction(props.topic)
                for alarm in (self.errors[name], self.latency[name]):
                    alarm.add_alarm_action(action)
                    alarm.add_ok_action(action)
