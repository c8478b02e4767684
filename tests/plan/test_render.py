"""The PR comment's size limit and empty case, on a plan built by hand (no synthesis)."""

from __future__ import annotations

from mlblueprints.plan import render
from mlblueprints.plan.diff import Action, ResourceChange
from mlblueprints.plan.hooks import Cost
from mlblueprints.plan.planner import BlueprintPlan, Danger, Location, Plan, ResourceImpact, StackPlan


def blueprint(name: str, resources: int, dangerous: bool = False) -> BlueprintPlan:
    impacts = [
        ResourceImpact(f"mlbp-{name}", ResourceChange(f"Resource{i:04d}", "AWS::SNS::Topic", Action.MODIFY),
                       Location(f"blueprints/{name}.yaml", 10), stateful=False)
        for i in range(resources)
    ]
    plan = BlueprintPlan(name, "modified", f"blueprints/{name}.yaml", f"blueprints/{name}.yaml",
                         [StackPlan(f"mlbp-{name}", "update", impacts)],
                         cost_before=Cost(1.0, "catalog"), cost_after=Cost(2.0, "catalog"))
    if dangerous:
        plan.dangers.append(Danger("BP510", name, "bucket replaced", Location(f"blueprints/{name}.yaml", 3),
                                   "the objects", "revert it"))
    return plan


def test_nothing_changed_is_an_empty_comment():
    assert render.format_markdown(Plan("main")) == ""


def test_long_plans_are_cut_to_whole_sections_with_a_note():
    plan = Plan("main", [blueprint(f"bp{i:02d}", 200) for i in range(40)] + [blueprint("zz-danger", 3, True)])
    text = render.format_markdown(plan)
    assert len(text) <= render.COMMENT_LIMIT
    assert "left out to stay under GitHub's 65,535-character comment limit" in text
    assert text.count("<details") == text.count("</details>")  # no section cut in half
    assert text.index("zz-danger</b>") < text.index("bp00</b>")  # the dangerous blueprint is kept, first
    assert "+$41.00/h" in text.split("\n")[3]  # the headline still has the total delta


def test_a_summary_too_long_for_a_comment_is_cut_too():
    plan = Plan("main", [blueprint(f"bp{i:04d}", 1, True) for i in range(600)])
    text = render.format_markdown(plan, limit=20_000)
    assert len(text) <= 20_000 and "left out" in text
