"""The InferenceFleet spec: SageMaker endpoints in one region, with their models and scaling.

Every default of the kind is applied here. Variants carry their effective
instance type and container (their own, else the endpoint's) and remember
which of those they set themselves (``overrides``), so rules can point at the
line that chose the value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, Mapping

from mlblueprints import serving
from mlblueprints.model.common import Container, DataBucket, Metadata, Network, build_network
from mlblueprints.model.workload import Budget, build_budget

Mode = Literal["realtime", "serverless", "async", "multi-model"]
Tier = Literal["production", "staging", "development"]

DEFAULT_TIER = "production"
DEFAULT_WEIGHT = 1.0
#: The SageMaker Python SDK's ServerlessInferenceConfig defaults (memory_size_in_mb=2048, max_concurrency=5).
DEFAULT_SERVERLESS_MEMORY_MB = 2048
DEFAULT_SERVERLESS_CONCURRENCY = 5
#: AWS's worked example (endpoint-scaling-loadtest) and the CDK sagemaker-alpha default: aim at half the peak.
DEFAULT_SAFETY_FACTOR = 0.5
#: Scale out within a minute of a breach, scale in only after five quiet minutes: fast for latency, slow against flapping.
DEFAULT_SCALE_IN_COOLDOWN_SECONDS = 300
DEFAULT_SCALE_OUT_COOLDOWN_SECONDS = 60
DEFAULT_STEP_ADD_INSTANCES = 1
DEFAULT_STEP_EVALUATION_MINUTES = 3
DEFAULT_SHADOW_SAMPLING_PERCENTAGE = 100
DEFAULT_SHADOW_INSTANCE_COUNT = 1
DEFAULT_CAPTURE = ("input", "output")
DEFAULT_ERROR_RATE_PERCENT = 1.0
#: Half of InvokeEndpoint's 60-second limit (SageMaker Runtime API reference, InvokeEndpoint).
DEFAULT_LATENCY_P99_MS = 30_000
#: Half of the default 15-minute timeout of InvokeEndpointAsync ("Invoke an Asynchronous Endpoint").
DEFAULT_ASYNC_LATENCY_P99_MS = 450_000
DEFAULT_ALARM_EVALUATION_MINUTES = 5
#: Suffix of the default failure prefix under an async output path.
ASYNC_FAILURE_SUFFIX = "failures"
#: Per async endpoint, callers upload requests under <fleet prefix>/<ASYNC_INPUT_PREFIX>/<endpoint>/ by
#: default: beside data-capture/<endpoint>, one prefix per endpoint, apart from every output path.
ASYNC_INPUT_PREFIX = "async-inputs"
#: Per endpoint, captured data goes under <fleet prefix>/<DATA_CAPTURE_PREFIX>/<endpoint>/.
DATA_CAPTURE_PREFIX = "data-capture"


@dataclass(frozen=True)
class ModelSource:
    """Exactly one of ``artifact`` (a model.tar.gz key), ``prefix`` (multi-model) and ``hub`` (a Hub id)."""

    artifact: str | None = None
    prefix: str | None = None
    hub: str | None = None

    @property
    def field(self) -> str:
        return "artifact" if self.artifact is not None else "prefix" if self.prefix is not None else "hub"


#: The blueprint's production-variant start-up settings (ProductionVariant fields in the stack).
HOSTING_FIELDS = ("startup_health_check_timeout_seconds", "model_download_timeout_seconds", "volume_size_gb")


@dataclass(frozen=True)
class Hosting:
    """A variant's start-up settings: the endpoint's own, else its container family's (None: SageMaker's).

    Family defaults are data (``serving.ServingContainer.hosting``, from scripts/serving_source.yaml);
    serverless capacity takes none of these settings, so it gets no defaults.
    """

    startup_health_check_timeout_seconds: int | None = None
    model_download_timeout_seconds: int | None = None
    volume_size_gb: int | None = None
    #: Which fields the endpoint set itself.
    given: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Variant:
    name: str
    model: ModelSource
    weight: float
    #: Effective: the variant's own, else the endpoint's; None on serverless endpoints.
    instance_type: str | None
    container: Container
    #: Which of ``instance_type`` and ``container`` the variant set itself.
    overrides: frozenset[str] = frozenset()
    hosting: Hosting = Hosting()


@dataclass(frozen=True)
class ShadowVariant:
    name: str
    model: ModelSource
    sampling_percentage: int
    instance_type: str | None
    instance_count: int
    container: Container
    overrides: frozenset[str] = frozenset()
    hosting: Hosting = Hosting()


@dataclass(frozen=True)
class Serverless:
    memory_mb: int = DEFAULT_SERVERLESS_MEMORY_MB
    max_concurrency: int = DEFAULT_SERVERLESS_CONCURRENCY
    provisioned_concurrency: int | None = None


@dataclass(frozen=True)
class AsyncInference:
    """Key prefixes are relative to the fleet's bucket prefix, in the fleet's bucket."""

    output_path: str | None = None
    failure_path: str | None = None
    #: Where callers upload request payloads that InvokeEndpointAsync's InputLocation names; the
    #: endpoint's execution role reads them. Default: ``<ASYNC_INPUT_PREFIX>/<endpoint name>``.
    input_path: str | None = None
    notify_success: bool = False
    notify_error: bool = False
    max_concurrent_invocations_per_instance: int | None = None


@dataclass(frozen=True)
class StepScaling:
    metric: Literal["gpu_utilization", "model_latency"]
    above: float
    add_instances: int = DEFAULT_STEP_ADD_INSTANCES
    evaluation_minutes: int = DEFAULT_STEP_EVALUATION_MINUTES


@dataclass(frozen=True)
class Autoscaling:
    """Exactly one of the three targets is set (the schema enforces it)."""

    min: int
    max: int
    invocations_per_instance: float | None = None
    max_rps_per_instance: float | None = None
    safety_factor: float = DEFAULT_SAFETY_FACTOR
    backlog_per_instance: float | None = None
    scale_in_cooldown_seconds: int = DEFAULT_SCALE_IN_COOLDOWN_SECONDS
    scale_out_cooldown_seconds: int = DEFAULT_SCALE_OUT_COOLDOWN_SECONDS
    step: StepScaling | None = None

    @property
    def target_field(self) -> str:
        if self.invocations_per_instance is not None:
            return "invocations_per_instance"
        return "max_rps_per_instance" if self.max_rps_per_instance is not None else "backlog_per_instance"

    @property
    def invocations_per_minute(self) -> float | None:
        """The SageMakerVariantInvocationsPerInstance target, which counts invocations per MINUTE.

        From a load-tested peak: ``max_rps_per_instance * 60 * safety_factor`` (SageMaker
        Developer Guide, "Load testing your auto scaling configuration"). None for a backlog target.
        """
        if self.invocations_per_instance is not None:
            return self.invocations_per_instance
        if self.max_rps_per_instance is not None:
            return self.max_rps_per_instance * 60 * self.safety_factor
        return None


@dataclass(frozen=True)
class DataCapture:
    sampling_percentage: int
    capture: tuple[str, ...] = DEFAULT_CAPTURE


@dataclass(frozen=True)
class Alarms:
    latency_p99_ms: float
    error_rate_percent: float = DEFAULT_ERROR_RATE_PERCENT
    evaluation_minutes: int = DEFAULT_ALARM_EVALUATION_MINUTES


@dataclass(frozen=True)
class Endpoint:
    #: Position in ``spec.endpoints``, for diagnostics.
    index: int
    name: str
    mode: Mode
    container: Container
    #: None on serverless endpoints.
    instance_type: str | None
    #: Instances each production variant starts with; None on serverless endpoints.
    instance_count: int | None
    environment: Mapping[str, str]
    network_isolation: bool
    vpc: bool
    variants: tuple[Variant, ...]
    alarms: Alarms
    shadow: ShadowVariant | None = None
    serverless: Serverless | None = None
    async_inference: AsyncInference | None = None
    autoscaling: Autoscaling | None = None
    data_capture: DataCapture | None = None

    @property
    def path(self) -> tuple[str | int, ...]:
        return ("spec", "endpoints", self.index)

    @property
    def has_instances(self) -> bool:
        return self.mode != "serverless"

    @property
    def uses_hub(self) -> bool:
        models = [v.model for v in self.variants] + ([self.shadow.model] if self.shadow else [])
        return any(m.hub is not None for m in models)


@dataclass(frozen=True)
class InferenceFleetSpec:
    region: str
    tier: Tier
    availability_zones: tuple[str, ...]
    network: Network
    bucket: DataBucket
    alarm_topic: bool
    endpoints: tuple[Endpoint, ...] = field(default_factory=tuple)
    budget: Budget | None = None

    @property
    def is_production(self) -> bool:
        return self.tier == "production"

    @property
    def uses_vpc(self) -> bool:
        """Whether any endpoint attaches to the fleet's subnets; without one the stack makes no network."""
        return any(e.vpc for e in self.endpoints)


def build_spec(raw: Mapping, metadata: Metadata) -> InferenceFleetSpec:
    bucket_raw = raw.get("bucket", {})
    return InferenceFleetSpec(
        region=raw["region"],
        tier=raw.get("tier", DEFAULT_TIER),
        availability_zones=tuple(raw.get("availability_zones", ())),
        network=build_network(raw.get("network", {})),
        bucket=DataBucket(existing=bucket_raw.get("existing"), prefix=bucket_raw.get("prefix", metadata.name).strip("/")),
        alarm_topic=raw.get("alarm_topic", False),
        endpoints=tuple(_endpoint(index, e) for index, e in enumerate(raw["endpoints"])),
        budget=build_budget(raw.get("budget")),
    )


def _endpoint(index: int, raw: Mapping) -> Endpoint:
    mode = raw["mode"]
    serverless = mode == "serverless"
    container = Container(**raw["container"])
    instance_type = raw.get("instance_type")
    given = {k: raw[k] for k in HOSTING_FIELDS if k in raw}
    variants = tuple(_variant(v, instance_type, container, given, serverless) for v in raw["variants"])
    shadow = _shadow(raw["shadow"], instance_type, container, given, serverless) if "shadow" in raw else None
    autoscaling = _autoscaling(raw["autoscaling"]) if "autoscaling" in raw else None
    hub = any(v.model.hub is not None for v in variants) or (shadow is not None and shadow.model.hub is not None)
    return Endpoint(
        index=index,
        name=raw["name"],
        mode=mode,
        container=container,
        instance_type=instance_type,
        instance_count=None if serverless else raw.get("instance_count", _initial_count(autoscaling)),
        environment=MappingProxyType(dict(raw.get("environment", {}))),
        # Isolation is the default wherever it can work: serverless endpoints do not support
        # it, and a Hub model is downloaded by the container itself, which needs the network.
        network_isolation=raw.get("network_isolation", not (serverless or hub)),
        vpc=raw.get("vpc", not serverless),
        variants=variants,
        alarms=_alarms(raw.get("alarms", {}), mode),
        shadow=shadow,
        serverless=Serverless(**raw.get("serverless", {})) if serverless or "serverless" in raw else None,
        async_inference=_async(raw.get("async", {}), raw["name"]) if mode == "async" or "async" in raw else None,
        autoscaling=autoscaling,
        data_capture=_data_capture(raw["data_capture"]) if "data_capture" in raw else None,
    )


def _initial_count(autoscaling: Autoscaling | None) -> int:
    """Start at the scaling minimum; an endpoint cannot be created with zero instances, so at least 1."""
    return max(autoscaling.min, 1) if autoscaling is not None else 1


def _model(raw: Mapping) -> ModelSource:
    """Keys are stored without leading or trailing slashes; the stack adds the trailing / of a prefix."""
    return ModelSource(**{key: value if key == "hub" else value.strip("/") for key, value in raw.items()})


def _hosting(given: Mapping[str, int], container: Container, serverless: bool) -> Hosting:
    """The endpoint's settings over the container family's defaults (none on serverless capacity)."""
    facts = serving.serving_container(container.framework) if container.uri is None else None
    defaults = dict(facts.hosting) if facts is not None and not serverless else {}
    return Hosting(**{**defaults, **given}, given=frozenset(given))


def _variant(raw: Mapping, instance_type: str | None, container: Container, hosting: Mapping, serverless: bool) -> Variant:
    own = Container(**raw["container"]) if "container" in raw else container
    return Variant(
        name=raw["name"],
        model=_model(raw["model"]),
        weight=float(raw.get("weight", DEFAULT_WEIGHT)),
        instance_type=raw.get("instance_type", instance_type),
        container=own,
        overrides=frozenset(k for k in ("instance_type", "container") if k in raw),
        hosting=_hosting(hosting, own, serverless),
    )


def _shadow(raw: Mapping, instance_type: str | None, container: Container, hosting: Mapping, serverless: bool) -> ShadowVariant:
    own = Container(**raw["container"]) if "container" in raw else container
    return ShadowVariant(
        name=raw["name"],
        model=_model(raw["model"]),
        sampling_percentage=raw.get("sampling_percentage", DEFAULT_SHADOW_SAMPLING_PERCENTAGE),
        instance_type=raw.get("instance_type", instance_type),
        instance_count=raw.get("instance_count", DEFAULT_SHADOW_INSTANCE_COUNT),
        container=own,
        overrides=frozenset(k for k in ("instance_type", "container") if k in raw),
        hosting=_hosting(hosting, own, serverless),
    )


def _async(raw: Mapping, endpoint_name: str) -> AsyncInference:
    output = raw.get("output_path")
    output = output.strip("/") if output is not None else None
    failure = raw.get("failure_path")
    if failure is not None:
        failure = failure.strip("/")
    elif output is not None:
        failure = f"{output}/{ASYNC_FAILURE_SUFFIX}"
    return AsyncInference(
        output_path=output,
        failure_path=failure,
        input_path=raw.get("input_path", f"{ASYNC_INPUT_PREFIX}/{endpoint_name}").strip("/"),
        notify_success=raw.get("notify_success", False),
        notify_error=raw.get("notify_error", False),
        max_concurrent_invocations_per_instance=raw.get("max_concurrent_invocations_per_instance"),
    )


def _autoscaling(raw: Mapping) -> Autoscaling:
    step = raw.get("step")
    return Autoscaling(
        min=raw["min"],
        max=raw["max"],
        invocations_per_instance=raw.get("invocations_per_instance"),
        max_rps_per_instance=raw.get("max_rps_per_instance"),
        safety_factor=raw.get("safety_factor", DEFAULT_SAFETY_FACTOR),
        backlog_per_instance=raw.get("backlog_per_instance"),
        scale_in_cooldown_seconds=raw.get("scale_in_cooldown_seconds", DEFAULT_SCALE_IN_COOLDOWN_SECONDS),
        scale_out_cooldown_seconds=raw.get("scale_out_cooldown_seconds", DEFAULT_SCALE_OUT_COOLDOWN_SECONDS),
        step=StepScaling(**step) if step is not None else None,
    )


def _data_capture(raw: Mapping) -> DataCapture:
    return DataCapture(
        sampling_percentage=raw["sampling_percentage"],
        capture=tuple(raw.get("capture", DEFAULT_CAPTURE)),
    )


def _alarms(raw: Mapping, mode: str) -> Alarms:
    latency = DEFAULT_ASYNC_LATENCY_P99_MS if mode == "async" else DEFAULT_LATENCY_P99_MS
    return Alarms(
        latency_p99_ms=raw.get("latency_p99_ms", latency),
        error_rate_percent=raw.get("error_rate_percent", DEFAULT_ERROR_RATE_PERCENT),
        evaluation_minutes=raw.get("evaluation_minutes", DEFAULT_ALARM_EVALUATION_MINUTES),
    )
