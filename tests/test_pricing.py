"""Price overrides: per type and region, a wildcard region, a percentage per service, and the repository configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlblueprints.pricing import PriceOverrideError, find_config, load_prices, price_book, read_overrides


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_the_committed_book_leaves_null_prices_unpriced():
    book = load_prices()
    assert book.get("ec2/us-west-2/p5e.48xlarge") is None
    assert book.get("ec2/us-east-1/p4d.24xlarge").usd == pytest.approx(21.957642)


def test_an_override_sets_a_price_per_type_and_region_and_names_its_source(tmp_path):
    file = write(tmp_path / "prices.yaml", 'source: our bill\nas_of: "2026-11-01"\nprices:\n  sagemaker/us-east-1/ml.g5.xlarge/hosting: 1.41\n')
    book = price_book(file)
    price = book.get("sagemaker/us-east-1/ml.g5.xlarge/hosting")
    assert (price.usd, price.unit, price.source, price.as_of) == (1.41, "hour", "our bill", "2026-11-01")
    assert book.get("sagemaker/us-west-2/ml.g5.xlarge/hosting") is None


def test_a_wildcard_region_replaces_every_listed_region(tmp_path):
    file = write(tmp_path / "p.yaml", "source: EDP\nprices:\n  ec2/*/p4d.24xlarge: 18.5\n")
    book = price_book(file)
    for region in ("us-east-1", "us-west-2", "eu-west-1"):
        assert book.get(f"ec2/{region}/p4d.24xlarge").usd == 18.5
    assert book.get("ec2/us-east-1/p5.48xlarge").usd == load_prices().get("ec2/us-east-1/p5.48xlarge").usd


def test_a_discount_applies_to_every_list_price_of_the_service_and_an_explicit_price_wins(tmp_path):
    file = write(tmp_path / "p.yaml", "source: EDP\ndiscount_percent:\n  ec2: 10\nprices:\n  ec2/us-east-1/p5.48xlarge: 40\n")
    book, base = price_book(file), load_prices()
    assert book.get("ec2/us-east-1/p4d.24xlarge").usd == pytest.approx(base.get("ec2/us-east-1/p4d.24xlarge").usd * 0.9)
    assert "less 10%" in book.get("ec2/us-east-1/p4d.24xlarge").source
    assert book.get("ec2/us-east-1/p5.48xlarge").usd == 40
    assert book.get("ebs/us-east-1/gp3").usd == base.get("ebs/us-east-1/gp3").usd
    spot = book.get("ec2-spot/us-east-1/p4d.24xlarge")
    assert spot.usd == pytest.approx(base.get("ec2-spot/us-east-1/p4d.24xlarge").usd)  # ec2-spot is its own service


@pytest.mark.parametrize(
    "text, where, message",
    [
        ("prices: {ec2/us-east-1/p4d.24xlarge: 1}\n", "1:1", "`source` is required"),
        ("source: x\nprices:\n  rds/us-east-1/db: 1\n", "3:3", "not service/region/item"),
        ("source: x\nprices:\n  ec2/us-east-1/p4d.24xlarge: -1\n", "3:31", "must be a number >= 0"),
        ("source: x\nprices:\n  ec2/us-east-1/p4d.24xlarge: \"1\"\n", "3:31", "must be a number >= 0"),
        ("source: x\ndiscount_percent: {ec2: 100}\n", "2:25", "percentage from 0 to below 100"),
        ("source: x\ndiscount_percent: {rds: 5}\n", "2:20", "unknown service `rds`"),
        ("source: x\nextra: 1\n", "2:1", "unknown key `extra`"),
        ("source: x\nsource: y\n", "2:1", "duplicate key"),
    ],
)
def test_a_bad_override_file_is_an_error_at_its_position(tmp_path, text, where, message):
    file = write(tmp_path / "p.yaml", text)
    with pytest.raises(PriceOverrideError) as error:
        read_overrides(file)
    assert f"p.yaml:{where}: " in str(error.value) and message in str(error.value)


def test_the_repository_configuration_names_the_override_file(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".mlbp.yaml", "prices: pricing/ours.yaml\n")
    (tmp_path / "pricing").mkdir()
    write(tmp_path / "pricing" / "ours.yaml", "source: ours\nprices:\n  natgateway/us-east-1/hour: 0.045\n")
    nested = tmp_path / "blueprints" / "team"
    nested.mkdir(parents=True)
    assert find_config(nested) == tmp_path / ".mlbp.yaml"
    assert price_book(search_from=nested).get("natgateway/us-east-1/hour").usd == 0.045
    # An explicit file wins over the configuration.
    explicit = write(tmp_path / "other.yaml", "source: other\nprices:\n  natgateway/us-east-1/hour: 0.05\n")
    assert price_book(explicit, search_from=nested).get("natgateway/us-east-1/hour").usd == 0.05


def test_the_search_stops_at_the_repository_root(tmp_path):
    write(tmp_path / ".mlbp.yaml", "prices: nowhere.yaml\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert find_config(repo) is None


@pytest.mark.parametrize(
    "text, message",
    [("prices: missing.yaml\n", "missing.yaml: no such file"), ("price: x.yaml\n", "unknown key `price`"),
     ("prices: [a]\n", "is the path of a price override file")],
)
def test_a_bad_configuration_is_an_error_at_its_position(tmp_path, text, message):
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".mlbp.yaml", text)
    with pytest.raises(PriceOverrideError, match=message) as error:
        price_book(search_from=tmp_path)
    assert str(error.value).startswith(f"{tmp_path / '.mlbp.yaml'}:1:")


def test_validating_a_folder_skips_the_repository_configuration(tmp_path):
    from mlblueprints.pipeline import find_blueprint_files

    write(tmp_path / ".mlbp.yaml", "prices: p.yaml\n")
    write(tmp_path / "train.yaml", "apiVersion: mlblueprints/v1\n")
    assert find_blueprint_files([tmp_path]) == [tmp_path / "train.yaml"]
