"""Rules about money and the instance advisor: budgets (BP400, BP401) and ``instance: auto`` (BP402, BP403)."""

from __future__ import annotations

from mlblueprints.advisor import NothingFits
from mlblueprints.cost import CannotEstimate, budget_breaches
from mlblueprints.diagnostics import Level
from mlblueprints.pricing import PriceOverrideError
from mlblueprints.rules.base import Finding, Rule

ALL_KINDS = frozenset({"TrainingCluster", "UltraCluster", "InferenceFleet"})
COST_DOCS = "docs/cost.md"


def _money(value: float) -> str:
    return f"${value:,.2f}"


class BudgetExceeded(Rule):
    id = "BP400"
    level = Level.ERROR
    summary = "The cost estimate stays within spec.budget (per hour and per 30 days, at desired or max)"
    source_url = "https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html"
    kinds = ALL_KINDS

    def check(self, blueprint, context):
        budget = blueprint.spec.budget
        if budget is None:
            return
        try:
            estimate = context.estimate(blueprint)
        except CannotEstimate:
            return  # the instance rules report why the hardware does not resolve
        except PriceOverrideError as error:
            yield Finding(("spec", "budget"), f"the budget cannot be checked: the price overrides cannot be read: {error}",
                          "fix the file that .mlbp.yaml names (docs/cost.md, Overrides)")
            return
        for breach in budget_breaches(estimate, budget):
            largest = breach.largest
            biggest = (f"; the largest item is {largest.description} at {_money(largest.hourly.at(breach.level).high)}/h"
                       if largest else "")
            yield Finding(
                ("spec", "budget", breach.field),
                f"estimated {_money(breach.figure)} {breach.per} at {breach.level} exceeds the budget of "
                f"{_money(breach.cap)}{biggest}",
                "lower the node counts or the instance size, or raise the budget; `mlbp cost` shows every line item",
            )


class BudgetPartlyPriced(Rule):
    id = "BP401"
    level = Level.WARNING
    summary = "A budget is checked against priced line items only; unpriced items are named"
    source_url = "https://aws.amazon.com/pricing/"
    kinds = ALL_KINDS

    def check(self, blueprint, context):
        if blueprint.spec.budget is None:
            return
        try:
            estimate = context.estimate(blueprint)
        except (CannotEstimate, PriceOverrideError):
            return  # BP400 or the instance rules report it
        if estimate.unpriced:
            keys = ", ".join(sorted({i.price_key for i in estimate.unpriced}))
            yield Finding(
                ("spec", "budget"),
                f"the budget is checked without {len(estimate.unpriced)} unpriced item(s): {keys}",
                f"supply those prices with a price override (--prices or `prices:` in .mlbp.yaml, {COST_DOCS}), "
                "or suppress BP401 with the reason",
            )


class AutoInstanceFits(Rule):
    id = "BP402"
    level = Level.ERROR
    summary = "instance: auto finds an instance type that meets every constraint of the workload"
    source_url = "https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html"

    def check(self, blueprint, context):
        if not blueprint.spec.instance.auto:
            return
        advice = context.advice(blueprint)
        if isinstance(advice, NothingFits):
            yield Finding(("spec", "instance"), f"no instance fits ({advice.constraint}): {advice.message}", advice.hint)


class AutoInstanceSetsNodes(Rule):
    id = "BP403"
    level = Level.ERROR
    summary = "With instance: auto the advisor chooses the node count; nodes are not set by hand"
    source_url = "https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-capacity-limits.html"

    def check(self, blueprint, context):
        spec = blueprint.spec
        if spec.instance.auto and spec.nodes is not None:
            yield Finding(
                ("spec", "nodes"),
                "`nodes` is chosen by the advisor with `instance: auto`",
                "remove `nodes` and cap the count with `workload.max_nodes`, or name the instance type",
            )
        elif not spec.instance.auto and spec.workload is not None:
            yield Finding(
                ("spec", "workload"),
                "`workload` is read only with `instance: auto`",
                "set `instance: auto`, or remove `workload`",
            )
