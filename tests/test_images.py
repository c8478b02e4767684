"""Deep Learning Container URIs (mirroring the SageMaker SDK) and DLAMI parameters."""

from __future__ import annotations

import json
import re

import pytest

from mlblueprints.images import (
    DATA_DIR,
    ImageNotFound,
    dlami_flavours,
    dlami_parameter,
    dlc_frameworks,
    dlc_registry_account,
    dlc_repository_arn,
    dlc_uri,
    dlc_versions,
)

DEFAULT_DLC_ACCOUNT = "763104351884"


def test_af_south_1_uses_its_own_registry():
    account = dlc_registry_account("pytorch", "af-south-1", "training")
    assert re.fullmatch(r"\d{12}", account) and account != DEFAULT_DLC_ACCOUNT
    assert dlc_registry_account("pytorch", "us-east-1", "training") == DEFAULT_DLC_ACCOUNT


def test_pytorch_2_training_uri_in_us_east_1():
    uri = dlc_uri("pytorch", "2.6", region="us-east-1", scope="training", processor="gpu")
    assert uri == "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.6.0-gpu-py312"


@pytest.mark.parametrize("version, resolved", [("2.6.0", "2.6.0"), ("2.6", "2.6.0"), ("2.5", "2.5.1"), ("2", "2.10.0")])
def test_versions_resolve_like_the_sdk(version, resolved):
    uri = dlc_uri("pytorch", version, region="us-east-1", scope="training", processor="cpu")
    assert f":{resolved}-cpu-" in uri


def test_missing_version_names_available_versions():
    with pytest.raises(ImageNotFound) as err:
        dlc_uri("pytorch", "9.9", region="us-east-1", scope="training", processor="gpu")
    assert "9.9" in str(err.value) and "2.6.0" in str(err.value) and "2.10.0" in str(err.value)
    assert isinstance(err.value, LookupError)


def test_missing_python_names_available_py_versions():
    with pytest.raises(ImageNotFound, match="py312"):
        dlc_uri("pytorch", "2.6", region="us-east-1", scope="inference", processor="gpu", python="py38")


def test_ambiguous_processor_lists_choices():
    with pytest.raises(ImageNotFound, match="cpu, gpu"):
        dlc_uri("pytorch", "2.6", region="us-east-1", scope="inference")


def test_unknown_region_and_framework():
    with pytest.raises(ImageNotFound, match="us-east-1"):
        dlc_uri("pytorch", "2.6", region="xx-nowhere-1", scope="inference", processor="gpu")
    with pytest.raises(ImageNotFound, match="pytorch"):
        dlc_uri("pytorch-nope", "2.6", region="us-east-1", scope="inference")


@pytest.mark.parametrize(
    "args, expected",
    [
        # Triton has no "-gpu" token (SDK: tag.rstrip("-gpu")), but keeps "-cpu".
        (("sagemaker-tritonserver", "25.09", "inference", "gpu"), "sagemaker-tritonserver:25.09-py3"),
        (("sagemaker-tritonserver", "25.09", "inference", "cpu"), "sagemaker-tritonserver:25.09-py3-cpu"),
        # Graviton/arm64 inference repos get "-sagemaker" appended to the container version.
        (("pytorch", "2.6", "inference_graviton", None), "pytorch-inference-arm64:2.6.0-cpu-py312-ubuntu22.04-sagemaker"),
        # Neuron: the tool replaces the processor, the SDK version prefixes the container version.
        (("huggingface-neuronx", "4.55", "inference", None), "huggingface-pytorch-inference-neuronx:2.8.0-transformers4.55.4-neuronx-py310-sdk2.26.0-ubuntu22.04"),
        (("huggingface-llm-neuronx", "0.3.0", "inference", None), "huggingface-pytorch-tgi-inference:2.7.0-optimum3.3.6-neuronx-py310-ubuntu22.04"),
        (("hyperpod-recipes-neuron", "2.1.2", "training", None), "pytorch-training-neuronx:2.1.2-neuronx-py310-sdk2.20.2-ubuntu20.04"),
        (("huggingface-llm", "3.3.6", "inference", None), "huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04"),
        (("djl-lmi", "0.38.0", "inference", None), "djl-inference:0.38.0-lmi29.0.0-cu130"),
        # TensorFlow serving images have no python token.
        (("tensorflow", "2.19", "inference", "gpu"), "tensorflow-inference:2.19.0-gpu"),
    ],
)
def test_tag_rules(args, expected):
    framework, version, scope, processor = args
    assert dlc_uri(framework, version, region="us-east-1", scope=scope, processor=processor).endswith("/" + expected)


def test_huggingface_needs_its_base_framework_resolved():
    uri = dlc_uri("huggingface", "4.56", region="us-east-1", scope="training", processor="gpu", base_framework="pytorch2.8")
    assert uri.endswith("huggingface-pytorch-training:2.8.0-transformers4.56.2-gpu-py312-cu129-ubuntu22.04")


def test_sdk_config_gaps_are_reported_not_guessed():
    with pytest.raises(ImageNotFound, match="KeyError"):
        dlc_uri("huggingface-neuronx", "4.55", region="us-east-1", scope="training")


def test_china_uri_and_repository_arns():
    uri = dlc_uri("pytorch", "2.6", region="cn-north-1", scope="inference", processor="gpu")
    assert ".dkr.ecr.cn-north-1.amazonaws.com.cn/pytorch-inference:" in uri
    assert dlc_repository_arn(uri).startswith("arn:aws-cn:ecr:cn-north-1:")
    us = dlc_uri("pytorch", "2.6", region="us-east-1", scope="inference", processor="gpu")
    assert dlc_repository_arn(us) == "arn:aws:ecr:us-east-1:763104351884:repository/pytorch-inference"
    gov = dlc_uri("pytorch", "2.6", region="us-gov-west-1", scope="inference", processor="gpu")
    assert dlc_repository_arn(gov).startswith("arn:aws-us-gov:ecr:us-gov-west-1:")
    with pytest.raises(ValueError):
        dlc_repository_arn("docker.io/library/python:3.12")


def test_frameworks_and_versions_listing():
    assert {"pytorch", "tensorflow", "huggingface", "huggingface-llm", "huggingface-tei", "djl-lmi", "sagemaker-tritonserver"} <= set(
        dlc_frameworks("inference")
    )
    assert "huggingface-neuronx" in dlc_frameworks("training")
    versions = dlc_versions("pytorch", "training")
    assert versions.index("2.9.0") < versions.index("2.10.0")


def test_dlc_data_records_attribution():
    doc = json.loads((DATA_DIR / "dlc_images.json").read_text())
    src = doc["source"]
    assert src["package"] == "sagemaker-core" and src["license"] == "Apache-2.0" and src["version"]
    assert doc["as_of"] and doc["generated_by"] == "scripts/refresh_images.py" and doc["tag_format"]["ec2_vs_sagemaker"]
    used = {e["registry"] for fw in doc["frameworks"].values() for s in fw.values() for v in s["versions"].values() for e in v.get("base_frameworks", {"": v}).values()}
    assert used == set(doc["registries"])


def test_neuron_dlami_parameter_ends_in_image_id():
    assert dlami_parameter("neuron", os="ubuntu-24.04") == "/aws/service/neuron/dlami/multi-framework/ubuntu-24.04/latest/image_id"
    assert dlami_parameter("neuron").endswith("/latest/image_id")


@pytest.mark.parametrize("flavour", ["neuron", "neuron-base"])
def test_neuron_dlamis_are_not_offered_on_ubuntu_22_04(flavour):
    """Neuron stopped publishing Ubuntu 22.04 DLAMIs at release 2.30."""
    with pytest.raises(ImageNotFound, match="no 'ubuntu-22.04' image"):
        dlami_parameter(flavour, os="ubuntu-22.04")


def test_gpu_dlami_parameters():
    assert dlami_parameter("base-gpu", os="ubuntu-22.04") == "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id"
    assert dlami_parameter("base-gpu", os="amazon-linux-2023", arch="arm64").startswith("/aws/service/deeplearning/ami/arm64/")
    assert re.fullmatch(
        r"/aws/service/deeplearning/ami/x86_64/oss-nvidia-driver-gpu-pytorch-2\.\d+-ubuntu-24\.04/latest/ami-id", dlami_parameter("pytorch")
    )
    assert {"base-gpu", "pytorch", "neuron"} <= set(dlami_flavours())


def test_dlami_errors_list_what_exists():
    with pytest.raises(ImageNotFound, match="ubuntu-24.04"):
        dlami_parameter("neuron", os="centos-7")
    with pytest.raises(ImageNotFound, match="x86_64"):
        dlami_parameter("neuron", arch="arm64")
    with pytest.raises(ImageNotFound, match="base-gpu"):
        dlami_parameter("windows")
