"""The cost model per line item (mlblueprints.cost), its outputs, and `mlbp cost`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlblueprints import cost, cost_report
from mlblueprints.cli import main
from mlblueprints.pricing import Price, PriceBook, load_prices
from tests.blueprint_factory import DELETE, check, patched, to_yaml
from tests.fleet_factory import ASYNC, SERVERLESS, endpoint, fleet
from tests.ultracluster_factory import HYPERPOD, ultra

ROOT = Path(__file__).resolve().parents[1]
BASE = load_prices()


def book(**usd: float) -> PriceBook:
    """The committed prices plus ``key=usd`` rows (keys with / written as __)."""
    rows = {k: BASE.get(k) for k in BASE.keys()}
    for name, value in usd.items():
        key = name.replace("__", "/")
        rows[key] = Price(key, value, "hour", "test", "2026-11-30", True)
    return PriceBook(rows, BASE.as_of)


def blueprint(document: dict):
    report = check(to_yaml(document))
    assert not report.has_errors, [d.format_text() for d in report.diagnostics]
    return report.blueprints[0]


def training(patch: dict | None = None):
    return blueprint(patched(patch))


def item(estimate, category: str):
    (found,) = [i for i in estimate.items if i.category == category]
    return found


def test_on_demand_compute_scales_with_the_node_counts():
    estimate = cost.estimate(training({"spec": {"nodes": {"min": 0, "desired": 1, "max": 3}}}), BASE)
    compute = item(estimate, "compute")
    price = BASE.get("ec2/us-east-1/g5.2xlarge").usd
    assert (compute.hourly.min.low, compute.hourly.desired.low, compute.hourly.max.low) == (0, price, 3 * price)
    assert compute.price_key == "ec2/us-east-1/g5.2xlarge" and not compute.unverified


def test_spot_is_a_range_over_the_zones_of_the_snapshot():
    estimate = cost.estimate(training({"spec": {"instance": {"type": "p4d.24xlarge"}, "capacity": {"purchase": "spot"}}}), BASE)
    spot = item(estimate, "spot")
    row = BASE.get("ec2-spot/us-east-1/p4d.24xlarge")
    assert spot.hourly.desired == cost.Usd(row.usd, row.usd_max) and spot.hourly.desired.is_range
    assert "$" in cost_report.money(spot.hourly.desired) and "-" in cost_report.money(spot.hourly.desired)


def test_a_capacity_reservation_bills_whether_used_or_not():
    estimate = cost.estimate(training({"spec": {"capacity": {"capacity_reservation_id": "cr-0123456789abcdef0"},
                                                "availability_zones": ["us-east-1a"],
                                                "nodes": {"min": 0, "desired": 0, "max": 2}}}), BASE)
    reservation = item(estimate, "reservation")
    price = BASE.get("ec2/us-east-1/g5.2xlarge").usd
    assert reservation.hourly.min.low == reservation.hourly.max.low == 2 * price
    assert any("whether instances run" in n for n in reservation.notes)


def test_a_capacity_block_is_unpriced_until_its_price_is_supplied():
    document = ultra({"spec": {"instance": {"type": "p5.48xlarge"}, "availability_zone": "us-east-1d",
                              "capacity": {"source": "capacity-block", "reservation_id": "cr-0a1b2c3d4e5f67890",
                                           "reservation_zone": "us-east-1d"}, "placement_group": DELETE}})
    b = blueprint(document)
    block = item(cost.estimate(b, BASE), "capacity-block")
    assert block.unpriced and "ec2-capacity-block/us-east-1/p5.48xlarge" in block.unpriced_reason
    priced = item(cost.estimate(b, book(**{"ec2-capacity-block__us-east-1__p5.48xlarge": 31.0}),
                                cost.Assumptions(capacity_block_days=7)), "capacity-block")
    assert priced.hourly.desired.low == 2 * 31.0
    assert "a 7-day block costs $10,416.00 up front" in " ".join(priced.notes)  # 2 x 31 x 24 x 7


def test_fsx_is_priced_by_deployment_type_and_tier_and_flagged_unverified():
    estimate = cost.estimate(training({"spec": {"availability_zones": ["us-east-1a"], "storage": {
        "fsx": {"storage_capacity_gib": 2400, "throughput_per_tib": 500}}}}), BASE)
    fsx = item(estimate, "fsx")
    assert fsx.price_key == "fsx/us-east-1/PERSISTENT_2/500" and fsx.unverified
    assert fsx.hourly.min.low == pytest.approx(BASE.get(fsx.price_key).usd * 2400 * 1.073741824 / 730)
    assert fsx in estimate.unverified


def test_ebs_nat_and_s3_only_from_a_stated_size():
    b = training({"spec": {"storage": {"root_volume_gib": 100}}})
    estimate = cost.estimate(b, BASE)
    assert item(estimate, "ebs").hourly.desired.low == pytest.approx(0.08 * 100 / 730)
    assert item(estimate, "nat").unpriced
    assert not [i for i in estimate.items if i.category == "s3"]
    assert any("--s3-gib" in a for a in estimate.assumptions)
    sized = cost.estimate(b, BASE, cost.Assumptions(s3_gib=1000))
    assert item(sized, "s3").hourly.desired.low == pytest.approx(0.023 * 1000 / 730)
    existing = cost.estimate(training({"spec": {"network": {"vpc_id": "vpc-0123456789abcdef0",
                                                             "subnet_ids": ["subnet-0123456789abcdef0"]},
                                                "availability_zones": ["us-east-1a"]}}), BASE)
    assert not [i for i in existing.items if i.category == "nat"]


def test_sagemaker_hosting_is_unpriced_offline_and_named():
    estimate = cost.estimate(blueprint(fleet()), BASE)
    (hosting,) = [i for i in estimate.items if i.category == "hosting"]
    assert hosting.unpriced and hosting.price_key == "sagemaker/us-east-1/ml.g5.xlarge/hosting"
    assert "ml.g5.xlarge" in hosting.unpriced_reason and not estimate.complete
    assert hosting in estimate.unpriced


def test_ab_variants_each_keep_their_own_minimum():
    variants = [{"name": "blue", "model": {"artifact": "a/model.tar.gz"}, "weight": 0.9},
                {"name": "green", "model": {"artifact": "b/model.tar.gz"}, "weight": 0.1}]
    b = blueprint(fleet({"variants": variants, "autoscaling": {"min": 2, "max": 5}}))
    estimate = cost.estimate(b, book(**{"sagemaker__us-east-1__ml.g5.xlarge__hosting": 1.5}))
    hosting = [i for i in estimate.items if i.category == "hosting"]
    assert [i.counts.min for i in hosting] == [2, 2]
    assert sum(i.hourly.min.low for i in hosting) == pytest.approx(4 * 1.5)
    assert all("2 x 2 = 4 instances" in " ".join(i.notes) for i in hosting)


def test_serverless_is_memory_times_duration_times_requests_with_stated_traffic():
    b = blueprint(fleet(SERVERLESS, {"tier": "development"}))
    assumptions = cost.Assumptions(serverless_requests_per_hour=1000, serverless_duration_ms=500)
    estimate = cost.estimate(b, book(**{"sagemaker-serverless__us-east-1__2048": 0.00004}), assumptions)
    serverless = item(estimate, "serverless")
    assert serverless.hourly.min.low == 0
    assert serverless.hourly.desired.low == pytest.approx(1000 * 0.5 * 0.00004)
    assert serverless.hourly.max.low == pytest.approx(10 * 3600 * 0.00004)
    assert any("1000 requests an hour of 500 ms at 2048 MB" in a for a in estimate.assumptions)


def test_async_scale_to_zero_bills_busy_hours_only_and_says_so():
    b = blueprint(fleet(ASYNC))
    estimate = cost.estimate(b, book(**{"sagemaker__us-east-1__ml.g5.xlarge__hosting": 1.2}),
                             cost.Assumptions(async_busy_hours_per_day=6))
    hosting = item(estimate, "async")
    assert hosting.hourly.min.low == 0
    assert hosting.hourly.desired.low == pytest.approx(1.2 * 6 / 24)
    assert hosting.hourly.max.low == pytest.approx(2 * 1.2)
    assert any("busy 6 h a day" in n for n in hosting.notes)


def test_hyperpod_bills_workers_and_controller_from_creation():
    estimate = cost.estimate(blueprint(ultra(HYPERPOD)), book(**{"sagemaker__us-east-1__ml.p4d.24xlarge__cluster": 30.0}))
    workers, controller = [i for i in estimate.items if i.category == "hosting"]
    assert workers.hourly.min.low == 60.0 and controller.unpriced


def test_batch_scales_to_zero_at_min():
    estimate = cost.estimate(blueprint(ultra()), BASE)
    compute = item(estimate, "compute")
    assert compute.hourly.min.low == 0 and compute.hourly.desired.low == pytest.approx(2 * BASE.get("ec2/us-east-1/p4d.24xlarge").usd)


@settings(max_examples=40, deadline=None)
@given(
    counts=st.lists(st.tuples(st.integers(1, 4), st.integers(0, 6)), min_size=1, max_size=3),
    price=st.floats(0.1, 50),
)
def test_variant_costs_add_up_to_the_fleet_total(counts, price):
    endpoints = []
    for index, (low, extra) in enumerate(counts):
        endpoints.append(endpoint({
            "name": f"e{index}",
            "variants": [{"name": "a", "model": {"artifact": "a/m.tar.gz"}}, {"name": "b", "model": {"artifact": "b/m.tar.gz"}}],
            "autoscaling": {"min": low, "max": low + extra},
        }))
    b = blueprint(fleet(endpoints=endpoints))
    estimate = cost.estimate(b, book(**{"sagemaker__us-east-1__ml.g5.xlarge__hosting": price,
                                        "natgateway__us-east-1__hour": 0.045}))
    for level in cost.LEVELS:
        parts = sum(i.hourly.at(level).low for i in estimate.items)
        assert estimate.hourly.at(level).low == pytest.approx(parts)
        variants = sum(i.hourly.at(level).low for i in estimate.items if i.category == "hosting")
        assert variants == pytest.approx(sum(2 * price * (low if level == "min" else low if level == "desired" else low + extra)
                                             for low, extra in counts))


def test_json_and_markdown_carry_every_item_and_the_unpriced_ones():
    estimate = cost.estimate(blueprint(fleet()), BASE)
    data = json.loads(cost_report.format_json([estimate]))[0]
    assert data["complete"] is False
    assert "sagemaker/us-east-1/ml.g5.xlarge/hosting" in data["unpriced"]
    assert {i["category"] for i in data["items"]} >= {"hosting", "nat"}
    markdown = cost_report.format_markdown([estimate])
    assert "| **total** |" in markdown and "unpriced:" in markdown and "<details>" in markdown


def test_mlbp_cost_prints_a_dollar_figure_or_an_explicit_unpriced_item_for_every_example(capsys):
    assert main(["cost", str(ROOT / "blueprints"), "--format", "json"]) == 0
    estimates = json.loads(capsys.readouterr().out)
    assert len(estimates) == len(list((ROOT / "blueprints").glob("*.yaml")))
    for e in estimates:
        for i in e["items"]:
            assert i["hourly"] is not None or (i["unpriced"] and i["unpriced_reason"]), (e["name"], i)
        assert e["total_30_days"]["desired"]["high"] >= 0
    hosting = [i for e in estimates for i in e["items"] if i["category"] in ("hosting", "async")]
    assert hosting and all(i["unpriced"] for i in hosting)  # until SageMaker prices are supplied


def test_mlbp_cost_text_and_markdown_and_a_price_file(tmp_path, capsys):
    prices = tmp_path / "p.yaml"
    prices.write_text("source: test bill\nprices:\n  sagemaker/us-east-1/ml.g5.xlarge/hosting: 1.5\n  natgateway/*/hour: 0.045\n")
    assert main(["cost", str(ROOT / "blueprints" / "chat-ab-g5.yaml"), "--prices", str(prices)]) == 0
    out = capsys.readouterr().out
    assert "$3.00" in out and "$15.00" in out  # 2 x 1.5 per variant at min, 10 x 1.5 at max
    assert "total: per hour" in out and "unpriced" not in out
    assert f"price overrides: {prices}" in out
    assert main(["cost", str(ROOT / "blueprints" / "finetune-g5.yaml"), "--format", "markdown"]) == 0
    assert "| compute | g5.2xlarge on-demand |" in capsys.readouterr().out


def test_mlbp_cost_reports_a_bad_price_file_as_a_usage_error(tmp_path, capsys):
    prices = tmp_path / "p.yaml"
    prices.write_text("prices: {}\n")
    assert main(["cost", str(ROOT / "blueprints" / "finetune-g5.yaml"), "--prices", str(prices)]) == 2
    assert "`source` is required" in capsys.readouterr().err


def test_cost_and_advise_never_import_aws_cdk():
    import subprocess
    import sys

    code = (
        "import sys; from mlblueprints.cli import main; "
        f"main(['cost', {str(ROOT / 'blueprints')!r}, '--format', 'json']); "
        f"main(['advise', {str(ROOT / 'blueprints' / 'finetune-auto.yaml')!r}]); "
        "assert 'aws_cdk' not in sys.modules and 'constructs' not in sys.modules, 'aws_cdk imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_mlbp_cost_reads_the_blueprints_repository_configuration(tmp_path, capsys):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".mlbp.yaml").write_text("prices: pricing.yaml\n")
    (tmp_path / "pricing.yaml").write_text("source: our bill\nprices:\n  natgateway/us-east-1/hour: 0.045\n")
    (tmp_path / "blueprints").mkdir()
    (tmp_path / "blueprints" / "train.yaml").write_text(to_yaml(patched()))
    assert main(["cost", str(tmp_path / "blueprints"), "--format", "json"]) == 0
    (estimate,) = json.loads(capsys.readouterr().out)
    nat = next(i for i in estimate["items"] if i["category"] == "nat")
    assert nat["hourly"]["desired"]["low"] == 0.045 and nat["source"] == "our bill (unknown)"
    assert estimate["price_overrides"] == [str(tmp_path / "pricing.yaml")]


def test_several_blueprints_get_an_overall_line_that_counts_unpriced_items():
    estimates = [cost.estimate(training(), BASE), cost.estimate(blueprint(fleet()), BASE)]
    text = cost_report.format_text(estimates)
    last = text.splitlines()[-1]
    desired = estimates[0].hourly.desired.low + estimates[1].hourly.desired.low
    assert last.startswith(f"all 2 blueprints: per hour $0 / {cost_report.money(cost.Usd.of(desired))} /")
    assert last.endswith("3 unpriced item(s) not included")  # 2 NAT gateways, 1 hosting variant
    assert cost_report.format_markdown(estimates).splitlines()[2].startswith("**all 2 blueprints:")
