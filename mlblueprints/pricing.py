"""Unit prices: the committed price book, plus the overrides a user supplies.

``data/prices.json`` is rebuilt by ``scripts/refresh_prices.py``; every row keeps its
source, as-of date and whether it is verified. A key is ``service/region/item``; the
services and their units are ``SERVICE_UNITS`` below, and docs/cost.md lists where each
comes from (no ``sagemaker*``, ``natgateway`` or ``ec2-capacity-block`` price offline).

A missing key is *unpriced*: estimates name it and never substitute a number.

Overrides (``--prices FILE`` or ``prices:`` in the repository's ``.mlbp.yaml``) are YAML::

    source: 2026 enterprise agreement       # shown beside every price it sets
    as_of: "2026-11-01"
    prices:                                  # USD per unit, by key; * matches any region
      sagemaker/us-east-1/ml.g5.xlarge/hosting: 1.408
      ec2/*/p4d.24xlarge: 18.5
    discount_percent:                        # off every list price of a service
      ec2: 12

An explicit price wins over a discount; a discount applies to list prices only.
"""

from __future__ import annotations

import fnmatch
import functools
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

from mlblueprints.loader import load_file

DATA_FILE = Path(__file__).with_name("data") / "prices.json"
CONFIG_NAMES = (".mlbp.yaml", ".mlbp.yml")

#: service -> the unit of its prices (for an override that adds a key the book lacks).
SERVICE_UNITS = {
    "ec2": "hour",
    "ec2-spot": "hour",
    "ec2-capacity-block": "hour",
    "sagemaker": "hour",
    "sagemaker-serverless": "second",
    "sagemaker-serverless-provisioned": "second",
    "fsx": "GB-month",
    "ebs": "GB-month",
    "s3": "GB-month",
    "natgateway": "hour",
}


class PriceOverrideError(ValueError):
    """A price override or configuration file that cannot be used: ``file:line:col: message``."""


@dataclass(frozen=True)
class Price:
    key: str
    #: USD per ``unit``; the low end of a range (spot) when ``usd_max`` is set.
    usd: float
    unit: str
    source: str
    as_of: str
    verified: bool
    usd_max: float | None = None

    @property
    def high(self) -> float:
        return self.usd if self.usd_max is None else self.usd_max


class PriceBook:
    """Prices by key. ``get`` returns None for an unpriced key (no row, or a row whose price is null)."""

    def __init__(self, rows: Mapping[str, Price], as_of: str, origins: tuple[str, ...] = (),
                 patterns: tuple[Price, ...] = ()):
        self._rows = dict(rows)
        self.as_of = as_of
        #: Where the book's prices came from beyond data/prices.json (override files).
        self.origins = origins
        #: Override prices whose key has a ``*`` region, for keys the book has no row for.
        self._patterns = patterns

    def get(self, key: str) -> Price | None:
        found = self._rows.get(key)
        if found is None:
            for pattern in self._patterns:
                if fnmatch.fnmatchcase(key, pattern.key):
                    return replace(pattern, key=key)
        return found

    def keys(self) -> list[str]:
        return sorted(self._rows)

    def with_overrides(self, overrides: "Overrides") -> "PriceBook":
        rows = dict(self._rows)
        for key, price in rows.items():
            percent = overrides.discount_percent.get(key.split("/", 1)[0])
            if percent:
                factor = 1 - percent / 100
                rows[key] = replace(
                    price,
                    usd=price.usd * factor,
                    usd_max=None if price.usd_max is None else price.usd_max * factor,
                    source=f"{price.source}, less {percent:g}% ({overrides.source})",
                )
        patterns = list(self._patterns)
        for pattern, usd in overrides.prices.items():
            service, region, _ = pattern.split("/", 2)
            price = Price(pattern, usd, SERVICE_UNITS[service], overrides.source, overrides.as_of, True)
            if "*" not in region:
                rows[pattern] = price
                continue
            for key in [k for k in rows if fnmatch.fnmatchcase(k, pattern)]:
                rows[key] = replace(price, key=key)
            patterns.insert(0, price)
        return PriceBook(rows, self.as_of, self.origins + (overrides.file,), tuple(patterns))


@dataclass(frozen=True)
class Overrides:
    file: str
    source: str
    as_of: str
    prices: Mapping[str, float]
    discount_percent: Mapping[str, float]


@functools.cache
def load_prices() -> PriceBook:
    """The committed price book; null-priced rows are left out, so they read as unpriced."""
    doc = json.loads(DATA_FILE.read_text())
    rows = {
        key: Price(
            key, row["usd"], row["unit"], row["source"], row["as_of"], row["verified"], row.get("usd_max")
        )
        for key, row in doc["prices"].items()
        if row["usd"] is not None
    }
    return PriceBook(rows, doc["as_of"])


def read_overrides(path: str | Path) -> Overrides:
    """Parse and check an override file; every problem is a PriceOverrideError with its position."""
    document = load_file(path)
    if document.diagnostics:
        first = document.diagnostics[0]
        raise PriceOverrideError(f"{first.file}:{first.line}:{first.col}: {first.message}")
    data, where = document.data, document.source_map

    def fail(route: tuple, message: str, *, key: bool = False) -> PriceOverrideError:
        line, col = where.key_position(route) if key else where.value_position(route)
        return PriceOverrideError(f"{document.file}:{line}:{col}: {message}")

    unknown = set(data) - {"source", "as_of", "prices", "discount_percent"}
    if unknown:
        raise fail((sorted(unknown)[0],), key=True, message=f"unknown key `{sorted(unknown)[0]}`; expected source, as_of, prices, discount_percent")
    if not isinstance(data.get("source"), str) or not data["source"].strip():
        raise fail(("source",) if "source" in data else (), "`source` is required: say where these prices come from")
    prices: dict[str, float] = {}
    for key, usd in (data.get("prices") or {}).items():
        parts = str(key).split("/")
        if len(parts) < 3 or parts[0] not in SERVICE_UNITS or not all(parts):
            raise fail(("prices", key), key=True, message=f"`{key}` is not service/region/item with a service in {', '.join(SERVICE_UNITS)}")
        if isinstance(usd, bool) or not isinstance(usd, (int, float)) or usd < 0:
            raise fail(("prices", key), f"the price of `{key}` must be a number >= 0 (USD per {SERVICE_UNITS[parts[0]]})")
        prices[str(key)] = float(usd)
    discounts: dict[str, float] = {}
    for service, percent in (data.get("discount_percent") or {}).items():
        if service not in SERVICE_UNITS:
            raise fail(("discount_percent", service), key=True, message=f"unknown service `{service}`; expected one of {', '.join(SERVICE_UNITS)}")
        if isinstance(percent, bool) or not isinstance(percent, (int, float)) or not 0 <= percent < 100:
            raise fail(("discount_percent", service), "a discount is a percentage from 0 to below 100")
        discounts[service] = float(percent)
    return Overrides(document.file, data["source"], str(data.get("as_of", "unknown")), prices, discounts)


def find_config(start: Path) -> Path | None:
    """The nearest ``.mlbp.yaml`` in ``start`` or a parent, stopping at a repository root (.git)."""
    for folder in (start.resolve(), *start.resolve().parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        if (folder / ".git").exists():
            return None
    return None


def configured_prices_file(config: Path) -> Path | None:
    """The ``prices:`` file a repository configuration names, relative to the configuration."""
    document = load_file(config)
    if document.diagnostics:
        first = document.diagnostics[0]
        raise PriceOverrideError(f"{first.file}:{first.line}:{first.col}: {first.message}")
    data = document.data
    for key in data:
        if key != "prices":
            line, col = document.source_map.key_position((key,))
            raise PriceOverrideError(f"{document.file}:{line}:{col}: unknown key `{key}`; the configuration knows `prices`")
    if "prices" not in data:
        return None
    if not isinstance(data["prices"], str):
        line, col = document.source_map.value_position(("prices",))
        raise PriceOverrideError(f"{document.file}:{line}:{col}: `prices` is the path of a price override file")
    path = config.parent / data["prices"]
    if not path.is_file():
        line, col = document.source_map.value_position(("prices",))
        raise PriceOverrideError(f"{document.file}:{line}:{col}: {data['prices']}: no such file")
    return path


def price_book(prices_file: str | Path | None = None, *, search_from: Path | None = None) -> PriceBook:
    """The committed book with overrides: ``prices_file`` if given, else the repository configuration's."""
    book = load_prices()
    if prices_file is None and search_from is not None:
        config = find_config(search_from)
        prices_file = configured_prices_file(config) if config is not None else None
    if prices_file is None:
        return book
    return book.with_overrides(read_overrides(prices_file))
