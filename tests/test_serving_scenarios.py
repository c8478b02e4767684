"""Issue 11's serving scenarios, as a new user would write them: each validates, resolves to the
published image, and synthesizes the production-variant settings it needs.

One synth per scenario (module scope), shared between its assertions.
"""

from __future__ import annotations

import pytest

from mlblueprints.resolve import resolve
from tests.blueprint_factory import DELETE
from tests.fleet_factory import fleet
from tests.synthesized import Synth, valid

INF2 = fleet({
    "container": {"framework": "pytorch-inference-neuronx", "version": "2.9"},
    "instance_type": "ml.inf2.xlarge",
    "volume_size_gb": 128,
})
INF1 = fleet({
    "container": {"framework": "pytorch-inference-neuron", "version": "1.13"},
    "instance_type": "ml.inf1.xlarge",
})
XGBOOST_MULTI_MODEL = fleet({
    "mode": "multi-model",
    "container": {"framework": "xgboost", "version": "1.7-1"},
    "instance_type": "ml.m5.xlarge",
    "variants": [{"name": "tenants", "model": {"prefix": "tabular/tenants/"}}],
})
LLM_G5_12XLARGE = fleet({
    "container": {"framework": "huggingface-llm", "version": "3.3"},
    "instance_type": "ml.g5.12xlarge",
    "environment": {"SM_NUM_GPUS": "4"},
    "variants": [{"name": "llama", "model": {"artifact": "llm/llama-3.1-8b/model.tar.gz"}}],
})


def _uri(document: dict) -> str:
    fleet_ = resolve(valid(document))
    return fleet_.endpoints[0].variants[0].container.uri


@pytest.mark.parametrize(
    "document, uri",
    [
        pytest.param(INF2, "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference-neuronx:"
                           "2.9.0-neuronx-py312-sdk2.31.1-ubuntu24.04", id="inf2"),
        pytest.param(INF1, "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference-neuron:"
                           "1.13.1-neuron-py310-sdk2.20.2-ubuntu20.04", id="inf1"),
        # The SageMaker algorithm registry of us-east-1, not the DLC account.
        pytest.param(XGBOOST_MULTI_MODEL, "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
                     id="xgboost"),
    ],
)
def test_scenario_resolves_to_the_published_image(document, uri):
    assert _uri(document) == uri


@pytest.mark.parametrize("framework, version, tag", [
    ("xgboost", "1.7", "sagemaker-xgboost:1.7-1"),
    ("xgboost", "3.0", "sagemaker-xgboost:3.0-5"),
    ("sklearn", "1.4", "sagemaker-scikit-learn:1.4-2-py312-cpu-py3"),
])
def test_upstream_version_picks_the_newest_container_release(framework, version, tag):
    document = fleet({**XGBOOST_MULTI_MODEL["spec"]["endpoints"][0], "container": {"framework": framework, "version": version}})
    assert _uri(document).endswith("/" + tag)


def test_sklearn_multi_model_resolves_to_the_cpu_image():
    document = fleet({**XGBOOST_MULTI_MODEL["spec"]["endpoints"][0], "container": {"framework": "sklearn", "version": "1.2-1"}})
    assert _uri(document).endswith("/sagemaker-scikit-learn:1.2-1-cpu-py3")


def test_large_model_family_defaults_and_the_blueprint_wins():
    variant = valid(LLM_G5_12XLARGE).spec.endpoints[0].variants[0]
    assert (variant.hosting.startup_health_check_timeout_seconds, variant.hosting.model_download_timeout_seconds) == (1200, 1200)
    assert variant.hosting.volume_size_gb is None  # ml.g5 stores the model on local NVMe
    own = fleet({**LLM_G5_12XLARGE["spec"]["endpoints"][0], "startup_health_check_timeout_seconds": 3600})
    assert valid(own).spec.endpoints[0].variants[0].hosting.startup_health_check_timeout_seconds == 3600


def test_small_model_families_leave_timeouts_to_sagemaker():
    variant = valid(XGBOOST_MULTI_MODEL).spec.endpoints[0].variants[0]
    assert variant.hosting.startup_health_check_timeout_seconds is None
    assert variant.hosting.model_download_timeout_seconds is None


def test_schema_bounds_are_the_apis():
    """The schema's ranges, and those the family defaults are checked against, are botocore's
    ProductionVariant ranges (CreateEndpointConfig)."""
    import json
    from pathlib import Path

    import botocore.session

    import mlblueprints

    shape = botocore.session.get_session().get_service_model("sagemaker").shape_for("ProductionVariant")
    endpoint = json.loads((Path(mlblueprints.__file__).parent / "schema" / "blueprint.schema.json").read_text())["$defs"]["endpoint"]["properties"]
    pairs = {
        "startup_health_check_timeout_seconds": "ContainerStartupHealthCheckTimeoutInSeconds",
        "model_download_timeout_seconds": "ModelDataDownloadTimeoutInSeconds",
        "volume_size_gb": "VolumeSizeInGB",
    }
    from scripts.refresh_serving import HOSTING_RANGES

    for ours, theirs in pairs.items():
        limits = shape.members[theirs].metadata
        assert (endpoint[ours]["minimum"], endpoint[ours]["maximum"]) == (limits["min"], limits["max"]), ours
        if ours in HOSTING_RANGES:  # what the serving data's family defaults are checked against
            assert HOSTING_RANGES[ours] == (limits["min"], limits["max"]), ours


@pytest.fixture(scope="module")
def synth(build_stack):
    def run(document: dict) -> Synth:
        blueprint = valid(document)
        return Synth(blueprint, build_stack(blueprint))

    return run


@pytest.mark.cdk
def test_cpu_multi_model_xgboost_synthesizes(synth):
    stack = synth(XGBOOST_MULTI_MODEL)
    model = stack.props("AWS::SageMaker::Model")
    assert model["PrimaryContainer"]["Mode"] == "MultiModel"
    assert model["PrimaryContainer"]["Image"] == "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    variant = stack.props("AWS::SageMaker::EndpointConfig")["ProductionVariants"][0]
    assert variant["InstanceType"] == "ml.m5.xlarge"
    assert "ContainerStartupHealthCheckTimeoutInSeconds" not in variant


def _cfn_lint_errors(stack: Synth) -> list[str]:
    import json

    from cfnlint.api import lint

    matches = lint(json.dumps(stack.json), regions=[stack.blueprint.spec.region])
    return [f"{m.rule.id} line {m.linenumber}: {m.message}" for m in matches if m.rule.id.startswith("E")]


@pytest.mark.cdk
def test_llm_on_g5_12xlarge_gets_the_family_timeouts_and_no_volume(synth):
    stack = synth(LLM_G5_12XLARGE)
    assert _cfn_lint_errors(stack) == []
    variant = stack.props("AWS::SageMaker::EndpointConfig")["ProductionVariants"][0]
    assert variant["ContainerStartupHealthCheckTimeoutInSeconds"] == 1200
    assert variant["ModelDataDownloadTimeoutInSeconds"] == 1200
    assert "VolumeSizeInGB" not in variant


@pytest.mark.cdk
def test_inf2_endpoint_gets_its_ebs_volume(synth):
    stack = synth(INF2)
    assert _cfn_lint_errors(stack) == []
    assert stack.props("AWS::SageMaker::EndpointConfig")["ProductionVariants"][0]["VolumeSizeInGB"] == 128
