import pytest

from tests.blueprint_factory import DELETE, check_patch, codes

PATH = "spec.instance.type"


@pytest.mark.parametrize(
    "patch, expected",
    [
        pytest.param({}, [], id="offered"),
        pytest.param({"spec": {"instance": {"type": "g5.2xlarg"}}}, [("BP101", PATH)], id="typo"),
        pytest.param({"spec": {"instance": {"type": "t3.micro"}}}, [("BP101", PATH)], id="exists-but-not-in-catalog"),
        pytest.param(
            {"spec": {"region": "af-south-1", "instance": {"type": "p5.48xlarge"}}},
            [("BP101", PATH)],
            id="not-offered-in-region",
        ),
        pytest.param(
            {"spec": {"instance": {"type": DELETE, "accelerators": {"type": "a100", "count": 8}}}},
            [],
            id="accelerator-wording-resolves",
        ),
        pytest.param(
            {"spec": {"instance": {"type": DELETE, "accelerators": {"type": "a100", "count": 64}}}},
            [("BP101", "spec.instance.accelerators")],
            id="accelerator-wording-too-many",
        ),
        pytest.param(
            {"spec": {"instance": {"type": DELETE, "accelerators": {"type": "a10g", "count": 1, "min_memory_gib": 80}}}},
            [("BP101", "spec.instance.accelerators")],
            id="accelerator-memory-too-large",
        ),
    ],
)
def test_bp101(patch, expected):
    assert [c for c in codes(check_patch(patch)) if c[0] == "BP101"] == expected


def test_typo_suggests_the_real_type():
    (diagnostic,) = check_patch({"spec": {"instance": {"type": "g5.2xlarg"}}}).diagnostics
    assert "g5.2xlarge" in diagnostic.hint


def test_not_offered_names_regions_that_offer_it():
    report = check_patch({"spec": {"region": "af-south-1", "instance": {"type": "p5.48xlarge"}}})
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP101"]
    assert "af-south-1" in diagnostic.message
    assert "us-east-1" in diagnostic.hint
