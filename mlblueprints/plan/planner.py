"""`mlbp plan`: what merging the working tree would do to the deployed stacks.

Steps: find the changed blueprints (changes.py), validate both sides, synthesize
both sides of the changed ones only (synth.py, cached), diff each stack resource
by resource (diff.py), then judge the result: the destroy guard, update hazards,
cost and budget (hooks.py), broadened permissions (iam.py) and findings on the new
templates (findings.py). Everything a reviewer must act on carries the blueprint
file and line that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mlblueprints.diagnostics import Diagnostic, Level, dotted
from mlblueprints.model import Blueprint
from mlblueprints.pipeline import GUARDED_CONTEXT, validate_documents
from mlblueprints.rules.cost import BudgetExceeded

from . import hooks
from .changes import Change, changed_blueprints, head_versions
from .diff import Action, ResourceChange, data_at_risk, diff_templates, is_stateful
from .findings import FINDING_SOURCES, Finding, Subject
from .iam import broadening
from .synth import TemplateCache, cdk_context, default_cache_dir, synthesize

EXIT_NO_CHANGE, EXIT_ERROR, EXIT_CHANGES, EXIT_GUARD = 0, 1, 2, 3

DESTROY_RULE = "BP510"
HAZARD_RULE = "BP511"
BUDGET_RULE = "BP512"
BROADENING_RULE = "BP513"
UNUSED_ALLOWANCE_RULE = "BP514"
#: The validation rule whose check the budget guard repeats (mlblueprints/rules/cost.py).
BUDGET_VALIDATION_RULE = BudgetExceeded.id
#: id -> (level, summary) of what the plan itself reports; SARIF lists them as rules.
PLAN_RULES = {
    DESTROY_RULE: ("error", "a stateful resource would be replaced or deleted (destroy guard)"),
    HAZARD_RULE: ("error", "a known update hazard"),
    BUDGET_RULE: ("error", "the change makes the blueprint cost more than its budget"),
    BROADENING_RULE: ("warning", "the change broadens IAM permissions or network access"),
    UNUSED_ALLOWANCE_RULE: ("warning", "a metadata.allow_replacement entry matches nothing in this change"),
}


@dataclass(frozen=True)
class Location:
    file: str
    line: int
    col: int = 1
    path: str = ""


@dataclass
class ResourceImpact:
    stack: str
    change: ResourceChange
    location: Location
    stateful: bool
    broadening: list[str] = field(default_factory=list)


@dataclass
class StackPlan:
    name: str
    #: create, delete or update
    action: str
    resources: list[ResourceImpact]


@dataclass
class Danger:
    """Something that trips the guard (exit 3) unless ``allowed`` says why it is fine."""

    rule_id: str
    blueprint: str
    message: str
    location: Location
    data_at_risk: str = ""
    how_to_proceed: str = ""
    allowed: str | None = None
    #: The logical id, for the destroy guard.
    resource: str = ""


@dataclass
class BlueprintPlan:
    name: str
    #: added, removed, modified, or renamed (a changed metadata.name: one plan per name)
    status: str
    base_file: str | None
    head_file: str | None
    stacks: list[StackPlan] = field(default_factory=list)
    dangers: list[Danger] = field(default_factory=list)
    cost_before: hooks.Cost | None = None
    cost_after: hooks.Cost | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def resources(self) -> list[ResourceImpact]:
        return [r for s in self.stacks for r in s.resources]

    @property
    def changed(self) -> bool:
        return bool(self.resources) or self.status in ("added", "removed")

    def count(self, *actions: Action) -> int:
        return sum(r.change.action in actions for r in self.resources)


@dataclass
class Plan:
    base: str
    blueprints: list[BlueprintPlan] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def changed(self) -> list[BlueprintPlan]:
        return [b for b in self.blueprints if b.changed]

    @property
    def guard_tripped(self) -> list[Danger]:
        return [d for b in self.blueprints for d in b.dangers if d.allowed is None]

    @property
    def findings(self) -> list[Finding]:
        return [f for b in self.blueprints for f in b.findings]

    @property
    def exit_code(self) -> int:
        if any(d.level is Level.ERROR for d in self.diagnostics):
            return EXIT_ERROR
        if self.guard_tripped:
            return EXIT_GUARD
        return EXIT_CHANGES if self.changed else EXIT_NO_CHANGE

    def count(self, *actions: Action) -> int:
        return sum(b.count(*actions) for b in self.blueprints)


@dataclass(frozen=True)
class Options:
    base: str
    paths: tuple[str, ...] = ("blueprints",)
    cache_dir: Path | None = None
    allow_destroy: tuple[str, ...] = ()
    project: Path = Path(".")


def make_plan(options: Options) -> Plan:
    plan = Plan(options.base)
    paths = list(options.paths)
    head = head_versions(paths)
    # A blueprint over its budget is the plan's guard (exit 3, BP512), not a validation error (exit 1).
    head_report = validate_documents([v.document for v in head], guarded={BUDGET_VALIDATION_RULE})
    plan.diagnostics.extend(d for d in head_report.diagnostics if d.code != BUDGET_VALIDATION_RULE)
    changes = changed_blueprints(options.base, paths, head)
    if any(d.level is Level.ERROR for d in plan.diagnostics) or not changes:
        return plan
    head_models = {b.metadata.name: b for b in head_report.blueprints}
    head_diagnostics = _by_file(head_report.diagnostics)
    base_models = _validate_base(changes, plan)
    if any(d.level is Level.ERROR for d in plan.diagnostics):
        return plan

    # Over-budget heads still synthesize (the app's `mlbp:guarded` key); the budget guard judges them.
    context = {**cdk_context(options.project), GUARDED_CONTEXT: [BUDGET_VALIDATION_RULE]}
    cache = TemplateCache(options.cache_dir or default_cache_dir(), context)
    base_stacks, head_stacks = synthesize(
        [{c.name: c.base.text for c in changes if c.base}, {c.name: c.head.text for c in changes if c.head}], cache
    )

    renames = _renames(changes)
    for change in changes:
        head = head_models.get(change.name) if change.head else None
        base = base_models.get(change.name) if change.base else None
        blueprint_plan = _plan_one(
            change, base, head, base_stacks.get(change.name, []), head_stacks.get(change.name, []),
            renamed=renames.get(change.name), head_models=head_models, options=options,
        )
        if head is not None and blueprint_plan.changed:
            subject = Subject(head, tuple(head_diagnostics.get(head.file, ())), tuple(head_stacks.get(change.name, [])))
            for source in FINDING_SOURCES:
                blueprint_plan.findings.extend(source(subject))
        plan.blueprints.append(blueprint_plan)
    _unused_allowances(plan, [head_models[c.name] for c in changes if c.head and c.name in head_models])
    return plan


def _unused_allowances(plan: Plan, heads: list[Blueprint]) -> None:
    """An allow_replacement entry of a changed blueprint that allowed nothing is a warning (a typo hides a danger)."""
    used = {d.resource for d in (d for b in plan.blueprints for d in b.dangers) if d.allowed}
    for head in heads:
        target = next(b for b in plan.blueprints if b.name == head.metadata.name)
        for index, allowed in enumerate(head.metadata.allow_replacement):
            if allowed.resource in used:
                continue
            path = ("metadata", "allow_replacement", index, "resource")
            line, col = head.source_map.value_position(path)
            target.findings.append(
                Finding("mlbp", UNUSED_ALLOWANCE_RULE, "warning",
                        f"{allowed.resource} is allowed to be replaced, but this change neither replaces nor deletes it",
                        head.file, line, col, dotted(path),
                        "remove the entry, or correct it to the logical id the plan names")
            )


def _validate_base(changes: list[Change], plan: Plan) -> dict[str, Blueprint]:
    """Models of the base versions; one that no longer validates cannot be compared (exit 1)."""
    report = validate_documents([c.base.document for c in changes if c.base])
    for diagnostic in report.diagnostics:
        if diagnostic.level is Level.ERROR:
            plan.diagnostics.append(
                Diagnostic(
                    diagnostic.file, diagnostic.line, diagnostic.col, diagnostic.code, Level.ERROR,
                    f"base version ({plan.base}): {diagnostic.message}",
                    "this mlbp cannot synthesize the base version to compare with; plan against a newer base, "
                    "or review this change by hand",
                    diagnostic.path,
                )
            )
    return {b.metadata.name: b for b in report.blueprints}


def _renames(changes: list[Change]) -> dict[str, str]:
    """Names whose file stayed but whose metadata.name changed: old name <-> new name."""
    removed = {c.base.path: c.name for c in changes if c.head is None}
    added = {c.head.path: c.name for c in changes if c.base is None}
    pairs = {}
    for path, old in removed.items():
        if path in added:
            pairs[old] = added[path]
            pairs[added[path]] = old
    return pairs


def _plan_one(change, base, head, base_stacks, head_stacks, *, renamed, head_models, options) -> BlueprintPlan:
    status = change.status if renamed is None else "renamed"
    result = BlueprintPlan(change.name, status, change.base.path if change.base else None,
                           change.head.path if change.head else None)
    # A renamed blueprint's allowances and location live in the new file.
    allowing = head or (head_models.get(renamed) if renamed else None)
    changed_fields = _changed_fields(change)
    base_by_name = {s.stack_name: s for s in base_stacks}
    head_by_name = {s.stack_name: s for s in head_stacks}
    for stack_name in sorted(base_by_name.keys() | head_by_name.keys()):
        old, new = base_by_name.get(stack_name), head_by_name.get(stack_name)
        region = (head or base).spec.region
        diffs = diff_templates(old.template if old else None, new.template if new else None, region)
        if not diffs:
            continue
        action = "create" if old is None else "delete" if new is None else "update"
        impacts = []
        for resource_change in diffs:
            location = _locate(resource_change, base, head, allowing, changed_fields)
            impacts.append(
                ResourceImpact(
                    stack_name, resource_change, location,
                    # What exists today decides whether data is at stake.
                    stateful=is_stateful(resource_change.old or resource_change.new or {}),
                    broadening=broadening(resource_change.type, resource_change.old, resource_change.new),
                )
            )
        result.stacks.append(StackPlan(stack_name, action, impacts))
    _guard(result, change, allowing, options)
    if base is not None and head is not None:
        _hazards(result, base, head)
    _cost(result, base, head)
    result.findings.extend(_broadening_findings(result))
    return result


def _changed_fields(change: Change) -> list[tuple]:
    """JSON paths of the blueprint fields that differ between base and head."""
    if change.base is None or change.head is None:
        return []
    return list(_paths_that_differ(change.base.document.data, change.head.document.data, ()))


def _paths_that_differ(old, new, path: tuple):
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            yield from _paths_that_differ(old.get(key), new.get(key), path + (key,))
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new)):
            yield from _paths_that_differ(a, b, path + (index,))
    else:
        yield path


def _locate(resource_change, base, head, allowing, changed_fields) -> Location:
    """The blueprint line behind a resource change.

    A stack that goes away points at ``metadata.name`` (of the new file after a rename, else of
    the removed one). Otherwise: the changed field at or under the resource's source field; for a
    replacement caused elsewhere (a referenced resource), the first changed field; else the source.
    """
    if head is None:
        blueprint = allowing or base
        path: tuple = ("metadata", "name")
        line, col = blueprint.source_map.value_position(path)
        return Location(blueprint.file, line, col, dotted(path))
    resource = resource_change.new or resource_change.old or {}
    source = tuple((resource.get("Metadata") or {}).get("mlbp:source") or ("metadata", "name"))
    related = [p for p in changed_fields if p[: len(source)] == source or source[: len(p)] == p]
    if resource_change.action is Action.ADD or not changed_fields:
        path = source
    elif related:
        path = related[0]
    elif resource_change.action in (Action.REPLACE, Action.MAY_REPLACE):
        path = changed_fields[0]
    else:
        path = source
    line, col = head.source_map.value_position(path)
    return Location(head.file, line, col, dotted(path))


def _guard(result: BlueprintPlan, change: Change, allowing: Blueprint | None, options: Options) -> None:
    allowed = {a.resource: a.reason for a in allowing.metadata.allow_replacement} if allowing else {}
    for impact in result.resources:
        rc = impact.change
        if not impact.stateful or rc.action not in (Action.REMOVE, Action.REPLACE):
            continue
        resource = rc.old or rc.new or {}
        retained = resource.get("DeletionPolicy" if rc.action is Action.REMOVE else "UpdateReplacePolicy") in (
            "Retain", "RetainExceptOnCreate", "Snapshot")
        verb = "deleted" if rc.action is Action.REMOVE else "replaced"
        what = f"{impact.stack}/{rc.logical_id} ({rc.type}) would be {verb}"
        if rc.reasons:
            what += f": {'; '.join(rc.reasons)}"
        risk = data_at_risk(resource)
        if retained:
            risk += (" (the policy is Retain: CloudFormation keeps the old resource, orphaned and no longer "
                     "managed, and " + ("nothing replaces it" if verb == "deleted" else "the new one starts empty") + ")")
        reason = allowed.get(rc.logical_id)
        if reason is None and result.status == "removed" and change.name in options.allow_destroy:
            reason = "--allow-destroy"
        result.dangers.append(
            Danger(
                DESTROY_RULE, result.name, what, impact.location, risk,
                _how_to_proceed(result, rc), allowed=reason, resource=rc.logical_id,
            )
        )


def _how_to_proceed(result: BlueprintPlan, rc: ResourceChange) -> str:
    if result.status == "removed":
        return (f"back up the data, then run the plan with `--allow-destroy {result.name}` (in CI: the PR label "
                "that passes it); retained resources stay in the account until you delete them by hand")
    return (f"revert the line, or back up the data and add `metadata.allow_replacement: [{{resource: {rc.logical_id}, "
            "reason: ...}]` to the blueprint for this change only")


def _hazards(result: BlueprintPlan, base: Blueprint, head: Blueprint) -> None:
    """Errors trip the guard; warnings are findings on the line."""
    for hazard in hooks.update_hazards(base, head):
        path = hazard.path or ("metadata", "name")
        line, col = head.source_map.value_position(path)
        hint = hazard.hint or "deploy this change in a maintenance window, or split it"
        if hazard.level == "warning":
            result.findings.append(Finding("mlbp", HAZARD_RULE, "warning", hazard.message, head.file, line, col,
                                           dotted(path), hint))
            continue
        result.dangers.append(
            Danger(HAZARD_RULE, result.name, hazard.message, Location(head.file, line, col, dotted(path)),
                   how_to_proceed=hint)
        )


def _cost(result: BlueprintPlan, base: Blueprint | None, head: Blueprint | None) -> None:
    result.cost_before = hooks.hourly_cost(base) if base is not None else None
    result.cost_after = hooks.hourly_cost(head) if head is not None else None
    after = result.cost_after
    over = after.over_budget if after is not None else ()
    if over:
        path = ("spec", "budget")
        line, col = head.source_map.value_position(path)
        result.dangers.append(
            Danger(BUDGET_RULE, result.name, f"{result.name} would cost " + " and ".join(over) + f" ({after.basis})",
                   Location(head.file, line, col, dotted(path)),
                   how_to_proceed="lower the node or instance count, pick a cheaper type, or raise spec.budget")
        )


def _broadening_findings(result: BlueprintPlan) -> list[Finding]:
    found = []
    updated = {s.name for s in result.stacks if s.action == "update"}  # a new stack is reviewed as a whole
    for impact in result.resources:
        if impact.stack not in updated:
            continue
        for grant in impact.broadening[:5]:
            loc = impact.location
            found.append(Finding("mlbp", BROADENING_RULE, "warning",
                                 f"{impact.stack}/{impact.change.logical_id} {grant}", loc.file, loc.line, loc.col,
                                 loc.path, "check that the new permission is needed and as narrow as it can be",
                                 impact.change.logical_id))
    return found


def _by_file(diagnostics: list[Diagnostic]) -> dict[str, list[Diagnostic]]:
    grouped: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        grouped.setdefault(diagnostic.file, []).append(diagnostic)
    return grouped
