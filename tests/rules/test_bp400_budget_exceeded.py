import pytest

from tests.blueprint_factory import check_patch, codes
from tests.fleet_factory import check_fleet

# g5.2xlarge on-demand in us-east-1 is $1.212/h; the root volume adds about $0.02/h per node.
NODES = {"min": 0, "desired": 1, "max": 4}


@pytest.mark.parametrize(
    "budget, expected",
    [
        pytest.param({"usd_per_hour": 2}, [], id="within-at-desired"),
        pytest.param({"usd_per_hour": 1}, [("BP400", "spec.budget.usd_per_hour")], id="over-per-hour"),
        pytest.param({"usd_per_hour": 2, "at": "max"}, [("BP400", "spec.budget.usd_per_hour")], id="over-at-max"),
        pytest.param({"usd_per_30_days": 800}, [("BP400", "spec.budget.usd_per_30_days")], id="over-per-30-days"),
        pytest.param({"usd_per_30_days": 3000, "at": "max"}, [("BP400", "spec.budget.usd_per_30_days")], id="max-is-four-nodes"),
        pytest.param({"usd_per_30_days": 3000}, [], id="desired-is-one-node"),
        pytest.param({"usd_per_hour": 1, "usd_per_30_days": 100},
                     [("BP400", "spec.budget.usd_per_30_days"), ("BP400", "spec.budget.usd_per_hour")], id="both"),
    ],
)
def test_bp400(budget, expected):
    report = check_patch({"spec": {"nodes": NODES, "budget": budget}})
    assert sorted(c for c in codes(report) if c[0] == "BP400") == sorted(expected)


def test_bp400_shows_the_figures():
    report = check_patch({"spec": {"nodes": NODES, "budget": {"usd_per_hour": 1}}})
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP400"]
    assert diagnostic.level.value == "error"
    assert "estimated $1.23 per hour at desired exceeds the budget of $1.00" in diagnostic.message
    assert "g5.2xlarge on-demand at $1.21/h" in diagnostic.message and "mlbp cost" in diagnostic.hint


def test_bp400_uses_the_top_of_a_spot_range():
    report = check_patch({"spec": {"instance": {"type": "p4d.24xlarge"}, "capacity": {"purchase": "spot"},
                                   "nodes": {"min": 0, "desired": 1, "max": 1}, "budget": {"usd_per_hour": 5}}})
    # p4d spot in us-east-1 ranges from about $2.51 to $8.35 over its zones: the ceiling is over $5, the floor is not.
    assert ("BP400", "spec.budget.usd_per_hour") in codes(report)


def test_bp400_counts_unpriced_sagemaker_hosting_as_nothing_but_bp401_names_it():
    report = check_fleet(spec_patch={"budget": {"usd_per_hour": 0.01}})
    assert [c for c in codes(report) if c[0] in ("BP400", "BP401")] == [("BP401", "spec.budget")]


def test_bp400_checks_ultraclusters_too():
    from tests.ultracluster_factory import check_ultra

    # 2 x p4d.24xlarge on Batch at max is about $44/h before storage.
    report = check_ultra({"spec": {"budget": {"usd_per_hour": 40, "at": "max"}}})
    assert ("BP400", "spec.budget.usd_per_hour") in [(d.code, d.path) for d in report.diagnostics]


def test_an_unreadable_price_override_is_a_diagnostic_not_a_crash(tmp_path, monkeypatch):
    from tests.blueprint_factory import patched, to_yaml
    from mlblueprints.pipeline import validate_paths

    (tmp_path / ".git").mkdir()
    (tmp_path / ".mlbp.yaml").write_text("prices: missing.yaml\n")
    (tmp_path / "bp.yaml").write_text(to_yaml(patched({"spec": {"budget": {"usd_per_hour": 5}}})))
    report = validate_paths([tmp_path / "bp.yaml"])
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP400"]
    assert "price overrides cannot be read" in diagnostic.message and "missing.yaml: no such file" in diagnostic.message
    assert not [d for d in report.diagnostics if d.code == "BP099"]
