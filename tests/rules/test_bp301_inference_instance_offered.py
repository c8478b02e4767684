import pytest

from tests.fleet_factory import DELETE, check_fleet, only

AT = "spec.endpoints[0].instance_type"


@pytest.mark.parametrize(
    "patch, region, expected",
    [
        pytest.param({}, "us-east-1", [], id="offered"),
        pytest.param({"instance_type": "ml.g5.xlarg"}, "us-east-1", [("BP301", AT)], id="typo"),
        pytest.param({"instance_type": "ml.t2.medium"}, "us-east-1", [("BP301", AT)], id="hosting-type-not-in-catalog"),
        pytest.param({"instance_type": "ml.p5.48xlarge"}, "af-south-1", [("BP301", AT)], id="not-offered-in-region"),
        pytest.param({"instance_type": "ml.m6i.xlarge", "container": {"version": "2.6"}}, "us-east-1", [("BP301", AT)],
                     id="hosting-not-offered-here-per-cfn-lint"),
        pytest.param(
            {"variants": [{"name": "blue", "model": {"artifact": "a/model.tar.gz"}, "instance_type": "ml.g5.xlarg"}]},
            "us-east-1", [("BP301", "spec.endpoints[0].variants[0].instance_type")], id="variant-override-is-blamed",
        ),
        pytest.param(
            {"variants": [{"name": "a", "model": {"artifact": "a/model.tar.gz"}},
                          {"name": "b", "model": {"artifact": "b/model.tar.gz"}}], "instance_type": "ml.g5.xlarg"},
            "us-east-1", [("BP301", AT)], id="shared-type-reported-once",
        ),
        pytest.param({"mode": "serverless", "instance_type": DELETE, "autoscaling": DELETE}, "us-east-1", [],
                     id="serverless-has-no-type"),
    ],
)
def test_bp301(patch, region, expected):
    assert only(check_fleet(patch, {"region": region}), "BP301") == expected


def test_not_offered_names_the_regions_that_offer_it():
    report = check_fleet({"instance_type": "ml.p5.48xlarge"}, {"region": "af-south-1"})
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP301"]
    assert "af-south-1" in diagnostic.message and "us-east-1" in diagnostic.hint


def test_typo_suggests_the_real_type():
    report = check_fleet({"instance_type": "ml.g5.xlarg"})
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP301"]
    assert "ml.g5.xlarge" in diagnostic.hint
