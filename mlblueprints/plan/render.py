"""A plan as text (terminals), Markdown (one sticky PR comment) and JSON (machines).

Dangerous items come first everywhere. The Markdown comment is empty when nothing
changed, so CI can skip posting, and stays under GitHub's comment limit by
leaving out whole blueprint sections, with a note saying so.
"""

from __future__ import annotations

import json

from mlblueprints.cost import HOURS_30_DAYS

from .diff import Action
from .planner import BlueprintPlan, Danger, Plan, ResourceImpact

#: GitHub refuses comments longer than this (characters).
COMMENT_LIMIT = 65_535
#: Hidden first line of the comment; CI finds and updates the comment carrying it.
COMMENT_MARKER = "<!-- mlbp-plan -->"

#: Most dangerous first.
ORDER = [Action.REPLACE, Action.REMOVE, Action.MAY_REPLACE, Action.MODIFY, Action.ADD]
IMPACT = {
    Action.ADD: "WILL_CREATE",
    Action.REMOVE: "WILL_DESTROY",
    Action.MODIFY: "WILL_UPDATE",
    Action.MAY_REPLACE: "MAY_REPLACE",
    Action.REPLACE: "WILL_REPLACE",
}
SYMBOL = {Action.ADD: "+", Action.REMOVE: "-", Action.MODIFY: "~", Action.MAY_REPLACE: "±?", Action.REPLACE: "±"}

def headline(plan: Plan) -> str:
    parts = [
        f"{plan.count(Action.ADD)} to add",
        f"{plan.count(Action.MODIFY)} to change",
        f"{plan.count(Action.REPLACE)} to replace",
    ]
    if plan.count(Action.MAY_REPLACE):
        parts.append(f"{plan.count(Action.MAY_REPLACE)} may be replaced")
    parts.append(f"{plan.count(Action.REMOVE)} to delete")
    return ", ".join(parts) + f"; cost {_cost_delta(*totals(plan))}"

def totals(plan: Plan) -> tuple[float | None, float | None]:
    """Total $/h before and after over the changed blueprints (None if any price is unknown)."""
    before = after = 0.0
    for blueprint in plan.changed:
        before = _sum(before, blueprint.cost_before, blueprint.base_file)
        after = _sum(after, blueprint.cost_after, blueprint.head_file)
    return before, after

def _sum(total, cost, present) -> float | None:
    if total is None:
        return None
    if not present:
        return total
    if cost is None or cost.usd_per_hour is None:
        return None
    return total + cost.usd_per_hour

def _money(value: float | None, per: str = "h") -> str:
    if value is None:
        return "unknown"
    return f"${value:,.2f}/{per}" if per == "h" else f"${value:,.0f}/{per}"

def _cost_delta(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return "delta unknown (no price for some instance types)"
    delta = after - before
    sign = "+" if delta >= 0 else "-"
    return (f"{sign}${abs(delta):,.2f}/h ({sign}${abs(delta) * HOURS_30_DAYS:,.0f}/30 days), "
            f"{_money(before)} -> {_money(after)}")

def _blueprint_cost(blueprint: BlueprintPlan) -> str:
    before = blueprint.cost_before.usd_per_hour if blueprint.cost_before else (None if blueprint.base_file else 0.0)
    after = blueprint.cost_after.usd_per_hour if blueprint.cost_after else (None if blueprint.head_file else 0.0)
    return _cost_delta(before, after)

def _sorted(resources: list[ResourceImpact]) -> list[ResourceImpact]:
    return sorted(resources, key=lambda r: (ORDER.index(r.change.action), not r.stateful, r.stack, r.change.logical_id))

def _where(location) -> str:
    return f"{location.file}:{location.line}"

# -- text -------------------------------------------------------------------------------------------

def format_text(plan: Plan) -> str:
    lines = [d.format_text() for d in plan.diagnostics]
    if plan.exit_code == 1:
        lines.append(f"Not planned against {plan.base}: fix the errors above.")
        return "\n".join(lines)
    if not plan.changed:
        lines.append(f"No changes against {plan.base}.")
        return "\n".join(lines)
    lines.append(f"Plan against {plan.base}: {headline(plan)}")
    for danger in plan.guard_tripped:
        lines += _text_danger(danger, "GUARD")
    for danger in (d for b in plan.blueprints for d in b.dangers if d.allowed):
        lines += _text_danger(danger, "ALLOWED")
    for blueprint in plan.changed:
        lines.append("")
        lines.append(f"{blueprint.name} ({blueprint.status}): cost {_blueprint_cost(blueprint)}")
        for stack in blueprint.stacks:
            lines.append(f"  stack {stack.name} ({stack.action})")
            for impact in _sorted(stack.resources):
                rc = impact.change
                flag = " [stateful]" if impact.stateful else ""
                lines.append(f"    {SYMBOL[rc.action]:>2} {rc.action.value:<11} {rc.logical_id} ({rc.type}){flag}"
                             f"  <- {_where(impact.location)} {impact.location.path}")
                for reason in rc.reasons:
                    lines.append(f"         because {reason}")
        for finding in blueprint.findings:
            lines.append(f"  {finding.file}:{finding.line}:{finding.col}: {finding.level}[{finding.rule_id}] "
                         f"({finding.tool}) {finding.message}")
    return "\n".join(lines)

def _text_danger(danger: Danger, label: str) -> list[str]:
    loc = danger.location
    lines = [f"{loc.file}:{loc.line}:{loc.col}: {label}[{danger.rule_id}]: {danger.message}"]
    if danger.data_at_risk:
        lines.append(f"  data at risk: {danger.data_at_risk}")
    if danger.allowed:
        lines.append(f"  allowed: {danger.allowed}")
    elif danger.how_to_proceed:
        lines.append(f"  how to proceed: {danger.how_to_proceed}")
    return lines

# -- markdown ---------------------------------------------------------------------------------------

def format_markdown(plan: Plan, limit: int = COMMENT_LIMIT) -> str:
    """One PR comment; empty when nothing changed and nothing failed."""
    if not plan.changed and not plan.diagnostics:
        return ""
    head = [COMMENT_MARKER, f"### mlbp plan against `{_cell(plan.base)}`", "", f"**{headline(plan)}**", ""]
    if plan.diagnostics:
        head += ["> [!WARNING]", "> The plan stopped on errors:", ">", "> ```"]
        head += [f"> {line}" for d in plan.diagnostics for line in d.format_text().splitlines()]
        head += ["> ```", ""]
    tripped = plan.guard_tripped
    if tripped:
        head += ["> [!CAUTION]", f"> **{len(tripped)} change(s) would destroy data or break the rules:** "
                 "this plan fails (exit 3) until each is reverted or allowed.", ""]
        head += _danger_table(tripped, allowed=False)
    allowed = [d for b in plan.blueprints for d in b.dangers if d.allowed]
    if allowed:
        head += ["**Allowed explicitly:**", ""] + _danger_table(allowed, allowed=True)
    head += _cost_table(plan)
    sections = [_details(b) for b in sorted(plan.changed, key=lambda b: (not b.dangers, b.name))]
    body = "\n".join(head)
    if len(body) + len(_truncation_note(len(sections))) > limit:  # even the summary is too long: cut it
        note = _truncation_note(len(sections))
        return body[: limit - len(note) - 1].rsplit("\n", 1)[0] + "\n" + note
    kept = []
    for index, section in enumerate(sections):
        note = _truncation_note(len(sections) - index)
        if len(body) + sum(len(s) + 1 for s in kept) + len(section) + 1 + len(note) + 1 > limit:
            return "\n".join([body, *kept, note])
        kept.append(section)
    return "\n".join([body, *kept])

def _truncation_note(left_out: int) -> str:
    return (f"\n_{left_out} blueprint section(s) left out to stay under GitHub's {COMMENT_LIMIT:,}-character "
            "comment limit; run `mlbp plan` locally or read the job log for all of it._")

def _danger_table(dangers: list[Danger], *, allowed: bool) -> list[str]:
    last = "Why allowed" if allowed else "How to proceed"
    rows = ["| Blueprint line | What | Data at risk | " + last + " |", "| --- | --- | --- | --- |"]
    for danger in dangers:
        rows.append(
            f"| `{_cell(_where(danger.location))}` `{_cell(danger.location.path)}` | **{danger.rule_id}** "
            f"{_cell(danger.message)} | {_cell(danger.data_at_risk or '-')} | "
            f"{_cell(danger.allowed if allowed else danger.how_to_proceed)} |"
        )
    return rows + [""]

def _cost_table(plan: Plan) -> list[str]:
    rows = ["| Blueprint | Before | After | Delta | Delta per 30 days |", "| --- | ---: | ---: | ---: | ---: |"]
    basis = set()
    for blueprint in plan.changed:
        before = blueprint.cost_before.usd_per_hour if blueprint.cost_before else (None if blueprint.base_file else 0.0)
        after = blueprint.cost_after.usd_per_hour if blueprint.cost_after else (None if blueprint.head_file else 0.0)
        for cost in (blueprint.cost_before, blueprint.cost_after):
            if cost is not None:
                basis.add(cost.basis)
        delta = None if before is None or after is None else after - before
        rows.append(f"| {_cell(blueprint.name)} | {_money(before)} | {_money(after)} | {_signed(delta, 'h')} | "
                    f"{_signed(None if delta is None else delta * HOURS_30_DAYS, '30 days')} |")
    return rows + ["", f"<sub>Cost: {'; '.join(sorted(basis)) or 'none'}; 30 days = {HOURS_30_DAYS} h.</sub>", ""]

def _signed(value: float | None, per: str) -> str:
    if value is None:
        return "unknown"
    sign = "+" if value >= 0 else "-"
    return f"{sign}{_money(abs(value), per)}"

def _details(blueprint: BlueprintPlan) -> str:
    counts = ", ".join(f"{blueprint.count(a)} {a.value}" for a in ORDER if blueprint.count(a))
    lines = [f"<details{' open' if blueprint.dangers else ''}><summary><b>{_cell(blueprint.name)}</b> "
             f"({blueprint.status}): {counts or 'no resource changes'}</summary>", ""]
    lines += ["| | Resource | Type | Blueprint line | Why |", "| --- | --- | --- | --- | --- |"]
    whole = {s.name for s in blueprint.stacks if s.action in ("create", "delete")}
    grouped: dict[tuple[Action, str], int] = {}
    for impact in _sorted(blueprint.resources):
        rc = impact.change
        if impact.stack in whole and not impact.stateful:  # a whole new or deleted stack: count, don't list
            grouped[(rc.action, rc.type)] = grouped.get((rc.action, rc.type), 0) + 1
            continue
        why = "; ".join(rc.reasons) or ", ".join(p.removeprefix("/properties/") for p in rc.properties[:4])
        stateful = " (stateful)" if impact.stateful else ""
        lines.append(f"| {SYMBOL[rc.action]} {rc.action.value}{stateful} | `{rc.logical_id}` | {rc.type} | "
                     f"`{_cell(_where(impact.location))}` | {_cell(why)} |")
    for (action, resource_type), count in sorted(grouped.items(), key=lambda kv: (ORDER.index(kv[0][0]), kv[0][1])):
        lines.append(f"| {SYMBOL[action]} {action.value} | {count} resource(s) | {resource_type} | | |")
    if blueprint.findings:
        lines += ["", "**Findings**", ""]
        for finding in sorted(blueprint.findings, key=lambda f: (f.level != "error", f.line)):
            lines.append(f"- `{_cell(finding.file)}:{finding.line}` {finding.level} **{finding.rule_id}** "
                         f"({finding.tool}): {_cell(finding.message)}")
    lines += ["", "</details>"]
    return "\n".join(lines)

def _cell(text: str) -> str:
    """Safe inside a table cell or inline code: no pipes, no newlines, no HTML."""
    return str(text).replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")

# -- json -------------------------------------------------------------------------------------------

def format_json(plan: Plan) -> str:
    before, after = totals(plan)
    data = {
        "version": 1,
        "base": plan.base,
        "exitCode": plan.exit_code,
        "summary": {a.value: plan.count(a) for a in ORDER},
        "guardTripped": bool(plan.guard_tripped),
        **_cost_json(before, after, total=True),
        "dangers": [_danger_json(d) for b in plan.blueprints for d in b.dangers],
        "blueprints": [_blueprint_json(b) for b in plan.changed],
        "diagnostics": [d.as_dict() for d in plan.diagnostics],
    }
    return json.dumps(data, indent=2)

def _cost_json(before: float | None, after: float | None, total: bool = False) -> dict:
    """Infracost's past/current/diff shape; "monthly" is 30 days of running at the initial size."""
    delta = None if before is None or after is None else after - before
    word = "Total" if total else ""
    current = "total" if total else ""

    def per30(value):
        return None if value is None else round(value * HOURS_30_DAYS, 2)

    return {
        f"past{word}HourlyCost": _round(before),
        (f"{current}HourlyCost" if total else "hourlyCost"): _round(after),
        f"diff{word}HourlyCost": _round(delta),
        f"past{word}MonthlyCost": per30(before),
        (f"{current}MonthlyCost" if total else "monthlyCost"): per30(after),
        f"diff{word}MonthlyCost": per30(delta),
    }

def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)

def _danger_json(danger: Danger) -> dict:
    return {
        "rule": danger.rule_id,
        "blueprint": danger.blueprint,
        "resource": danger.resource,
        "message": danger.message,
        "file": danger.location.file,
        "line": danger.location.line,
        "path": danger.location.path,
        "dataAtRisk": danger.data_at_risk,
        "howToProceed": danger.how_to_proceed,
        "allowed": danger.allowed,
    }

def _blueprint_json(blueprint: BlueprintPlan) -> dict:
    before = blueprint.cost_before.usd_per_hour if blueprint.cost_before else (None if blueprint.base_file else 0.0)
    after = blueprint.cost_after.usd_per_hour if blueprint.cost_after else (None if blueprint.head_file else 0.0)
    basis = (blueprint.cost_after or blueprint.cost_before)
    return {
        "name": blueprint.name,
        "status": blueprint.status,
        "baseFile": blueprint.base_file,
        "headFile": blueprint.head_file,
        "cost": {"basis": basis.basis if basis else None, **_cost_json(before, after)},
        "stacks": [
            {
                "stackName": stack.name,
                "action": stack.action,
                "resources": [
                    {
                        "logicalId": r.change.logical_id,
                        "type": r.change.type,
                        "changeImpact": IMPACT[r.change.action],
                        "stateful": r.stateful,
                        "properties": r.change.properties,
                        "reasons": r.change.reasons,
                        "file": r.location.file,
                        "line": r.location.line,
                        "path": r.location.path,
                        "permissionsBroadened": bool(r.broadening),
                        "iamChanges": r.broadening,
                    }
                    for r in _sorted(stack.resources)
                ],
            }
            for stack in blueprint.stacks
        ],
        "findings": [vars(f) for f in blueprint.findings],
    }

# -- sarif ------------------------------------------------------------------------------------------

def sarif_results(plan: Plan) -> list:
    """The guard's items (errors; notes once allowed), validation diagnostics and findings, as SARIF results."""
    from mlblueprints import sarif
    from mlblueprints.rules import ALL_RULES

    from .planner import PLAN_RULES

    results = sarif.from_diagnostics(plan.diagnostics, ALL_RULES)
    for blueprint in plan.blueprints:
        for danger in blueprint.dangers:
            message = danger.message + (f". Data at risk: {danger.data_at_risk}" if danger.data_at_risk else "")
            message += f". Allowed: {danger.allowed}" if danger.allowed else f". How to proceed: {danger.how_to_proceed}"
            results.append(
                sarif.Result("mlbp", danger.rule_id, "note" if danger.allowed else "error", message,
                             danger.location.file, danger.location.line, danger.location.col,
                             f"{blueprint.name}/{danger.resource or danger.location.path}",
                             PLAN_RULES[danger.rule_id][1])
            )
        for finding in blueprint.findings:
            summary = PLAN_RULES.get(finding.rule_id, ("", ""))[1] or getattr(ALL_RULES.get(finding.rule_id), "summary", "")
            message = finding.message + (f" Hint: {finding.hint}" if finding.hint else "")
            results.append(
                sarif.Result(finding.tool, finding.rule_id, finding.level, message, finding.file, finding.line,
                             finding.col, finding.resource or finding.path, summary)
            )
    return results

def format_sarif(plan: Plan) -> str:
    from mlblueprints import sarif

    return sarif.format_sarif(sarif_results(plan))
