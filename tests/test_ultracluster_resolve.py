"""UltraCluster model defaults and resolution: what each blueprint becomes before any CDK runs."""

import pytest

from mlblueprints.resolve import resolve
from tests.ultracluster_factory import DELETE, HYPERPOD, check_ultra, fsx


def resolved(patch=None):
    report = check_ultra(patch)
    assert not report.has_errors, [d.format_text() for d in report.diagnostics]
    (blueprint,) = report.blueprints
    return resolve(blueprint)


def test_defaults_live_in_the_model():
    spec = resolved().blueprint.spec
    assert spec.orchestrator == "batch"
    assert spec.capacity.source == "on-demand"
    assert spec.capacity.interruption_behavior == "terminate"
    assert spec.placement_group is True
    assert spec.storage.root_volume_gib == 200
    assert spec.hyperpod.controller_type == "ml.m5.xlarge"


def test_batch_gpu_nodes_boot_the_ecs_optimized_gpu_ami():
    result = resolved()
    assert result.node_type == "p4d.24xlarge"
    assert result.host_image.ssm_parameter == "/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id"
    assert result.host_image.batch_image_type == "ECS_AL2023_NVIDIA"
    assert result.host_image.root_device_name == "/dev/xvda"
    assert result.container.uri.startswith("763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.6")


def test_batch_trainium_nodes_boot_the_ecs_optimized_neuron_ami_and_run_the_neuron_dlc():
    result = resolved({"spec": {"instance": {"type": "trn1.32xlarge"}, "container": {"framework": "hyperpod-recipes-neuron", "version": "2.1.2"}}})
    assert result.host_image.ssm_parameter.endswith("/amazon-linux-2023/neuron/recommended/image_id")
    assert "pytorch-training-neuronx" in result.container.uri


def test_framework_pytorch_on_trainium_is_the_current_torch_neuronx_training_image():
    result = resolved({"spec": {"region": "us-west-2", "availability_zone": "us-west-2d", "instance": {"type": "trn1.32xlarge"},
                                "container": {"framework": "pytorch", "version": "2.9"}}})
    assert result.container.uri == (
        "763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training-neuronx:2.9.0-neuronx-py312-sdk2.30.0-ubuntu24.04"
    )


def test_hyperpod_launches_the_ml_type_and_boots_its_own_ami():
    result = resolved(HYPERPOD)
    assert result.node_type == "ml.p4d.24xlarge"
    assert result.instance.name == "p4d.24xlarge"
    assert result.host_image is None and result.container is None


def test_hyperpod_accelerator_wording_picks_a_type_hyperpod_offers():
    patch = {"spec": {**HYPERPOD["spec"], "instance": {"type": DELETE, "accelerators": {"type": "h100", "count": 8}}}}
    assert resolved(patch).node_type == "ml.p5.48xlarge"


def test_fsx_is_sized_for_the_throughput_per_accelerator():
    lustre = resolved({"spec": {"nodes": 16, "storage": {"fsx": fsx(throughput_per_gpu_mbps=200)}}}).lustre
    assert lustre.needed_mbps == 16 * 8 * 200
    assert (lustre.size.capacity_gib, lustre.size.throughput_per_tib) == (26400, 1000)


@pytest.mark.parametrize("patch, capacity, tier", [
    ({}, 4800, 500),
    ({"spec": {"storage": {"fsx": fsx(storage_capacity_gib=2400)}}}, 2400, 250),
])
def test_explicit_fsx_is_used_as_given(patch, capacity, tier):
    size = resolved(patch).lustre.size
    assert (size.capacity_gib, size.throughput_per_tib) == (capacity, tier)
