"""The three seams where `mlbp plan` asks other modules: cost, budget, and update hazards.

Each is one small function so that it can be pointed at a better source without
touching the plan:

- :func:`hourly_cost` prices a blueprint. Until the cost model lands it is the
  catalog's on-demand price times the node or instance count, labelled as such.
- :func:`budget_of` reads a blueprint's budget (``spec.budget``, when the schema has one).
- :func:`update_hazards` lists known update hazards of a change (for example a
  variant change under autoscaling); it calls every provider in :data:`HAZARD_PROVIDERS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from mlblueprints import hazards
from mlblueprints.model import Blueprint
from mlblueprints.resolve import resolve

HOURS_PER_30_DAYS = 24 * 30


@dataclass(frozen=True)
class Cost:
    usd_per_hour: float | None
    #: How the figure was made, shown next to it.
    basis: str

    @property
    def usd_per_30_days(self) -> float | None:
        return None if self.usd_per_hour is None else self.usd_per_hour * HOURS_PER_30_DAYS


@dataclass(frozen=True)
class Budget:
    usd_per_hour: float | None = None
    usd_per_30_days: float | None = None


@dataclass(frozen=True)
class Hazard:
    """A known update hazard: ``path`` is the blueprint field that causes it.

    An ``error`` (the update would fail or lose data) trips the guard; a ``warning`` is shown.
    """

    message: str
    path: tuple = ()
    hint: str = ""
    level: str = "error"


CATALOG_BASIS = "catalog on-demand price x initial nodes/instances"


def hourly_cost(blueprint: Blueprint) -> Cost:
    """What the blueprint costs per hour while it runs at its initial size."""
    resolved = resolve(blueprint)
    if blueprint.kind == "InferenceFleet":
        total, known = 0.0, True
        for endpoint in resolved.endpoints:
            count = endpoint.endpoint.instance_count or 0
            for variant in endpoint.variants:
                total, known = _add(total, known, variant.instance, count)
            if endpoint.shadow is not None:
                total, known = _add(total, known, endpoint.shadow.instance, endpoint.shadow.variant.instance_count)
        return Cost(total if known else None, CATALOG_BASIS)
    nodes = blueprint.spec.nodes
    count = nodes if isinstance(nodes, int) else nodes.desired
    price = resolved.instance.on_demand_usd_per_hour
    return Cost(None if price is None else price * count, CATALOG_BASIS)


def _add(total: float, known: bool, instance, count: int) -> tuple[float, bool]:
    if instance is None or count == 0:  # serverless: billed per request, not per hour
        return total, known
    price = instance.on_demand_usd_per_hour
    return (total + price * count, known) if price is not None else (total, False)


def budget_of(blueprint: Blueprint) -> Budget | None:
    """The blueprint's ``spec.budget``, read by attribute so any model shape with those two fields works."""
    budget = getattr(blueprint.spec, "budget", None)
    if budget is None:
        return None
    return Budget(getattr(budget, "usd_per_hour", None), getattr(budget, "usd_per_30_days", None))


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
