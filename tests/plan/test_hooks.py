"""The plan's seams: the interim cost, the budget reader and the hazard providers (no synthesis)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from mlblueprints.pipeline import validate_paths
from mlblueprints.plan import hooks, planner

EXAMPLES = Path(__file__).resolve().parents[2] / "blueprints"


@pytest.fixture(scope="module")
def examples():
    return {b.metadata.name: b for b in validate_paths([EXAMPLES]).blueprints}


def test_cost_is_the_cost_models_desired_figure(examples):
    from mlblueprints import cost, pricing

    blueprint = examples["llm-pretrain-p4d"]
    estimate = cost.estimate(blueprint, pricing.load_prices())
    found = hooks.hourly_cost(blueprint)
    assert found.usd_per_hour == pytest.approx(estimate.hourly.desired.high)
    assert found.usd_per_30_days == pytest.approx(found.usd_per_hour * 720)
    # NAT gateway hours have no offline price: named in the basis, not counted as $0.
    assert "unpriced" in found.basis and all(item.price_key in found.basis for item in estimate.unpriced)


def test_an_unpriced_fleet_is_unknown_not_zero(examples):
    found = hooks.hourly_cost(examples["chat-ab"])  # ml.* hosting has no offline price
    assert found.usd_per_hour is None and found.basis.startswith("unpriced: ")


def test_no_budget_field_means_no_breach(examples):
    assert hooks.hourly_cost(examples["finetune-g5"]).over_budget == ()


@dataclass
class Found:
    message: str
    path: tuple = ()
    hint: str = ""


@dataclass
class LifecycleStyle:
    """The shape mlblueprints.hazards yields: a severity and the steps of a safe procedure."""

    severity: str
    path: tuple
    message: str
    procedure: tuple = ()


def test_hazards_from_every_provider_become_guard_items(examples, monkeypatch):
    blueprint = examples["finetune-g5"]
    monkeypatch.setattr(hooks, "HAZARD_PROVIDERS", [
        lambda old, new: [Found("the group is recreated while jobs run", ("spec", "nodes", "max"), "drain first")],
        lambda old, new: ["a provider may yield plain strings"],
    ])
    result = planner.BlueprintPlan("finetune-g5", "modified", blueprint.file, blueprint.file)
    planner._hazards(result, blueprint, blueprint)
    first, second = result.dangers
    assert (first.rule_id, first.message, first.location.path, first.how_to_proceed) == (
        "BP511", "the group is recreated while jobs run", "spec.nodes.max", "drain first")
    assert first.location.line == 15 and first.allowed is None
    assert second.message == "a provider may yield plain strings" and second.location.path == "metadata.name"


def test_warning_hazards_are_findings_and_procedures_become_the_hint(examples, monkeypatch):
    blueprint = examples["finetune-g5"]
    monkeypatch.setattr(hooks, "HAZARD_PROVIDERS", [lambda old, new: [
        LifecycleStyle("warning", ("spec", "storage"), "the file system is replaced", ("back it up", "deploy")),
        LifecycleStyle("error", ("spec", "nodes"), "the update is refused", ("scale in", "deploy", "scale out")),
    ]])
    result = planner.BlueprintPlan("finetune-g5", "modified", blueprint.file, blueprint.file)
    planner._hazards(result, blueprint, blueprint)
    (finding,) = result.findings
    (danger,) = result.dangers
    assert (finding.rule_id, finding.level, finding.hint) == ("BP511", "warning", "back it up; then deploy")
    assert (danger.message, danger.how_to_proceed) == ("the update is refused", "scale in; then deploy; then scale out")
