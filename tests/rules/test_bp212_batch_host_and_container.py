import pytest

from tests.ultracluster_factory import DELETE, check_ultra, only


@pytest.mark.parametrize(
    "spec, expected",
    [
        pytest.param({}, [], id="gpu-with-dlc"),
        pytest.param({"container": DELETE}, [("BP212", "spec")], id="batch-without-container"),
        pytest.param({"container": {"framework": DELETE, "version": DELETE, "uri": "nvcr.io/nvidia/pytorch:24.10-py3"}}, [], id="any-uri"),
        pytest.param(
            {"instance": {"type": "trn1.32xlarge"}, "container": {"framework": "pytorch", "version": DELETE, "uri": "public.ecr.aws/neuron/pytorch-training-neuronx:2.5.1"}},
            [], id="neuron-host",
        ),
        pytest.param({"orchestrator": "hyperpod", "instance": {"type": "ml.p4d.24xlarge"}, "container": DELETE}, [], id="hyperpod-needs-no-container"),
    ],
)
def test_bp212(spec, expected):
    assert only(check_ultra({"spec": spec}), "BP212") == expected
