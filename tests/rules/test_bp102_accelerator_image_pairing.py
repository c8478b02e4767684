import pytest

from tests.blueprint_factory import DELETE, check_patch, codes

NEURON = {"spec": {"instance": {"type": "trn1.32xlarge"}, "container": DELETE}}


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param({}, [], id="gpu-with-base-gpu"),
        pytest.param({"spec": {"image": {"dlami": "pytorch"}}}, [], id="gpu-with-pytorch"),
        pytest.param({"spec": {"image": {"dlami": "neuron"}}}, [("BP102", "spec.image.dlami")], id="gpu-with-neuron"),
        pytest.param({**NEURON}, [("BP102", "spec.image.dlami")], id="trainium-with-gpu-image"),
        pytest.param(
            {"spec": {"instance": {"type": "trn1.32xlarge"}, "container": DELETE, "image": {"dlami": "neuron"}}},
            [],
            id="trainium-with-neuron",
        ),
        pytest.param(
            {"spec": {"instance": {"type": "inf2.xlarge"}, "container": DELETE, "image": {"dlami": "pytorch"}}},
            [("BP102", "spec.image.dlami")],
            id="inferentia-with-gpu-image",
        ),
        pytest.param(
            {"spec": {"image": {"dlami": DELETE, "ami_id": "ami-0123456789abcdef0", "accelerator": "neuron"}}},
            [("BP102", "spec.image.accelerator")],
            id="custom-ami-declared-wrong",
        ),
        pytest.param(
            {"spec": {"image": {"dlami": DELETE, "ami_id": "ami-0123456789abcdef0"}}},
            [("BP102", "spec.image.accelerator")],
            id="custom-ami-undeclared",
        ),
        pytest.param(
            {"spec": {"image": {"dlami": DELETE, "ami_id": "ami-0123456789abcdef0", "accelerator": "gpu"}}},
            [],
            id="custom-ami-declared-gpu",
        ),
    ],
)
def test_bp102(patch, expected):
    assert [c for c in codes(check_patch(patch)) if c[0] == "BP102"] == expected
