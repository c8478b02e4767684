import pytest

from tests.ultracluster_factory import check_ultra, only

INSTANCE = "spec.instance"


@pytest.mark.parametrize(
    "instance_type, expected",
    [
        pytest.param("p4d.24xlarge", [], id="p4d"),
        pytest.param("p5.48xlarge", [], id="p5"),
        pytest.param("trn1.32xlarge", [], id="trn1"),
        pytest.param("g5.48xlarge", [], id="g5-one-efa"),
        pytest.param("g5.2xlarge", [("BP202", INSTANCE)], id="no-efa"),
        pytest.param("trn1.2xlarge", [("BP202", INSTANCE)], id="small-trn1-no-efa"),
        pytest.param("dl1.24xlarge", [], id="gaudi-is-bp150s-refusal"),
        pytest.param("c5.xlarge", [("BP202", INSTANCE)], id="no-accelerator"),
    ],
)
def test_bp202(instance_type, expected):
    assert only(check_ultra({"spec": {"instance": {"type": instance_type}}}), "BP202") == expected
