import json

import pytest

from mlblueprints import images
from mlblueprints.schema_check import schema_text
from tests.blueprint_factory import check_patch, codes


@pytest.mark.parametrize(
    "image, expected",
    [
        pytest.param({"dlami": "base-gpu"}, [], id="default-os"),
        pytest.param({"dlami": "base-gpu", "os": "ubuntu-22.04"}, [], id="base-22.04"),
        pytest.param({"dlami": "pytorch"}, [], id="pytorch-default-os"),
        pytest.param({"dlami": "pytorch", "os": "ubuntu-22.04"}, [("BP111", "spec.image.os")], id="pytorch-not-on-22.04"),
        pytest.param({"dlami": "neuron", "os": "ubuntu-22.04"}, [("BP111", "spec.image.os")], id="neuron-not-on-22.04"),
    ],
)
def test_bp111(image, expected):
    assert [c for c in codes(check_patch({"spec": {"image": image}})) if c[0] == "BP111"] == expected


def test_schema_offers_exactly_the_published_flavours():
    schema = json.loads(schema_text())
    assert sorted(schema["$defs"]["image"]["properties"]["dlami"]["enum"]) == images.dlami_flavours()
