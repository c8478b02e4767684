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


@pytest.mark.parametrize(
    "name, usd_per_hour",
    [
        pytest.param("finetune-g5", 1.212, id="one-g5-node"),
        pytest.param("llm-pretrain-p4d", 2 * 21.957642, id="two-p4d-nodes"),
        pytest.param("embeddings", 0.0, id="serverless-is-not-per-hour"),
    ],
)
def test_interim_cost_is_catalog_price_times_initial_count(examples, name, usd_per_hour):
    cost = hooks.hourly_cost(examples[name])
    assert cost.usd_per_hour == pytest.approx(usd_per_hour)
    assert cost.basis == hooks.CATALOG_BASIS
    assert cost.usd_per_30_days == pytest.approx(usd_per_hour * 720)


def test_an_unpriced_instance_type_is_unknown_not_zero(examples):
    assert hooks.hourly_cost(examples["chat-ab"]).usd_per_hour is None  # ml.g5 has no catalog price


def test_no_budget_field_means_no_budget(examples):
    assert hooks.budget_of(examples["finetune-g5"]) is None


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
