"""The Neuron inference images outside the SDK config: dlc_images.json holds what
scripts/refresh_images.py builds from scripts/neuron_inference_source.yaml."""

from __future__ import annotations

import json

import pytest

from mlblueprints import images
from scripts import refresh_images


def test_committed_entries_are_what_the_source_builds():
    committed = json.loads((refresh_images.DATA / "dlc_images.json").read_text())
    regs = refresh_images.Registries()
    built = refresh_images.neuron_inference_frameworks(regs)
    assert sorted(built) == ["pytorch-inference-neuron", "pytorch-inference-neuronx"]
    for name, scopes in built.items():
        assert committed["frameworks"][name] == scopes, "run scripts/refresh_images.py"
    for name, accounts in regs.tables.items():
        assert committed["registries"][name] == accounts


def test_each_version_keeps_its_newest_neuron_sdk():
    assert images.dlc_uri("pytorch-inference-neuronx", "2.7", region="us-west-2", scope="inference").endswith(
        "pytorch-inference-neuronx:2.7.0-neuronx-py310-sdk2.25.0-ubuntu22.04"
    )


@pytest.mark.parametrize("region", ["us-west-1", "eu-north-1", "af-south-1"])
def test_regions_without_neuron_containers_are_refused(region):
    with pytest.raises(images.ImageNotFound, match="not published in"):
        images.dlc_uri("pytorch-inference-neuronx", "2.9", region=region, scope="inference")


def test_a_malformed_tag_is_refused(tmp_path, monkeypatch):
    source = tmp_path / "source.yaml"
    source.write_text(
        refresh_images.NEURON_INFERENCE_SOURCE.read_text().replace(
            '"1.13.1-neuron-py310-sdk2.20.2-ubuntu20.04"', '"1.13.1-inf-py310"'
        )
    )
    monkeypatch.setattr(refresh_images, "ROOT", tmp_path)
    with pytest.raises(SystemExit, match="is not <version>"):
        refresh_images.neuron_inference_frameworks(refresh_images.Registries(), source)
