"""What a semantic rule is: a stable id, a level, a summary, a source, and a check.

Modelled on cfn-lint's rule classes. A rule yields findings that name a JSON
path; the engine positions them, applies suppressions and assigns the level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterable, Sequence

from mlblueprints.catalog import Catalog, InstanceType
from mlblueprints.diagnostics import Level
from mlblueprints.model import Blueprint, Nodes
from mlblueprints.advisor import NothingFits, Recommendation
from mlblueprints.cost import Estimate, estimate
from mlblueprints.pricing import PriceBook, PriceOverrideError
from mlblueprints.resolve import advise_training_cluster, advised_nodes, blueprint_prices, resolve_instance

JsonPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    path: JsonPath
    message: str
    hint: str = ""


class RuleContext:
    """Shared, cached lookups so that several rules resolving the same thing pay once."""

    def __init__(self, catalog: Catalog, prices: PriceBook | None = None):
        self.catalog = catalog
        self._prices = prices
        self._instances: dict[int, InstanceType | None] = {}
        self._advice: dict[int, Recommendation | NothingFits] = {}
        self._estimates: dict[int, Estimate] = {}

    def prices(self, blueprint: Blueprint) -> PriceBook:
        """The price book: as given, else data/prices.json with the repository's overrides (.mlbp.yaml)."""
        return self._prices if self._prices is not None else blueprint_prices(blueprint)

    def advice(self, blueprint: Blueprint) -> Recommendation | NothingFits:
        """The advisor's answer for ``instance: auto``: a recommendation, or why nothing fits."""
        key = id(blueprint)
        if key not in self._advice:
            try:
                self._advice[key] = advise_training_cluster(blueprint, self.catalog, self.prices(blueprint))
            except NothingFits as nothing:
                self._advice[key] = nothing
            except PriceOverrideError as error:
                self._advice[key] = NothingFits(
                    "price", f"the repository's price overrides cannot be read: {error}",
                    "fix the file that .mlbp.yaml names (docs/cost.md, Overrides)",
                )
        return self._advice[key]

    def instance(self, blueprint: Blueprint) -> InstanceType | None:
        """The resolved instance type, or None when it does not resolve (BP101 or BP402 reports why)."""
        key = id(blueprint)
        if key not in self._instances:
            spec = blueprint.spec
            if spec.instance.auto:
                advice = self.advice(blueprint)
                found = self.catalog.get(advice.best.instance) if isinstance(advice, Recommendation) else None
            else:
                found = resolve_instance(spec.instance, spec.region, self.catalog)
            self._instances[key] = found
        return self._instances[key]

    def nodes(self, blueprint: Blueprint) -> Nodes | None:
        """The node counts the stack uses: the blueprint's, or the advisor's with ``instance: auto`` (None if none fits)."""
        if not blueprint.spec.instance.auto:
            return blueprint.spec.nodes
        advice = self.advice(blueprint)
        return advised_nodes(advice) if isinstance(advice, Recommendation) else None

    def estimate(self, blueprint: Blueprint) -> Estimate:
        """The blueprint's cost estimate (only for blueprints whose instances resolve)."""
        key = id(blueprint)
        if key not in self._estimates:
            self._estimates[key] = estimate(blueprint, self.prices(blueprint), catalog=self.catalog)
        return self._estimates[key]


class Rule:
    """A check of one blueprint."""

    id: ClassVar[str]
    level: ClassVar[Level]
    summary: ClassVar[str]
    source_url: ClassVar[str]
    kinds: ClassVar[frozenset[str]] = frozenset({"TrainingCluster"})

    def check(self, blueprint: Blueprint, context: RuleContext) -> Iterable[Finding]:
        raise NotImplementedError


class CrossRule:
    """A check across every blueprint validated together."""

    id: ClassVar[str]
    level: ClassVar[Level]
    summary: ClassVar[str]
    source_url: ClassVar[str]

    def check_all(self, blueprints: Sequence[Blueprint]) -> Iterable[tuple[Blueprint, Finding]]:
        raise NotImplementedError
