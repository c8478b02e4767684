"""Differential test: every DLC URI mlblueprints builds equals the SageMaker SDK's ``image_uris.retrieve``.

sagemaker-core is pinned in the test extra at the version dlc_images.json was built from.
Covered: every framework, scope, version, base framework, processor (CPU, GPU and the Neuron
tokens) and Python of dlc_images.json, in regions whose accounts differ, called the way the
SDK's own code calls ``retrieve`` (``inference_tool`` for the Neuron configs). Neuron
repositories are compared only in the regions we keep: we deliberately drop those the DLC
table marks "Neuron Container: None" (the last test here checks exactly which). Not covered:
pytorch-neuronx, which the SDK does not list, and the two configs ``retrieve`` refuses to
reach (NOT_THROUGH_RETRIEVE).
"""

from __future__ import annotations

import copy
import functools
import json
import logging

import pytest
from sagemaker.core import image_uris  # the test extra pins sagemaker-core

from mlblueprints import images

logging.getLogger("sagemaker").setLevel(logging.ERROR)


@pytest.fixture(scope="module", autouse=True)
def sdk_without_rereading(request):
    """retrieve() rereads its JSON and rebuilds botocore's endpoint resolver on every call; read each once."""
    read = functools.cache(image_uris.config_for_framework)
    resolver = functools.cache(image_uris.utils._botocore_resolver)
    patch = pytest.MonkeyPatch()
    patch.setattr(image_uris, "config_for_framework", lambda framework: copy.deepcopy(read(framework)))
    patch.setattr(image_uris.utils, "_botocore_resolver", resolver)
    yield
    patch.undo()


REGIONS = ("us-east-1", "af-south-1", "ap-east-2", "eu-south-2", "cn-north-1", "us-gov-west-1")  # accounts that differ
#: The SDK picks the processor from the instance type.
INSTANCE_FOR = {
    "cpu": "ml.c5.xlarge", "gpu": "ml.g5.xlarge", None: None,
    "inf": "ml.inf1.xlarge", "inf2": "ml.inf2.xlarge", "trn": "ml.trn1.2xlarge",
}
#: How the SDK's own code reaches a config: (framework argument, inference_tool).
SDK_CALL = {
    "huggingface-neuron": ("huggingface", "neuron"),
    "huggingface-neuronx": ("huggingface", "neuronx"),
    "huggingface-llm-neuronx": ("huggingface-llm-neuronx", "neuronx"),  # sagemaker.huggingface.llm_utils
    "pytorch-neuron": ("pytorch", "neuron"),
}
#: retrieve() refuses these (its Trainium allow-list names pytorch only); HyperPod recipes read the JSON directly.
NOT_THROUGH_RETRIEVE = {("hyperpod-recipes-neuron", "training"), ("huggingface-neuronx", "training")}


def cases():
    doc = json.loads((images.DATA_DIR / "dlc_images.json").read_text())
    for framework, scopes in doc["frameworks"].items():
        for scope, sub in scopes.items():
            for version, entry in sub["versions"].items():
                bases = entry.get("base_frameworks", {None: entry})
                for base, image in bases.items():
                    if "source" in image or (framework, scope) in NOT_THROUGH_RETRIEVE:
                        continue  # not from the SDK, or the SDK cannot retrieve it
                    for processor in image.get("processors", [None]):
                        if processor not in INSTANCE_FOR or processor in image.get("errors", {}):
                            continue
                        for python in image.get("py_versions", [None]):
                            for region in REGIONS:
                                if region in doc["registries"][image["registry"]]:
                                    yield pytest.param(framework, scope, version, base, processor, python, region,
                                                       id=f"{framework}-{scope}-{version}-{base}-{processor}-{python}-{region}")


@pytest.mark.parametrize("framework, scope, version, base, processor, python, region", list(cases()))
def test_uri_matches_the_sdk(framework, scope, version, base, processor, python, region):
    ours = images.dlc_uri(framework, version, region=region, scope=scope, processor=processor, python=python,
                          base_framework=base)
    graviton = scope == "inference_graviton"
    name, tool = SDK_CALL.get(framework, (framework, None))
    theirs = image_uris.retrieve(
        name,
        region=region,
        version=version,
        py_version=python,
        instance_type="ml.c7g.xlarge" if graviton else INSTANCE_FOR[processor],
        image_scope="inference" if graviton else scope,
        base_framework_version=base,
        inference_tool=tool,
    )
    assert ours == theirs


def test_neuron_images_leave_out_exactly_the_regions_without_neuron_containers():
    """The six Neuron DLC registries lose the 73 region entries the DLC table marks 'Neuron Container: None'."""
    import yaml

    none = set(yaml.safe_load((images.DATA_DIR.parent.parent / "scripts" / "neuron_containers_source.yaml").read_text())["regions"]["none"])
    doc = json.loads((images.DATA_DIR / "dlc_images.json").read_text())
    dropped: set[tuple[str, str]] = set()  # (the SDK's registry, region)
    for framework, scopes in doc["frameworks"].items():
        if framework in ("pytorch-neuronx", "pytorch-inference-neuronx", "pytorch-inference-neuron"):
            continue  # curated sources, not the SDK's config (neuron_containers/neuron_inference_source.yaml)
        sdk = image_uris.config_for_framework(framework)
        for scope, sub in scopes.items():
            sdk_scope = sdk.get(scope, sdk)
            for version, entry in sub["versions"].items():
                for base, image in entry.get("base_frameworks", {None: entry}).items():
                    if "neuron" not in image["repository"]:
                        continue
                    sdk_entry = sdk_scope["versions"][version]
                    sdk_entry = sdk_entry[base] if base else sdk_entry
                    theirs = {r for r in sdk_entry["registries"] if "-iso" not in r and not r.startswith("eusc-")}
                    ours = set(doc["registries"][image["registry"]])
                    assert theirs - ours == theirs & none
                    registry = json.dumps(sorted(sdk_entry["registries"].items()))
                    dropped |= {(registry, region) for region in theirs - ours}
    assert len({r for r, _ in dropped}) == 6 and len(dropped) == 73
