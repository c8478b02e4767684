"""The two seams where `mlbp plan` asks other modules: cost (with the budget) and update hazards.

- :func:`hourly_cost` prices a blueprint with the cost model (:mod:`mlblueprints.cost`)
  and checks its ``spec.budget`` the way BP400 does.
- :func:`update_hazards` lists known update hazards of a change (for example a
  variant change under autoscaling); it calls every provider in :data:`HAZARD_PROVIDERS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from mlblueprints import cost, hazards, pricing
from mlblueprints.cost import HOURS_30_DAYS
from mlblueprints.model import Blueprint


@dataclass(frozen=True)
class Cost:
    """A blueprint's hourly cost at its desired size, how it was made, and the budget caps it breaks."""

    usd_per_hour: float | None
    #: How the figure was made, shown next to it (and which items have no price).
    basis: str
    #: One sentence per ``spec.budget`` cap the figure exceeds (the check BP400 makes).
    over_budget: tuple[str, ...] = ()

    @property
    def usd_per_30_days(self) -> float | None:
        return None if self.usd_per_hour is None else self.usd_per_hour * HOURS_30_DAYS


@dataclass(frozen=True)
class Hazard:
    """A known update hazard: ``path`` is the blueprint field that causes it.

    An ``error`` (the update would fail or lose data) trips the guard; a ``warning`` is shown.
    """

    message: str
    path: tuple = ()
    hint: str = ""
    level: str = "error"


COST_BASIS = "mlbp cost at desired size (docs/cost.md)"


def hourly_cost(blueprint: Blueprint) -> Cost:
    """What the blueprint costs per hour at its desired size, priced like `mlbp cost`.

    Prices are the committed book plus the overrides of the repository the plan runs
    in (``.mlbp.yaml``). A spot range counts at its top. Unpriced items (SageMaker
    hosting without supplied prices, NAT hours) are named in the basis, never counted
    as $0; with nothing priced at all the figure is unknown.
    """
    try:
        estimate = cost.estimate(blueprint, pricing.price_book(search_from=Path.cwd()))
    except cost.CannotEstimate as error:
        return Cost(None, f"not estimated: {error}")
    unpriced = ", ".join(item.price_key for item in estimate.unpriced)
    if not any(item.hourly is not None for item in estimate.items):
        return Cost(None, f"unpriced: {unpriced}" if unpriced else "no hourly items")
    basis = COST_BASIS if estimate.complete else f"{COST_BASIS}; priced items only, unpriced: {unpriced}"
    budget = getattr(blueprint.spec, "budget", None)
    breaches = cost.budget_breaches(estimate, budget) if budget is not None else []
    return Cost(estimate.hourly.desired.high, basis, tuple(_over(b) for b in breaches))


def _over(breach: cost.BudgetBreach) -> str:
    if breach.field == "usd_per_hour":
        return f"${breach.figure:,.2f}/h at {breach.level} over the budget of ${breach.cap:,.2f}/h"
    return f"${breach.figure:,.0f}/30 days at {breach.level} over the budget of ${breach.cap:,.0f}/30 days"


HazardProvider = Callable[[Blueprint, Blueprint], Iterable]


#: Each provider takes (old blueprint, new blueprint) and yields objects with ``message`` and,
#: optionally, ``path`` (the blueprint field), ``hint`` or ``procedure`` (steps) and ``severity``.
HAZARD_PROVIDERS: list[HazardProvider] = [hazards.update_hazards]


def update_hazards(old: Blueprint, new: Blueprint) -> list[Hazard]:
    found_hazards = []
    for provider in HAZARD_PROVIDERS:
        for found in provider(old, new) or ():
            steps = getattr(found, "procedure", ()) or ()
            found_hazards.append(
                Hazard(
                    message=getattr(found, "message", str(found)),
                    path=tuple(getattr(found, "path", ()) or ()),
                    hint=getattr(found, "hint", "") or "; then ".join(steps),
                    level=getattr(found, "severity", "error") or "error",
                )
            )
    return found_hazards
