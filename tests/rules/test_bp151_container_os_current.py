"""BP151: a training DLC built on an OS its family no longer publishes or patches is a warning."""

import pytest

from tests.blueprint_factory import check, check_patch, codes, to_yaml
from tests.fleet_factory import fleet

TRN1 = {"instance": {"type": "trn1.32xlarge"}, "image": {"dlami": "neuron"}}


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param({}, [], id="gpu-pytorch-short-tag"),
        pytest.param({"spec": {**TRN1, "container": {"framework": "pytorch", "version": "2.9"}}}, [], id="neuron-on-ubuntu-24.04"),
        pytest.param(
            {"spec": {**TRN1, "container": {"framework": "pytorch", "version": "2.8"}}},
            [("BP151", "spec.container.version")],
            id="neuron-on-ubuntu-22.04",
        ),
        pytest.param(
            {"spec": {**TRN1, "container": {"framework": "hyperpod-recipes-neuron", "version": "2.1.2"}}},
            [("BP151", "spec.container.version")],
            id="neuron-on-ubuntu-20.04",
        ),
        pytest.param(
            {"spec": {"container": {"framework": "huggingface", "version": "4.26"}}},
            [("BP151", "spec.container.version")],
            id="gpu-on-ubuntu-20.04",
        ),
        pytest.param({"spec": {"container": {"framework": "huggingface", "version": "4.56"}}}, [], id="gpu-on-ubuntu-22.04"),
    ],
)
def test_bp151(patch, expected):
    assert [c for c in codes(check_patch(patch)) if c[0] == "BP151"] == expected


def test_stale_neuron_image_names_the_current_one():
    patch = {"spec": {**TRN1, "container": {"framework": "pytorch", "version": "2.8"}}}
    (diagnostic,) = [d for d in check_patch(patch).diagnostics if d.code == "BP151"]
    assert "Ubuntu 22.04" in diagnostic.message and 'version: "2.9.0"' in diagnostic.hint


@pytest.mark.parametrize(
    "endpoint_patch, expected",
    [
        pytest.param({}, [], id="pytorch-gpu"),
        pytest.param(
            {"instance_type": "ml.inf1.xlarge", "container": {"framework": "huggingface-neuron", "version": "4.12",
                                                               "base_framework": "pytorch1.9"}},
            [("BP151", "spec.endpoints[0].container.version")],
            id="inf1-on-ubuntu-18.04",
        ),
        pytest.param(
            {"instance_type": "ml.inf2.xlarge", "container": {"framework": "huggingface-llm-neuronx", "version": "0.2"}},
            [("BP151", "spec.endpoints[0].container.version")],
            id="inf2-on-ubuntu-22.04-with-a-newer-version",
        ),
        pytest.param(
            {"instance_type": "ml.inf2.xlarge", "container": {"framework": "huggingface-llm-neuronx", "version": "0.3"}},
            [],
            id="inf2-newest-image-is-not-nagged",
        ),
    ],
)
def test_bp151_serving(endpoint_patch, expected):
    report = check(to_yaml(fleet(endpoint_patch)))
    assert [c for c in codes(report) if c[0] == "BP151"] == expected
