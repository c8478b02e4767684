import pytest

from tests.ultracluster_factory import check_ultra, only


@pytest.mark.parametrize(
    "instance_type, container, expected",
    [
        pytest.param("p4d.24xlarge", {"framework": "pytorch", "version": "2.6"}, [], id="pytorch-gpu"),
        pytest.param("p4d.24xlarge", {"framework": "pytorch", "version": "0.4"}, [("BP213", "spec.container.version")], id="no-such-version"),
        pytest.param("p4d.24xlarge", {"framework": "caffe", "version": "1.0"}, [("BP213", "spec.container.framework")], id="no-such-framework"),
        pytest.param("trn1.32xlarge", {"framework": "hyperpod-recipes-neuron", "version": "2.1.2"}, [], id="neuronx-dlc-on-trainium"),
        pytest.param("trn1.32xlarge", {"framework": "pytorch", "version": "2.6"}, [], id="pytorch-is-torch-neuronx-on-trainium"),
        pytest.param("trn1.32xlarge", {"framework": "pytorch", "version": "2.5"}, [("BP213", "spec.container.version")], id="no-such-neuronx-version"),
    ],
)
def test_bp213(instance_type, container, expected):
    report = check_ultra({"spec": {"instance": {"type": instance_type}, "container": container}})
    assert only(report, "BP213") == expected
