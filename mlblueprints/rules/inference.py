"""Rules about InferenceFleet blueprints: SageMaker hosting instances, containers, modes and scaling.

A variant's instance type and container are its own or its endpoint's (the model
records which in ``overrides``); findings point at the line that chose the value.
"""

from __future__ import annotations

import difflib
from typing import Iterator

from mlblueprints import images, serving
from mlblueprints.catalog import InstanceType
from mlblueprints.diagnostics import Level
from mlblueprints.model.inference_fleet import Endpoint, ShadowVariant, Variant
from mlblueprints.rules.base import Finding, JsonPath, Rule

FLEET = frozenset({"InferenceFleet"})
#: Below this many invocations per instance PER MINUTE (one request every 6 seconds), a target
#: is far under what any served model sustains at saturation, so it was almost certainly meant
#: per second. Slow generative models can legitimately sit lower: suppress with the reason.
PER_SECOND_SUSPICION = 10
INSTANCE_MODES = frozenset({"realtime", "async", "multi-model"})
#: Modes that answer requests synchronously, where one instance is a single point of failure.
SYNCHRONOUS_INSTANCE_MODES = frozenset({"realtime", "multi-model"})
MAX_GPU_PERCENT = 100

AnyVariant = Variant | ShadowVariant


def variants(endpoint: Endpoint) -> Iterator[tuple[AnyVariant, JsonPath]]:
    """Every production variant and the shadow variant, each with its path."""
    for index, variant in enumerate(endpoint.variants):
        yield variant, endpoint.path + ("variants", index)
    if endpoint.shadow is not None:
        yield endpoint.shadow, endpoint.path + ("shadow",)


def chosen_at(endpoint: Endpoint, variant: AnyVariant, variant_path: JsonPath, field: str) -> JsonPath:
    """Where ``field`` (instance_type or container) of ``variant`` was written: the variant or its endpoint."""
    return variant_path + (field,) if field in variant.overrides else endpoint.path + (field,)


def instance_of(context, variant: AnyVariant) -> InstanceType | None:
    return context.catalog.get(variant.instance_type) if variant.instance_type else None


def hardware_of(context, endpoint: Endpoint, variant: AnyVariant) -> str | None:
    """cpu/gpu/neuron/neuronx, or None when the instance type is unknown (BP301 reports it)."""
    if not endpoint.has_instances:
        return serving.CPU
    instance = instance_of(context, variant)
    return serving.hardware(instance) if instance is not None else None


def _words(hardware: frozenset[str] | set[str]) -> str:
    return " or ".join(serving.HARDWARE_WORDS.get(h, h) for h in sorted(hardware))


class InferenceRule(Rule):
    kinds = FLEET


class InferenceInstanceOffered(InferenceRule):
    id = "BP301"
    level = Level.ERROR
    summary = "Every variant's ml.* instance type exists and is offered for SageMaker hosting in the region"
    source_url = "https://aws.amazon.com/sagemaker/pricing/"

    def check(self, blueprint, context):
        region = blueprint.spec.region
        catalog = context.catalog
        seen: set[JsonPath] = set()
        for endpoint in blueprint.spec.endpoints:
            if not endpoint.has_instances:
                continue
            for variant, path in variants(endpoint):
                name = variant.instance_type
                where = chosen_at(endpoint, variant, path, "instance_type")
                if name is None or where in seen:
                    continue
                seen.add(where)
                if catalog.get(name) is None:
                    known = [n for n in catalog.names() if n.startswith("ml.")]
                    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
                    offered = catalog.exists_anywhere(name)
                    yield Finding(
                        where,
                        f"{name} is offered for SageMaker hosting but is not in the mlblueprints catalog"
                        if offered
                        else f"unknown SageMaker hosting instance type {name}",
                        f"did you mean {', '.join(close)}?" if close else "pick an ml.* type from mlblueprints/data/instances.json",
                    )
                elif not catalog.is_offered(name, region):
                    regions = catalog.regions_offering(name)
                    yield Finding(
                        where,
                        f"{name} is not offered for SageMaker hosting in {region}",
                        f"offered in: {', '.join(regions)}" if regions else "no region offers it for hosting",
                    )


class InferenceContainerExists(InferenceRule):
    id = "BP302"
    level = Level.ERROR
    summary = "The inference container's framework, version, Python and base framework exist in the region"
    source_url = "https://github.com/aws/deep-learning-containers/blob/master/available_images.md"

    def check(self, blueprint, context):
        seen: set[JsonPath] = set()
        for endpoint in blueprint.spec.endpoints:
            for variant, path in variants(endpoint):
                container = variant.container
                where = chosen_at(endpoint, variant, path, "container")
                if container.uri is not None or where in seen:
                    continue
                seen.add(where)
                facts = serving.serving_container(container.framework)
                if facts is None or container.framework not in images.dlc_frameworks("inference"):
                    known = serving.serving_frameworks()
                    close = difflib.get_close_matches(container.framework, known, n=1, cutoff=0.6)
                    yield Finding(
                        where + ("framework",),
                        f"no inference container for framework {container.framework!r}",
                        f"did you mean `{close[0]}`?" if close else f"known frameworks: {', '.join(known)}",
                    )
                    continue
                # Check what exists, on the variant's hardware if the image runs there (BP303 reports when not).
                hardware = hardware_of(context, endpoint, variant)
                target = hardware if hardware in facts.hardware else sorted(facts.hardware)[0]
                try:
                    images.dlc_uri(
                        container.framework,
                        container.version,
                        region=blueprint.spec.region,
                        scope="inference",
                        processor=serving.dlc_processor(target),
                        python=container.python,
                        base_framework=container.base_framework,
                    )
                except images.ImageNotFound as missing:
                    field = "version"
                    if "python" in str(missing) and container.python is not None:
                        field = "python"
                    elif "base framework" in str(missing) and container.base_framework is not None:
                        field = "base_framework"
                    yield Finding(
                        where + (field,),
                        str(missing),
                        f"versions of {container.framework}: "
                        f"{', '.join(images.dlc_versions(container.framework, 'inference')[-8:])}",
                    )


class ServingHardwarePairing(InferenceRule):
    id = "BP303"
    level = Level.ERROR
    summary = "GPU images run on GPU instances, Neuron images on the Inferentia/Trainium generation they target"
    source_url = "https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/arch/neuron-hardware/"

    def check(self, blueprint, context):
        seen: set[tuple[JsonPath, JsonPath]] = set()
        for endpoint in blueprint.spec.endpoints:
            for variant, path in variants(endpoint):
                facts = serving.serving_container(variant.container.framework)
                hardware = hardware_of(context, endpoint, variant)
                if facts is None or variant.container.uri is not None or hardware is None:
                    continue
                if hardware in facts.hardware:
                    continue
                instance_path = chosen_at(endpoint, variant, path, "instance_type")
                container_path = chosen_at(endpoint, variant, path, "container") + ("framework",)
                where = instance_path if endpoint.has_instances else container_path
                if (where, container_path) in seen:
                    continue
                seen.add((where, container_path))
                runs_on = "serverless capacity (CPU only)" if not endpoint.has_instances else (
                    f"{variant.instance_type} ({serving.HARDWARE_WORDS.get(hardware, hardware)})"
                )
                yield Finding(
                    where,
                    f"{variant.container.framework} images run on {_words(facts.hardware)}, not on {runs_on}",
                    _pairing_hint(hardware, endpoint.has_instances, variant.container.framework),
                )


def _pairing_hint(hardware: str, has_instances: bool, framework: str) -> str:
    if not has_instances:
        return "serverless endpoints have no accelerators: pick a CPU image (pytorch, huggingface-tei-cpu, ...) or mode: realtime"
    fitting = [f for f in serving.serving_frameworks() if hardware in serving.serving_container(f).hardware]
    words = serving.HARDWARE_WORDS.get(hardware, hardware)
    # The same family built for this hardware (pytorch -> pytorch-inference-neuronx) is what was meant.
    twins = [f for f in fitting if f.startswith(framework + "-")]
    if twins:
        twin = min(twins, key=len)  # huggingface -> huggingface-neuronx, not huggingface-llm-neuronx
        versions = ", ".join(images.dlc_versions(twin, "inference"))
        return f"on {words} write `framework: {twin}` with one of its versions ({versions}), or change the instance type"
    return f"on {words} use {', '.join(fitting) or 'a custom `uri`'}, or change the instance type"


class MultiModelSupport(InferenceRule):
    id = "BP304"
    level = Level.ERROR
    summary = ("Multi-model endpoints load models from a prefix, on CPU, or on GPU only with the Triton container on the "
               "GPU instance types SageMaker lists; not on Inferentia")
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/dg/multi-model-support.html"

    def check(self, blueprint, context):
        for endpoint in blueprint.spec.endpoints:
            multi = endpoint.mode == "multi-model"
            seen: set[JsonPath] = set()
            for variant, path in variants(endpoint):
                model_path = path + ("model", variant.model.field)
                if multi and variant.model.prefix is None:
                    yield Finding(
                        model_path,
                        "a multi-model endpoint loads its models from an S3 prefix, not from one "
                        + ("artifact" if variant.model.artifact is not None else "Hub model"),
                        "write `model: {prefix: <key prefix holding the model.tar.gz files>}`",
                    )
                elif not multi and variant.model.prefix is not None:
                    yield Finding(
                        model_path,
                        f"a model prefix serves a multi-model endpoint; this endpoint's mode is {endpoint.mode}",
                        "set `mode: multi-model`, or point `artifact:` at one model.tar.gz",
                    )
                if multi:
                    yield from self._hardware(endpoint, variant, path, context, seen)

    def _hardware(self, endpoint, variant, path, context, seen):
        hardware = hardware_of(context, endpoint, variant)
        instance_path = chosen_at(endpoint, variant, path, "instance_type")
        if hardware in (serving.NEURON, serving.NEURONX):
            yield Finding(
                instance_path,
                f"multi-model endpoints do not run on {variant.instance_type}: Inferentia and Trainium are not supported",
                "use a CPU type (ml.c*, ml.m*, ml.r*) or a GPU type with the sagemaker-tritonserver container",
            )
            return
        supported = serving.multi_model_gpu_instance_types()
        # Whatever the image: the list is of instance types SageMaker hosts multi-model GPU endpoints on.
        if hardware == serving.GPU and variant.instance_type not in supported and instance_path not in seen:
            seen.add(instance_path)
            family = variant.instance_type.split(".")[1]
            same_family = [t for t in supported if t.split(".")[1] == family]
            yield Finding(
                instance_path,
                f"multi-model endpoints on GPU run only on the instance types SageMaker lists for them, and "
                f"{variant.instance_type} is not one (supported: {', '.join(supported)})",
                "pick a listed type"
                + (f" ({family}: {', '.join(same_family)})" if same_family else "")
                + " or a CPU type; serve a model that needs a bigger GPU from its own realtime endpoint",
            )
        facts = serving.serving_container(variant.container.framework)
        if facts is None or hardware is None or variant.container.uri is not None:
            return
        if hardware not in facts.multi_model:
            framework_path = chosen_at(endpoint, variant, path, "container") + ("framework",)
            if hardware == serving.GPU:
                message = f"GPU multi-model endpoints need the SageMaker Triton container, not {facts.framework}"
                hint = "set `container: {framework: sagemaker-tritonserver, version: ...}`, or use a CPU instance type"
            else:
                message = f"{facts.framework} images do not serve multi-model endpoints"
                hint = "use pytorch, tensorflow or sagemaker-tritonserver, or a custom `uri` built with the multi-model server"
            yield Finding(framework_path, message, hint)


class ServerlessExclusions(InferenceRule):
    id = "BP305"
    level = Level.ERROR
    summary = "Serverless endpoints have no instances or GPUs, no VPC, no isolation, one variant, no data capture, no multi-model"
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/dg/serverless-endpoints.html"

    def check(self, blueprint, context):
        for endpoint in blueprint.spec.endpoints:
            if endpoint.mode != "serverless":
                continue
            at = endpoint.path
            seen: set[JsonPath] = set()
            for variant, path in variants(endpoint):
                where = chosen_at(endpoint, variant, path, "instance_type")
                if variant.instance_type is not None and where not in seen:
                    seen.add(where)
                    yield Finding(
                        where,
                        f"serverless endpoints have no instances (and no GPUs): {variant.instance_type} cannot be used",
                        "remove `instance_type` and size the endpoint with `serverless.memory_mb`, or use mode: realtime",
                    )
            if endpoint.vpc:
                yield Finding(at + ("vpc",), "serverless endpoints cannot be attached to a VPC", "remove `vpc: true`")
            if endpoint.network_isolation:
                yield Finding(
                    at + ("network_isolation",),
                    "serverless endpoints do not support network isolation",
                    "remove `network_isolation: true`, or use mode: realtime",
                )
            if len(endpoint.variants) > 1:
                yield Finding(
                    at + ("variants", 1),
                    "serverless endpoints take one production variant; traffic cannot be split between variants",
                    "keep one variant, or use mode: realtime for A/B testing",
                )
            if endpoint.data_capture is not None:
                yield Finding(at + ("data_capture",), "serverless endpoints do not support data capture", "remove `data_capture`")
            if endpoint.autoscaling is not None:
                yield Finding(
                    at + ("autoscaling",),
                    "serverless endpoints scale by themselves; Application Auto Scaling does not apply",
                    "remove `autoscaling` and set `serverless.max_concurrency`",
                )
            if any(v.model.prefix is not None for v, _ in variants(endpoint)):
                yield Finding(at + ("mode",), "serverless endpoints cannot host multi-model prefixes", "use mode: multi-model")
            limits = endpoint.serverless
            if limits and limits.provisioned_concurrency and limits.provisioned_concurrency > limits.max_concurrency:
                yield Finding(
                    at + ("serverless", "provisioned_concurrency"),
                    f"provisioned concurrency ({limits.provisioned_concurrency}) exceeds max_concurrency ({limits.max_concurrency})",
                    "lower `provisioned_concurrency` or raise `max_concurrency`",
                )


class AsyncOutputPath(InferenceRule):
    id = "BP306"
    level = Level.ERROR
    summary = "Asynchronous endpoints name the S3 path their results are written to, apart from where requests are uploaded"
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AsyncInferenceOutputConfig.html"

    def check(self, blueprint, context):
        for endpoint in blueprint.spec.endpoints:
            config = endpoint.async_inference
            if endpoint.mode != "async":
                continue  # BP314 reports `async` settings on other modes
            if config is None or config.output_path is None:
                yield Finding(
                    endpoint.path + ("async",) if blueprint.source_map.exists(endpoint.path + ("async",)) else endpoint.path + ("mode",),
                    "an async endpoint writes every result to S3, and no `async.output_path` is set",
                    "add `async: {output_path: <key prefix under the fleet's prefix>}`",
                )
                continue
            yield from self._apart(blueprint, endpoint, config)

    def _apart(self, blueprint, endpoint, config):
        """Requests and results under one prefix mix callers' uploads with SageMaker's writes: an S3 event
        that invokes the endpoint for each new request would fire for every result too, and whoever may
        upload requests could overwrite results."""
        at = endpoint.path + ("async",)
        for field, what, written in (("output_path", "results", config.output_path),
                                     ("failure_path", "failures", config.failure_path)):
            if not (_under(config.input_path, written) or _under(written, config.input_path)):
                continue
            where = at + ("input_path",)
            if not blueprint.source_map.exists(where):
                where = at + (field,) if blueprint.source_map.exists(at + (field,)) else at + ("output_path",)
            yield Finding(
                where,
                f"requests are uploaded under {config.input_path}/ and {what} are written under "
                f"{written}/: one prefix holds the other",
                "give `async.input_path` and `async.output_path`/`failure_path` separate prefixes, "
                f"for example `input_path: requests/{endpoint.name}`",
            )
            return


def _under(key_prefix: str, parent: str) -> bool:
    """Whether ``key_prefix`` is ``parent`` or lies below it, compared by whole path segments."""
    return key_prefix == parent or key_prefix.startswith(parent + "/")


class AutoscalingBounds(InferenceRule):
    id = "BP307"
    level = Level.ERROR
    summary = "Autoscaling has min <= max, a target for its mode, scale-to-zero only on async, GPU metrics only on GPUs"
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling.html"

    def check(self, blueprint, context):
        for endpoint in blueprint.spec.endpoints:
            scaling = endpoint.autoscaling
            if scaling is None or not endpoint.has_instances:
                continue
            at = endpoint.path + ("autoscaling",)
            if scaling.min > scaling.max:
                yield Finding(at + ("min",), f"min ({scaling.min}) is greater than max ({scaling.max})", "raise `max` or lower `min`")
            elif endpoint.instance_count is not None and not scaling.min <= endpoint.instance_count <= max(scaling.max, 1):
                yield Finding(
                    endpoint.path + ("instance_count",),
                    f"instance_count ({endpoint.instance_count}) is outside min..max ({scaling.min}..{scaling.max})",
                    f"set `instance_count` between {max(scaling.min, 1)} and {scaling.max}, or omit it to start at min",
                )
            if scaling.min == 0 and endpoint.mode != "async":
                yield Finding(
                    at + ("min",),
                    f"{endpoint.mode} endpoints cannot scale to zero instances; only async endpoints can",
                    "set `min: 1` or more, or use mode: async for queued work that can wait for a cold start",
                )
            target = scaling.target_field
            if endpoint.mode == "async" and target != "backlog_per_instance":
                yield Finding(
                    at + (target,),
                    "async endpoints do not publish InvocationsPerInstance; they scale on their queue",
                    "use `backlog_per_instance:` (ApproximateBacklogSizePerInstance), for example 5",
                )
            elif endpoint.mode != "async" and target == "backlog_per_instance":
                yield Finding(
                    at + (target,),
                    f"backlog_per_instance tracks the queue of async endpoints; a {endpoint.mode} endpoint has none",
                    "use `invocations_per_instance:` (per minute) or `max_rps_per_instance:`",
                )
            if target != "backlog_per_instance" and not (scaling.invocations_per_minute or 0) > 0:
                yield Finding(at + (target,), "the scaling target must be greater than 0", "set a positive target")
            yield from self._step(blueprint, endpoint, at, context)

    def _step(self, blueprint, endpoint, at, context):
        step = endpoint.autoscaling.step
        if step is None or step.metric != "gpu_utilization":
            return
        if step.above > MAX_GPU_PERCENT:
            yield Finding(
                at + ("step", "above"),
                f"gpu_utilization is a percentage per GPU; {step.above:g} can never be exceeded",
                "use a threshold between 1 and 100, for example 80",
            )
        for variant, path in variants(endpoint):
            if isinstance(variant, ShadowVariant):
                continue
            hardware = hardware_of(context, endpoint, variant)
            if hardware is not None and hardware != serving.GPU:
                yield Finding(
                    at + ("step", "metric"),
                    f"variant {variant.name} runs on {variant.instance_type}, which has no GPU to measure",
                    "scale on `model_latency` instead, or use GPU instance types",
                )
                return


class PerMinuteTarget(InferenceRule):
    id = "BP308"
    level = Level.WARNING
    summary = f"invocations_per_instance is per MINUTE; a target under {PER_SECOND_SUSPICION} looks like requests per second"
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-scaling-loadtest.html"

    def check(self, blueprint, context):
        for endpoint in blueprint.spec.endpoints:
            scaling = endpoint.autoscaling
            if scaling is None or scaling.invocations_per_instance is None:
                continue
            value = scaling.invocations_per_instance
            if value < PER_SECOND_SUSPICION:
                yield Finding(
                    endpoint.path + ("autoscaling", "invocations_per_instance"),
                    f"invocations_per_instance: {value:g} scales out once an instance gets a request every "
                    f"{60 / value:.0f} seconds; the metric counts invocations per minute",
                    f"if you meant {value:g} requests per second, write `max_rps_per_instance: {value:g}` "
                    f"(target = {value:g} x 60 x safety_factor 0.5 = {value * 30:g} per minute); "
                    "for a slow model, suppress BP308 with the load-test numbers",
                )


class ShadowVariantSupport(InferenceRule):
    id = "BP309"
    level = Level.ERROR
    summary = "A shadow variant needs exactly one production variant, and no serverless, async, multi-model or Inf1 endpoint"
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/dg/shadow-tests-exclusions.html"

    def check(self, blueprint, context):
        for endpoint in blueprint.spec.endpoints:
            if endpoint.shadow is None:
                continue
            at = endpoint.path + ("shadow",)
            if endpoint.mode != "realtime":
                yield Finding(
                    at,
                    f"shadow variants are not supported on {endpoint.mode} endpoints",
                    "remove `shadow`, or use mode: realtime",
                )
                continue
            if len(endpoint.variants) != 1:
                yield Finding(
                    at,
                    f"an endpoint with a shadow variant has exactly one production variant, not {len(endpoint.variants)}",
                    "keep one production variant while shadow testing; A/B-test with weights afterwards",
                )
            for variant, path in variants(endpoint):
                if hardware_of(context, endpoint, variant) == serving.NEURON:
                    yield Finding(
                        chosen_at(endpoint, variant, path, "instance_type"),
                        f"shadow testing is not supported on Inf1 instances ({variant.instance_type})",
                        "use Inf2 or GPU instances, or remove `shadow`",
                    )
                    return


class ProductionZones(InferenceRule):
    id = "BP310"
    level = Level.ERROR
    summary = "A production fleet's VPC endpoints span two or more availability zones"
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-best-practices.html"

    def check(self, blueprint, context):
        spec = blueprint.spec
        if not spec.is_production or not spec.uses_vpc:
            return
        zones = len(spec.availability_zones) if spec.availability_zones else 2  # CloudFormation picks two
        if zones < 2:
            yield Finding(
                ("spec", "availability_zones"),
                "a production fleet in one availability zone goes down with that zone",
                "list two or more zones (with one private subnet each for an existing VPC), or set `tier: staging`",
            )


class ProductionSingleInstance(InferenceRule):
    id = "BP311"
    level = Level.WARNING
    summary = "A production realtime or multi-model endpoint with a minimum of one instance has no redundancy"
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-best-practices.html"

    def check(self, blueprint, context):
        if not blueprint.spec.is_production:
            return
        for endpoint in blueprint.spec.endpoints:
            if endpoint.mode not in SYNCHRONOUS_INSTANCE_MODES:
                continue
            scaling = endpoint.autoscaling
            minimum = scaling.min if scaling is not None else endpoint.instance_count
            if minimum == 1:
                path = endpoint.path + (("autoscaling", "min") if scaling is not None else ("instance_count",))
                yield Finding(
                    path if blueprint.source_map.exists(path) else endpoint.path,
                    f"endpoint {endpoint.name} can run on one instance: a failed instance or zone takes it down, "
                    "and SageMaker can only spread two or more instances across zones",
                    "set a minimum of 2, or `tier: staging` for a fleet that may go down",
                )


class HubModelNetwork(InferenceRule):
    id = "BP312"
    level = Level.ERROR
    summary = "A Hugging Face Hub model needs a container that downloads it and network access to reach the Hub"
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/dg/mkt-algo-model-internet-free.html"

    def check(self, blueprint, context):
        for endpoint in blueprint.spec.endpoints:
            if not endpoint.uses_hub:
                continue
            if endpoint.network_isolation and endpoint.mode != "serverless":  # BP305 reports serverless
                yield Finding(
                    endpoint.path + ("network_isolation",),
                    "a network-isolated container cannot download its model from the Hugging Face Hub",
                    "upload the weights as a model.tar.gz and use `model: {artifact: ...}`, or remove `network_isolation: true`",
                )
            for variant, path in variants(endpoint):
                facts = serving.serving_container(variant.container.framework)
                if variant.model.hub is not None and facts is not None and not facts.hub_models:
                    yield Finding(
                        path + ("model", "hub"),
                        f"{facts.framework} images do not download models from the Hugging Face Hub",
                        "use a Hugging Face container (huggingface, huggingface-llm, huggingface-tei, djl-lmi) "
                        "or package the model as `artifact: .../model.tar.gz`",
                    )


class UniqueEndpointNames(InferenceRule):
    id = "BP313"
    level = Level.ERROR
    summary = "Endpoint names are unique in the fleet, variant names (shadow included, any case) unique in their endpoint"
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html"

    def check(self, blueprint, context):
        endpoints: dict[str, int] = {}
        for endpoint in blueprint.spec.endpoints:
            if endpoint.name in endpoints:
                yield Finding(
                    endpoint.path + ("name",),
                    f"endpoint name {endpoint.name!r} is already used by endpoint {endpoints[endpoint.name] + 1}",
                    "give each endpoint its own name; it becomes the SageMaker endpoint name",
                )
            endpoints.setdefault(endpoint.name, endpoint.index)
            # Compared without case: the stack derives construct ids from them, and "Blue" and
            # "blue" would also be hard to tell apart on a dashboard.
            names: set[str] = set()
            for variant, path in variants(endpoint):
                if variant.name.lower() in names:
                    yield Finding(
                        path + ("name",),
                        f"variant name {variant.name!r} is used twice in endpoint {endpoint.name} (case does not count)",
                        "give each variant (and the shadow) its own name",
                    )
                names.add(variant.name.lower())


class ModeSettings(InferenceRule):
    id = "BP314"
    level = Level.ERROR
    summary = "Instance modes name an instance type; serverless and async settings only appear on their modes"
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/dg/deploy-model-options.html"

    def check(self, blueprint, context):
        for endpoint in blueprint.spec.endpoints:
            at = endpoint.path
            if endpoint.mode in INSTANCE_MODES:
                for variant, path in variants(endpoint):
                    if variant.instance_type is None:
                        yield Finding(
                            path,
                            f"variant {variant.name} has no instance type ({endpoint.mode} endpoints run on instances)",
                            "set `instance_type:` on the endpoint or on this variant, for example ml.g5.xlarge",
                        )
            if endpoint.mode != "serverless" and blueprint.source_map.exists(at + ("serverless",)):
                yield Finding(at + ("serverless",), f"`serverless` settings do not apply to a {endpoint.mode} endpoint",
                              "remove them, or set `mode: serverless`")
            if endpoint.mode != "async" and blueprint.source_map.exists(at + ("async",)):
                yield Finding(at + ("async",), f"`async` settings do not apply to a {endpoint.mode} endpoint",
                              "remove them, or set `mode: async`")


class VolumeSizeNeedsEbs(InferenceRule):
    id = "BP340"
    level = Level.ERROR
    summary = "volume_size_gb (VolumeSizeInGB) only on instance types whose ML storage is an EBS volume, not local NVMe"
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/dg/host-instance-storage.html"

    def check(self, blueprint, context):
        for endpoint in blueprint.spec.endpoints:
            if not endpoint.has_instances:
                continue  # BP341 refuses every start-up setting there
            at = endpoint.path + ("volume_size_gb",)
            for variant, _ in variants(endpoint):
                instance = instance_of(context, variant)
                if "volume_size_gb" not in variant.hosting.given or instance is None or not instance.local_nvme:
                    continue
                yield Finding(
                    at,
                    f"{variant.instance_type} (variant {variant.name}) stores models on local NVMe instance storage, "
                    "so SageMaker rejects VolumeSizeInGB for it",
                    "remove `volume_size_gb`: the instance storage holds the model; or pick an EBS-backed type "
                    "(ml.m5, ml.c5, ml.r5, ml.inf2, ...) if you need a larger volume",
                )
                break


class ServerlessStartupSettings(InferenceRule):
    id = "BP341"
    level = Level.ERROR
    summary = "Start-up timeouts and volume size are production-variant settings of instances, not of serverless capacity"
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html"

    def check(self, blueprint, context):
        for endpoint in blueprint.spec.endpoints:
            if endpoint.has_instances:
                continue
            for field in endpoint.variants[0].hosting.given:
                yield Finding(
                    endpoint.path + (field,),
                    f"`{field}` has no effect on a serverless endpoint: SageMaker sizes and starts its capacity itself",
                    "remove it, or use mode: realtime with an instance_type for a model that needs it",
                )


class UnsupportedServingRuntime(InferenceRule):
    id = "BP342"
    level = Level.WARNING
    summary = "The container family's images run a runtime its maker no longer supports (torch-neuron 1.9 and older on Inf1)"
    source_url = (
        "https://awsdocs-neuron.readthedocs-hosted.com/en/latest/about-neuron/announcements/neuron2.x/"
        "announce-no-support-torch-neuron-versions.html"
    )

    def check(self, blueprint, context):
        seen: set[JsonPath] = set()
        for endpoint in blueprint.spec.endpoints:
            for variant, path in variants(endpoint):
                facts = serving.serving_container(variant.container.framework)
                where = chosen_at(endpoint, variant, path, "container") + ("framework",)
                if variant.container.uri is not None or facts is None or not facts.unsupported or where in seen:
                    continue
                seen.add(where)
                gone = facts.unsupported
                instead = gone["use_instead"]
                versions = ", ".join(images.dlc_versions(instead, "inference"))
                yield Finding(
                    where,
                    f"{variant.container.framework} images run {gone['runtime']}, unsupported since {gone['since']}: "
                    "no fixes, and no newer image of this family",
                    f"write `framework: {instead}` (versions {versions}) for the same hardware",
                )
