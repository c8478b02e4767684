"""The pairing scenarios of issue 11, written as a new user would: validate, and synth where accepted."""

from __future__ import annotations

import json

import pytest

from mlblueprints import serving
from mlblueprints.diagnostics import Level
from mlblueprints.resolve import resolve
from tests.blueprint_factory import check

TRAIN = """\
apiVersion: mlblueprints/v1
kind: TrainingCluster
metadata: {{name: {name}, owner: ml@example.com}}
spec:
  region: {region}
  instance: {{type: {instance}}}
  nodes: {{min: 0, desired: 1, max: 1}}
  image: {image}
  container: {container}
"""

ENDPOINT = """\
apiVersion: mlblueprints/v1
kind: InferenceFleet
metadata: {{name: {name}, owner: ml@example.com}}
spec:
  region: us-east-1
  endpoints:
    - name: main
      mode: {mode}
      container: {container}
      instance_type: {instance}
      variants:
        - name: v1
          model: {model}
      autoscaling: {{min: 2, max: 4, invocations_per_instance: 100}}
"""


def errors(text: str) -> list[str]:
    return [f"{d.code} {d.message} | {d.hint}" for d in check(text).diagnostics if d.level is Level.ERROR]


def test_p3_fine_tuning_is_refused_with_why_and_what_instead():
    text = TRAIN.format(region="us-east-1", name="p3-finetune", instance="p3.2xlarge", image="{dlami: pytorch}",
                        container='{framework: pytorch, version: "2.6"}')
    (error,) = errors(text)
    assert error.startswith("BP150") and "V100" in error and "g5" in error


@pytest.mark.parametrize("instance", ["trn1.32xlarge", "trn2.48xlarge"])
def test_trainium_training_with_the_natural_spelling_gets_the_current_neuron_image(instance):
    text = TRAIN.format(region="us-east-2", name="trn-train", instance=instance, image="{dlami: neuron}",
                        container='{framework: pytorch, version: "2.9"}')
    assert errors(text) == []
    resolved = resolve(check(text).blueprints[0])
    assert resolved.container.uri.endswith("/pytorch-training-neuronx:2.9.0-neuronx-py312-sdk2.30.0-ubuntu24.04")


def test_inf1_training_node_on_a_current_neuron_dlami_is_refused_towards_inf2():
    text = TRAIN.format(region="us-east-1", name="inf1-node", instance="inf1.xlarge", image="{dlami: neuron}", container="{uri: public.ecr.aws/x/y:1}")
    (error,) = errors(text)
    assert error.startswith("BP150") and "inf2" in error


def test_dl1_is_refused_unless_a_gaudi_ami_and_an_image_uri():
    refused = TRAIN.format(region="us-east-1", name="dl1", instance="dl1.24xlarge", image="{dlami: base-gpu}", container='{framework: pytorch, version: "2.6"}')
    assert [e[:5] for e in errors(refused)] == ["BP150"]
    accepted = TRAIN.format(region="us-east-1", name="dl1", instance="dl1.24xlarge", image="{ami_id: ami-0123456789abcdef0, accelerator: gaudi}",
                            container="{uri: vault.habana.ai/gaudi-docker/1.22.0/ubuntu22.04/habanalabs/pytorch-installer-2.7.1:latest}")
    assert errors(accepted) == []


def test_inf2_endpoint_validates():
    text = ENDPOINT.format(name="inf2-chat", mode="realtime", instance="ml.inf2.xlarge",
                           container='{framework: huggingface-llm-neuronx, version: "0.3.0"}',
                           model="{artifact: llama/model.tar.gz}")
    assert errors(text) == []


def test_inf1_endpoint_on_the_neo_container_validates():
    text = ENDPOINT.format(name="inf1-classify", mode="realtime", instance="ml.inf1.xlarge",
                           container='{framework: inferentia-pytorch, version: "1.9"}',
                           model="{artifact: resnet/model.tar.gz}")
    assert errors(text) == []


@pytest.mark.skipif("xgboost" not in serving.serving_frameworks(), reason="the XGBoost serving container arrives with the serving branch")
def test_cpu_multi_model_xgboost_validates():
    text = ENDPOINT.format(name="tenants", mode="multi-model", instance="ml.c5.xlarge",
                           container='{framework: xgboost, version: "1.7-1"}', model="{prefix: tenants/}")
    assert errors(text) == []


@pytest.mark.cdk
def test_trn2_training_synthesizes_with_the_neuron_image(build_stack):
    text = TRAIN.format(region="us-east-2", name="trn2-train", instance="trn2.48xlarge", image="{dlami: neuron}",
                        container='{framework: pytorch, version: "2.9"}')
    from aws_cdk.assertions import Template

    template = json.dumps(Template.from_stack(build_stack(check(text).blueprints[0]).compute).to_json())
    assert "pytorch-training-neuronx" in template and "/aws/service/neuron/dlami/multi-framework/ubuntu-24.04" in template
