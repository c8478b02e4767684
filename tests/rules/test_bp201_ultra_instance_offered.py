import pytest

from tests.ultracluster_factory import DELETE, check_ultra, only

TYPE = "spec.instance.type"


@pytest.mark.parametrize(
    "instance, region, expected",
    [
        pytest.param({"type": "p4d.24xlarge"}, "us-east-1", [], id="offered"),
        pytest.param({"type": "ml.p4d.24xlarge"}, "us-east-1", [("BP201", TYPE)], id="sagemaker-type-on-batch"),
        pytest.param({"type": "p4d.24xlarg"}, "us-east-1", [("BP201", TYPE)], id="typo"),
        pytest.param({"type": "p5e.48xlarge"}, "us-east-1", [("BP201", TYPE)], id="not-in-region"),
        pytest.param({"type": DELETE, "accelerators": {"type": "h100", "count": 8}}, "us-east-1", [], id="wording"),
        pytest.param(
            {"type": DELETE, "accelerators": {"type": "b200", "count": 16}}, "us-east-1",
            [("BP201", "spec.instance.accelerators")], id="wording-matches-nothing",
        ),
    ],
)
def test_bp201(instance, region, expected):
    report = check_ultra({"spec": {"instance": instance, "region": region, "availability_zone": f"{region}a"}})
    assert only(report, "BP201") == expected


def test_hint_names_the_ec2_type():
    (diagnostic,) = [d for d in check_ultra({"spec": {"instance": {"type": "ml.p4d.24xlarge"}}}).diagnostics if d.code == "BP201"]
    assert "type: p4d.24xlarge" in diagnostic.hint
