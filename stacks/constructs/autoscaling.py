"""Application Auto Scaling for one endpoint's production variants.

Per variant (SageMaker Developer Guide, "Automatic scaling of Amazon SageMaker AI models"):

* a scalable target ``endpoint/<endpoint>/variant/<variant>`` on
  ``sagemaker:variant:DesiredInstanceCount`` in the ``sagemaker`` namespace. Its
  resource id is a name, not a reference, so CloudFormation would register it
  before the endpoint exists: it ``DependsOn`` the endpoint explicitly. With no
  RoleARN, Application Auto Scaling uses its SageMaker service-linked role;
* a target-tracking policy. Real-time and multi-model endpoints track the
  predefined ``SageMakerVariantInvocationsPerInstance``, which counts
  invocations per instance PER MINUTE; a load-tested peak becomes
  ``max_rps_per_instance x 60 x safety_factor`` ("Load testing your auto scaling
  configuration"). Async endpoints publish no invocation metrics and track
  ``ApproximateBacklogSizePerInstance`` ("Autoscale an asynchronous endpoint");
* optionally a step-scaling policy that adds instances when GPU utilization or
  model latency stays above a threshold (target tracking still scales in);
* for an async endpoint that scales to zero, the step-scaling policy AWS
  documents on ``HasBacklogWithoutCapacity``: with no instance there is no
  backlog per instance to track, so without it the endpoint would only leave
  zero once the backlog exceeds the target.
"""

from __future__ import annotations

from dataclasses import dataclass

import jsii
from aws_cdk import Duration
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from mlblueprints.model.inference_fleet import Autoscaling as ScalingSpec
from mlblueprints.model.inference_fleet import StepScaling
from mlblueprints.resolve import ResolvedEndpoint, ResolvedVariant
from ..naming import variant_construct_id

SERVICE_NAMESPACE = "sagemaker"
SCALABLE_DIMENSION = "sagemaker:variant:DesiredInstanceCount"
INVOCATIONS_METRIC = "SageMakerVariantInvocationsPerInstance"
SAGEMAKER_NAMESPACE = "AWS/SageMaker"
#: Instance metrics (CPU, memory, GPU) of endpoint variants.
ENDPOINT_INSTANCE_NAMESPACE = "/aws/sagemaker/Endpoints"
BACKLOG_METRIC = "ApproximateBacklogSizePerInstance"
NO_CAPACITY_METRIC = "HasBacklogWithoutCapacity"
#: ModelLatency is reported in microseconds.
MICROSECONDS_PER_MS = 1000
#: The values of AWS's scale-from-zero example ("Autoscale an asynchronous endpoint").
SCALE_FROM_ZERO_COOLDOWN = Duration.minutes(5)
SCALE_FROM_ZERO_PERIODS = 2
STEP_COOLDOWN = Duration.minutes(5)


def resource_id(endpoint_name: str, variant_name: str) -> str:
    return f"endpoint/{endpoint_name}/variant/{variant_name}"


@jsii.implements(cloudwatch.IAlarmAction)
class _ScalingPolicyAction:
    """Lets an L2 alarm trigger an L1 step-scaling policy (its Ref is the policy ARN)."""

    def __init__(self, policy_arn: str) -> None:
        self._arn = policy_arn

    def bind(self, _scope, _alarm) -> cloudwatch.AlarmActionConfig:
        return cloudwatch.AlarmActionConfig(alarm_action_arn=self._arn)


@dataclass(frozen=True)
class EndpointAutoscalingProps:
    resolved: ResolvedEndpoint
    endpoint: sagemaker.CfnEndpoint


class EndpointAutoscaling(Construct):
    """Exposes ``targets`` and ``policies`` by variant name, and ``alarms`` (step-scaling triggers)."""

    targets: dict[str, appscaling.CfnScalableTarget]
    policies: dict[str, list[appscaling.CfnScalingPolicy]]
    alarms: list[cloudwatch.Alarm]

    def __init__(self, scope: Construct, construct_id_: str, *, props: EndpointAutoscalingProps) -> None:
        super().__init__(scope, construct_id_)
        self._props = props
        self.targets, self.policies, self.alarms = {}, {}, []
        for variant in props.resolved.variants:
            self._scale(variant)

    def _scale(self, resolved: ResolvedVariant) -> None:
        endpoint = self._props.resolved
        spec = endpoint.endpoint.autoscaling
        name = resolved.variant.name
        scope = Construct(self, variant_construct_id(name))
        target = appscaling.CfnScalableTarget(
            scope,
            "Target",
            service_namespace=SERVICE_NAMESPACE,
            scalable_dimension=SCALABLE_DIMENSION,
            resource_id=resource_id(endpoint.name, name),
            min_capacity=spec.min,
            max_capacity=spec.max,
        )
        target.node.add_dependency(self._props.endpoint)
        self.targets[name] = target
        policies = [self._target_tracking(scope, target, spec)]
        if spec.step is not None:
            policies.append(self._step(scope, target, resolved, spec.step))
        if endpoint.endpoint.mode == "async" and spec.min == 0:
            policies.append(self._scale_from_zero(scope, target))
        self.policies[name] = policies

    def _target_tracking(self, scope, target, spec: ScalingSpec) -> appscaling.CfnScalingPolicy:
        endpoint_name = self._props.resolved.name
        if spec.backlog_per_instance is not None:
            metric = dict(
                target_value=spec.backlog_per_instance,
                customized_metric_specification=appscaling.CfnScalingPolicy.CustomizedMetricSpecificationProperty(
                    metric_name=BACKLOG_METRIC,
                    namespace=SAGEMAKER_NAMESPACE,
                    dimensions=[appscaling.CfnScalingPolicy.MetricDimensionProperty(name="EndpointName", value=endpoint_name)],
                    statistic="Average",
                ),
            )
        else:
            metric = dict(
                target_value=spec.invocations_per_minute,
                predefined_metric_specification=appscaling.CfnScalingPolicy.PredefinedMetricSpecificationProperty(
                    predefined_metric_type=INVOCATIONS_METRIC
                ),
            )
        return appscaling.CfnScalingPolicy(
            scope,
            "TargetTracking",
            policy_name=f"{target.resource_id.split('/', 1)[1].replace('/', '-')}-target",
            policy_type="TargetTrackingScaling",
            scaling_target_id=target.ref,
            target_tracking_scaling_policy_configuration=appscaling.CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty(
                scale_in_cooldown=spec.scale_in_cooldown_seconds,
                scale_out_cooldown=spec.scale_out_cooldown_seconds,
                **metric,
            ),
        )

    def _step(self, scope, target, resolved: ResolvedVariant, step: StepScaling) -> appscaling.CfnScalingPolicy:
        dimensions = {"EndpointName": self._props.resolved.name, "VariantName": resolved.variant.name}
        if step.metric == "gpu_utilization":
            # GPUUtilization sums the GPUs of an instance (0-100 per GPU).
            gpus = resolved.instance.accelerator.count if resolved.instance and resolved.instance.accelerator else 1
            metric = cloudwatch.Metric(
                namespace=ENDPOINT_INSTANCE_NAMESPACE, metric_name="GPUUtilization", dimensions_map=dimensions,
                statistic="Average", period=Duration.minutes(1),
            )
            threshold = step.above * gpus
        else:
            metric = cloudwatch.Metric(
                namespace=SAGEMAKER_NAMESPACE, metric_name="ModelLatency", dimensions_map=dimensions,
                statistic="Average", period=Duration.minutes(1),
            )
            threshold = step.above * MICROSECONDS_PER_MS
        policy = self._step_policy(scope, "StepScaling", target, step.add_instances, STEP_COOLDOWN, f"{step.metric}-step")
        alarm = cloudwatch.Alarm(
            scope,
            "StepScalingAlarm",
            alarm_description=(
                f"{self._props.resolved.name}/{resolved.variant.name}: {step.metric} above {step.above:g}"
                f"{'% per GPU' if step.metric == 'gpu_utilization' else ' ms'}, add {step.add_instances}"
            ),
            metric=metric,
            threshold=threshold,
            evaluation_periods=step.evaluation_minutes,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(_ScalingPolicyAction(policy.ref))
        self.alarms.append(alarm)
        return policy

    def _scale_from_zero(self, scope, target) -> appscaling.CfnScalingPolicy:
        policy = self._step_policy(scope, "ScaleFromZero", target, 1, SCALE_FROM_ZERO_COOLDOWN, "scale-from-zero")
        alarm = cloudwatch.Alarm(
            scope,
            "BacklogWithoutCapacityAlarm",
            alarm_description=f"{self._props.resolved.name}: requests are queued and no instance is running",
            metric=cloudwatch.Metric(
                namespace=SAGEMAKER_NAMESPACE,
                metric_name=NO_CAPACITY_METRIC,
                dimensions_map={"EndpointName": self._props.resolved.name},
                statistic="Average",
                period=Duration.minutes(1),
            ),
            threshold=1,
            evaluation_periods=SCALE_FROM_ZERO_PERIODS,
            datapoints_to_alarm=SCALE_FROM_ZERO_PERIODS,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.MISSING,
        )
        alarm.add_alarm_action(_ScalingPolicyAction(policy.ref))
        self.alarms.append(alarm)
        return policy

    def _step_policy(self, scope, construct_id_, target, add: int, cooldown: Duration, suffix: str) -> appscaling.CfnScalingPolicy:
        return appscaling.CfnScalingPolicy(
            scope,
            construct_id_,
            policy_name=f"{target.resource_id.split('/', 1)[1].replace('/', '-')}-{suffix}",
            policy_type="StepScaling",
            scaling_target_id=target.ref,
            step_scaling_policy_configuration=appscaling.CfnScalingPolicy.StepScalingPolicyConfigurationProperty(
                adjustment_type="ChangeInCapacity",
                cooldown=int(cooldown.to_seconds()),
                metric_aggregation_type="Average",
                step_adjustments=[
                    appscaling.CfnScalingPolicy.StepAdjustmentProperty(metric_interval_lower_bound=0, scaling_adjustment=add)
                ],
            ),
        )
