"""InferenceFleet without CDK: schema errors, model defaults, the resolver and `mlbp show`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlblueprints.cli import main
from mlblueprints.resolve import resolve
from tests.blueprint_factory import check, to_yaml
from tests.fleet_factory import ASYNC, check_fleet, fleet

EXAMPLES = Path(__file__).resolve().parents[1] / "blueprints"
AT = "spec.endpoints[0]"


def resolved(endpoint_patch=None, spec_patch=None):
    report = check_fleet(endpoint_patch, spec_patch)
    assert not report.has_errors, [d.format_text() for d in report.diagnostics]
    (blueprint,) = report.blueprints
    return resolve(blueprint)


# --- schema ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "patch, code, path",
    [
        pytest.param({"mode": "batch"}, "BP023", f"{AT}.mode", id="unknown-mode"),
        pytest.param({"serverless": {"memory_mb": 1500}}, "BP023", f"{AT}.serverless.memory_mb", id="memory-not-1gb-step"),
        pytest.param({"serverless": {"max_concurrency": 201}}, "BP024", f"{AT}.serverless.max_concurrency", id="concurrency"),
        pytest.param({"name": "x" * 31}, "BP024", f"{AT}.name", id="endpoint-name-too-long-for-63"),
        pytest.param({"instance_type": "g5.xlarge"}, "BP024", f"{AT}.instance_type", id="ec2-name-not-ml"),
        pytest.param({"variants": [{"name": "a", "model": {"artifact": "a.tar.gz", "hub": "org/m"}}]}, "BP025",
                     f"{AT}.variants[0].model", id="two-model-sources"),
        pytest.param({"variants": [{"name": "a", "model": {"artifact": "models/*/model.tar.gz"}}]}, "BP024",
                     f"{AT}.variants[0].model.artifact", id="wildcard-would-widen-the-grant"),
        pytest.param({"autoscaling": {"step": {"metric": "cpu", "above": 50}}}, "BP023", f"{AT}.autoscaling.step.metric",
                     id="step-metric"),
        pytest.param({**ASYNC, "async": {"output_path": "out", "input_path": "s3://other-bucket/requests"}}, "BP024",
                     f"{AT}.async.input_path", id="input-path-is-a-key-prefix-in-the-fleet-bucket"),
        pytest.param({**ASYNC, "async": {"output_path": "out", "input_path": "requests/*"}}, "BP024",
                     f"{AT}.async.input_path", id="input-path-wildcard-would-widen-the-grant"),
        pytest.param({**ASYNC, "async": {"output_path": "out", "input_path": "//"}}, "BP024",
                     f"{AT}.async.input_path", id="input-path-only-slashes-would-grant-the-fleet-prefix"),
        pytest.param({"regoin": "x"}, "BP020", f"{AT}.regoin", id="unknown-key"),
        pytest.param({"container": {"framework": "pytorch", "version": 2.6}}, "BP022", f"{AT}.container.version",
                     id="unquoted-version"),
    ],
)
def test_schema_errors(patch, code, path):
    report = check_fleet(patch)
    assert (code, path) in [(d.code, d.path) for d in report.diagnostics]


def test_fleet_needs_endpoints():
    document = fleet()
    del document["spec"]["endpoints"]
    assert ("BP021", "spec.endpoints") in [(d.code, d.path) for d in check(to_yaml(document)).diagnostics]


def test_unknown_fleet_key_suggests_the_right_one():
    report = check_fleet(None, {"alarm_topik": True})
    (diagnostic,) = report.diagnostics
    assert diagnostic.code == "BP020" and "alarm_topic" in diagnostic.hint


# --- model defaults --------------------------------------------------------------------------


def test_defaults_are_applied_in_the_model():
    (blueprint,) = check_fleet().blueprints
    spec = blueprint.spec
    assert (spec.tier, spec.alarm_topic, spec.bucket.prefix, spec.network.vpc_cidr) == ("production", False, "unit", "10.0.0.0/16")
    (endpoint,) = spec.endpoints
    assert (endpoint.network_isolation, endpoint.vpc, endpoint.instance_count) == (True, True, 2)
    assert endpoint.variants[0].weight == 1.0
    assert (endpoint.autoscaling.scale_in_cooldown_seconds, endpoint.autoscaling.scale_out_cooldown_seconds) == (300, 60)
    assert (endpoint.alarms.error_rate_percent, endpoint.alarms.latency_p99_ms, endpoint.alarms.evaluation_minutes) == (1.0, 30_000, 5)


@pytest.mark.parametrize(
    "async_patch, input_path",
    [
        pytest.param({}, "async-inputs/chat", id="default-one-prefix-per-endpoint"),
        pytest.param({"input_path": "/uploads/audio/"}, "uploads/audio", id="slashes-stripped"),
    ],
)
def test_async_input_path(async_patch, input_path):
    report = check_fleet({**ASYNC, "async": {"output_path": "chat/async-out", **async_patch}})
    assert not report.has_errors, [d.format_text() for d in report.diagnostics]
    (blueprint,) = report.blueprints
    assert blueprint.spec.endpoints[0].async_inference.input_path == input_path


def test_schema_documents_the_async_input_path():
    schema = json.loads((Path(__file__).resolve().parents[1] / "mlblueprints/schema/blueprint.schema.json").read_text())
    definition = schema["$defs"]["endpointAsync"]
    assert definition["additionalProperties"] is False
    assert "InputLocation" in definition["properties"]["input_path"]["description"]


def test_variant_overrides_are_effective_and_remembered():
    patch = {"variants": [{"name": "a", "model": {"artifact": "a/model.tar.gz"}, "instance_type": "ml.g6.xlarge"},
                          {"name": "b", "model": {"artifact": "b/model.tar.gz"}}]}
    (blueprint,) = check_fleet(patch).blueprints
    a, b = blueprint.spec.endpoints[0].variants
    assert (a.instance_type, a.overrides) == ("ml.g6.xlarge", frozenset({"instance_type"}))
    assert (b.instance_type, b.overrides) == ("ml.g5.xlarge", frozenset())


# --- resolver --------------------------------------------------------------------------------


def test_endpoint_name_is_blueprint_and_endpoint_name():
    assert resolved().endpoints[0].name == "unit-chat"


@pytest.mark.parametrize(
    "patch, image",
    [
        ({}, "/pytorch-inference:2.6.0-gpu-py312"),
        ({"instance_type": "ml.c5.xlarge"}, "/pytorch-inference:2.6.0-cpu-py312"),
        ({"container": {"framework": "sagemaker-tritonserver", "version": "25.09"}}, "/sagemaker-tritonserver:25.09-py3"),
        ({"container": {"framework": "huggingface-neuronx", "version": "4.51"}, "instance_type": "ml.inf2.xlarge"},
         "/huggingface-pytorch-inference-neuronx:"),
        ({"container": {"framework": "huggingface-tei", "version": "1.8"}}, "/tei:"),
    ],
)
def test_image_follows_the_hardware(patch, image):
    uri = resolved(patch).endpoints[0].variants[0].container.uri
    assert image in uri


def test_tei_comes_from_its_own_registry_account():
    container = resolved({"container": {"framework": "huggingface-tei", "version": "1.8"}}).endpoints[0].variants[0].container
    assert not container.uri.startswith("763104351884.")
    assert container.repository_arn.endswith(":repository/tei")


def test_blueprint_environment_wins_over_the_servers_defaults():
    patch = {"container": {"framework": "huggingface-llm", "version": "3.3"}, "environment": {"HF_MODEL_ID": "/opt/ml/model/llm"}}
    assert dict(resolved(patch).endpoints[0].variants[0].environment) == {"HF_MODEL_ID": "/opt/ml/model/llm"}


@pytest.mark.parametrize(
    "instance_type, encrypts",
    [("ml.g5.xlarge", False), ("ml.p4d.24xlarge", False), ("ml.inf2.xlarge", True), ("ml.c5.xlarge", True), ("ml.m5.xlarge", True)],
)
def test_volume_key_only_without_local_nvme(instance_type, encrypts):
    container = {"framework": "huggingface-neuronx", "version": "4.51"} if "inf2" in instance_type else {}
    patch = {"instance_type": instance_type, **({"container": container} if container else {})}
    if instance_type == "ml.p4d.24xlarge":
        patch["autoscaling"] = {"min": 2, "max": 2}
    assert resolved(patch).endpoints[0].encrypts_volume is encrypts


def test_one_nvme_variant_takes_the_key_off_the_whole_config():
    patch = {"instance_type": "ml.c5.xlarge",
             "variants": [{"name": "cpu", "model": {"artifact": "a/model.tar.gz"}},
                          {"name": "gpu", "model": {"artifact": "b/model.tar.gz"}, "instance_type": "ml.g5.xlarge"}]}
    assert resolved(patch).endpoints[0].encrypts_volume is False


# --- mlbp show -------------------------------------------------------------------------------


def test_show_prints_each_endpoint_with_its_per_minute_target(capsys):
    assert main(["show", str(EXAMPLES / "chat-ab-g5.yaml")]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["kind"], shown["stack"]) == ("InferenceFleet", "mlbp-chat-ab")
    (endpoint,) = shown["endpoints"]
    assert endpoint["endpoint_name"] == "chat-ab-chat"
    assert endpoint["autoscaling"]["invocations_per_instance_per_minute"] == 6 * 60 * 0.5
    assert endpoint["volume_kms_key"] is False  # ml.g5 has local NVMe
    assert [v["instance_type"] for v in endpoint["variants"]] == ["ml.g5.xlarge", "ml.g5.xlarge"]
    assert endpoint["async"] is None


def test_show_tells_async_callers_where_requests_go(capsys):
    assert main(["show", str(EXAMPLES / "transcribe-async.yaml")]) == 0
    (endpoint,) = json.loads(capsys.readouterr().out)["endpoints"]
    assert endpoint["async"] == {
        "input_path": "uploads/audio",
        "output_path": "transcripts",
        "failure_path": "transcripts/failures",
    }


def test_examples_cover_every_mode():
    from mlblueprints.pipeline import validate_paths

    report = validate_paths([EXAMPLES])
    assert not report.diagnostics
    modes = {e.mode for b in report.blueprints if b.kind == "InferenceFleet" for e in b.spec.endpoints}
    assert modes == {"realtime", "serverless", "async", "multi-model"}
