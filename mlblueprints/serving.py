"""What each inference container runs on, and how it finds its model.

Facts per container family live in ``data/inference_containers.json``, built by
``scripts/refresh_serving.py`` from the cited facts in ``scripts/serving_source.yaml``
and, for each family's hardware, the processors ``data/dlc_images.json`` publishes its
inference images for; image repositories, tags and registry accounts stay in
``data/dlc_images.json``. Hardware is one of four words so that rules, the
resolver and the stack agree:

* ``cpu``: no accelerator;
* ``gpu``: NVIDIA GPUs;
* ``neuron``: NeuronCore v1 (Inf1), which only the original Neuron SDK serves;
* ``neuronx``: NeuronCore v2 and later (Inf2, Trn1, Trn1n, Trn2), served by Neuron SDK 2.x ("neuronx").
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from mlblueprints.catalog import InstanceType

DATA_FILE = Path(__file__).with_name("data") / "inference_containers.json"

CPU, GPU, NEURON, NEURONX = "cpu", "gpu", "neuron", "neuronx"
#: Accelerator models of the first NeuronCore generation (Inf1); every later Neuron part is neuronx.
_NEURON_V1 = frozenset({"inferentia"})
#: The DLC processor tokens (dlc_images.json) that mean Neuron hardware.
NEURON_PROCESSORS = frozenset({"inf", "inf1", "inf2", "neuron", "neuronx", "trn"})

HARDWARE_WORDS = {CPU: "CPU", GPU: "GPU", NEURON: "Inferentia (Inf1)", NEURONX: "Inferentia2/Trainium"}


@dataclass(frozen=True)
class ServingContainer:
    framework: str
    hardware: frozenset[str]
    multi_model: frozenset[str]
    hub_models: bool
    weights_env: Mapping[str, str]
    #: Production-variant defaults of the family, by blueprint field name (large-model servers' timeouts).
    hosting: Mapping[str, int]
    #: {runtime, since, use_instead} when the images run a runtime that is no longer supported; empty otherwise.
    unsupported: Mapping[str, str]


@functools.cache
def _data() -> dict:
    return json.loads(DATA_FILE.read_text())


@functools.cache
def _frameworks() -> dict[str, ServingContainer]:
    doc = _data()
    return {
        name: ServingContainer(
            framework=name,
            hardware=frozenset(entry["hardware"]),
            multi_model=frozenset(entry["multi_model"]),
            hub_models=entry["hub_models"],
            weights_env=MappingProxyType(dict(entry["weights_env"])),
            hosting=MappingProxyType(dict(entry.get("hosting", {}))),
            unsupported=MappingProxyType(dict(entry.get("unsupported", {}))),
        )
        for name, entry in doc["frameworks"].items()
    }


def serving_container(framework: str | None) -> ServingContainer | None:
    """Facts about a DLC framework, or None for an unknown one or an explicit image URI."""
    return _frameworks().get(framework) if framework else None


def serving_frameworks() -> list[str]:
    return sorted(_frameworks())


def multi_model_gpu_instance_types() -> tuple[str, ...]:
    """The GPU instance types SageMaker lists for multi-model endpoints, in the page's order."""
    return tuple(_data()["multi_model_gpu_instance_types"]["types"])


def hardware(instance: InstanceType | None) -> str:
    """The hardware word of an instance type; serverless capacity (None) is CPU."""
    if instance is None or instance.accelerator is None:
        return CPU
    if instance.is_gpu:
        return GPU
    if instance.is_neuron:
        return NEURON if instance.accelerator.model in _NEURON_V1 else NEURONX
    return instance.accelerator.kind  # e.g. habana: no serving container claims it


def dlc_processor(hardware_word: str) -> str | None:
    """The processor to ask ``images.dlc_uri`` for: cpu or gpu; None lets a Neuron image's single processor stand."""
    return hardware_word if hardware_word in (CPU, GPU) else None
