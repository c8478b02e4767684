"""mlblueprints/data/prices.json: rebuilt from the shared CSVs, and the AWS Price List offer parser."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from scripts import refresh_prices

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "price_list"
#: CI copies the shared folder beside the clone (read-only); MLBP_PRICING_SOURCE points elsewhere.
SHARED = Path(os.environ.get("MLBP_PRICING_SOURCE", ROOT.parent / "shared" / "pricing"))
COMMITTED = json.loads(refresh_prices.OUT.read_text())
KNOWN = set(json.loads(refresh_prices.INSTANCES.read_text())["instances"])


@pytest.mark.skipif(not (SHARED / "ec2_ondemand.csv").is_file(), reason=f"no shared pricing CSVs at {SHARED}")
def test_committed_prices_equal_the_rebuild():
    built = refresh_prices.build(SHARED, [], COMMITTED["as_of"])
    assert built == COMMITTED


@pytest.mark.skipif(not (SHARED / "ec2_ondemand.csv").is_file(), reason=f"no shared pricing CSVs at {SHARED}")
def test_check_mode_passes_on_the_committed_file(capsys):
    assert refresh_prices.main(["--source", str(SHARED), "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_every_row_keeps_its_source_and_as_of():
    for key, row in COMMITTED["prices"].items():
        assert row["source"] and row["as_of"], key
        assert isinstance(row["verified"], bool), key


def test_unverified_storage_rows_are_marked_and_verified_ones_are_not():
    prices = COMMITTED["prices"]
    assert prices["s3/us-east-1/standard"]["verified"] is True
    assert prices["ebs/us-east-1/gp3"]["verified"] is True
    assert prices["fsx/us-east-1/PERSISTENT_2/250"]["verified"] is False
    assert prices["ebs/eu-west-1/gp3"]["verified"] is False


def test_no_sagemaker_price_is_invented_and_gaps_are_recorded():
    assert not [k for k in COMMITTED["prices"] if k.startswith("sagemaker")]
    assert any(g.startswith("fsx/eu-west-1/") for g in COMMITTED["gaps"])


def test_spot_rows_are_ranges_over_standard_zones_only():
    row = COMMITTED["prices"]["ec2-spot/us-east-1/p4d.24xlarge"]
    assert row["usd"] == min(row["by_zone"].values()) and row["usd_max"] == max(row["by_zone"].values())
    assert all("-az" in zone and zone.count("-") == 1 for zone in row["by_zone"])


def test_a_public_gap_in_on_demand_stays_null():
    assert COMMITTED["prices"]["ec2/us-west-2/p5e.48xlarge"]["usd"] is None


def _offer(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def test_ec2_offer_reads_linux_shared_on_demand_ebs_and_nat_hours():
    rows, skipped = refresh_prices.parse_offer(_offer("AmazonEC2-small.json"), KNOWN)
    assert set(rows) == {"ec2/us-east-1/p4d.24xlarge", "ebs/us-east-1/gp3", "natgateway/us-east-1/hour"}
    p4d = rows["ec2/us-east-1/p4d.24xlarge"]
    assert p4d == {"usd": 20.0, "unit": "hour", "source": "aws-price-list:AmazonEC2@20261101000000",
                   "as_of": "2026-11-01", "verified": True}
    assert rows["ebs/us-east-1/gp3"]["unit"] == "GB-month"
    assert skipped == []


def test_sagemaker_offer_reads_instance_hours_per_component():
    rows, skipped = refresh_prices.parse_offer(_offer("AmazonSageMaker-small.json"), KNOWN)
    assert rows["sagemaker/us-east-1/ml.g5.xlarge/hosting"]["usd"] == 1.5
    assert rows["sagemaker/us-east-1/ml.g5.xlarge/training"]["usd"] == 1.6
    assert rows["sagemaker/us-east-1/ml.p5.48xlarge/cluster"]["usd"] == 90.0
    assert not any("ml.t3.medium" in k for k in rows)  # not in the catalog
    assert skipped == ["SKUNOPRICE (sagemaker/us-east-1/ml.inf2.xlarge/hosting): no single on-demand USD price"]


def test_fsx_offer_reads_lustre_ssd_by_deployment_type_and_tier():
    rows, _ = refresh_prices.parse_offer(_offer("AmazonFSx-small.json"), KNOWN)
    assert set(rows) == {"fsx/eu-west-1/PERSISTENT_2/250", "fsx/eu-west-1/SCRATCH_2"}
    assert rows["fsx/eu-west-1/PERSISTENT_2/250"]["usd"] == 0.23


def test_an_unknown_offer_or_a_non_offer_is_refused():
    with pytest.raises(refresh_prices.BadInput, match="offer code"):
        refresh_prices.parse_offer({"offerCode": "AmazonRDS", "products": {"A": {"attributes": {"regionCode": "x"}}},
                                    "terms": {}}, KNOWN)
    with pytest.raises(refresh_prices.BadInput, match="not an AWS Price List offer"):
        refresh_prices.parse_offer({"offerCode": "AmazonEC2"}, KNOWN)


@pytest.mark.skipif(not (SHARED / "ec2_ondemand.csv").is_file(), reason=f"no shared pricing CSVs at {SHARED}")
def test_offer_rows_replace_csv_rows_and_are_recorded():
    built = refresh_prices.build(SHARED, [FIXTURES / "AmazonEC2-small.json"], "2026-11-30")
    assert built["prices"]["ec2/us-east-1/p4d.24xlarge"]["usd"] == 20.0
    assert built["prices"]["natgateway/us-east-1/hour"]["usd"] == 0.045
    assert built["offers"] == ["AmazonEC2-small.json: AmazonEC2 20261101000000, 3 rows"]
