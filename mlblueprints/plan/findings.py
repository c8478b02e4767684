"""Findings on the head templates, each placed on the blueprint line that produced it.

A finding source is a function of one changed blueprint (:class:`Subject`) that
returns :class:`Finding` objects. :data:`FINDING_SOURCES` lists them; a new
checker (a review pack, another linter) is one more function in that list.
Template findings name a logical id; the resource's ``mlbp:source`` metadata
(stacks/sources.py) names the blueprint field, and the loader's source map the line.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from mlblueprints.diagnostics import Diagnostic, dotted
from mlblueprints.model import Blueprint
from mlblueprints.review import RULES_DIR

from .synth import StackTemplate

SOURCE_KEY = "mlbp:source"

#: cfn-lint rules that fire on every CDK template by design, with why they are not shown.
IGNORED_CFN_LINT = {
    "W3010": "CDK writes literal availability zones on purpose (the stacks choose them)",
    "W3005": "CDK adds explicit DependsOn entries that repeat a Ref; harmless",
}


@dataclass(frozen=True)
class Finding:
    """One finding on a blueprint: ``tool`` is mlbp, cfn-lint, cdk-nag or a review pack's name."""

    tool: str
    rule_id: str
    level: str  # error, warning or note
    message: str
    file: str
    line: int
    col: int = 1
    path: str = ""
    hint: str = ""
    resource: str = ""

    @classmethod
    def from_diagnostic(cls, diagnostic: Diagnostic, tool: str = "mlbp") -> "Finding":
        return cls(
            tool, diagnostic.code, diagnostic.level.value, diagnostic.message, diagnostic.file,
            diagnostic.line, diagnostic.col, diagnostic.path, diagnostic.hint,
        )


@dataclass(frozen=True)
class Subject:
    """A changed blueprint on the head side: its model, its rule diagnostics and its stacks."""

    blueprint: Blueprint
    diagnostics: tuple[Diagnostic, ...]
    stacks: tuple[StackTemplate, ...]

    def locate(self, stack: StackTemplate, logical_id: str) -> tuple[int, int, str]:
        """(line, col, dotted path) of the blueprint field behind ``logical_id``."""
        resource = stack.template.get("Resources", {}).get(logical_id, {})
        path = tuple((resource.get("Metadata") or {}).get(SOURCE_KEY) or ("metadata", "name"))
        line, col = self.blueprint.source_map.value_position(path)
        return line, col, dotted(path)


FindingSource = Callable[[Subject], Iterable[Finding]]


def rule_findings(subject: Subject) -> list[Finding]:
    """Our own rules' diagnostics (already on the blueprint)."""
    return [Finding.from_diagnostic(d) for d in subject.diagnostics]


def nag_findings(subject: Subject) -> list[Finding]:
    """Unsuppressed cdk-nag findings, which name construct paths: moved onto the blueprint."""
    found = []
    for stack in subject.stacks:
        for nag in stack.nag:
            line, col, path = subject.locate(stack, nag.logical_id)
            level = "error" if nag.level == "error" else "warning"
            found.append(
                Finding("cdk-nag", nag.rule, level, f"{nag.info} ({stack.stack_name}/{nag.logical_id})",
                        subject.blueprint.file, line, col, path, resource=nag.logical_id)
            )
    return found


#: Folders of extra cfn-lint rules (the review pack, docs/review.md); appended to cfn-lint's own rules.
CFN_LINT_RULE_DIRS: list[Path] = [RULES_DIR]


@functools.cache
def _extra_rule_ids() -> frozenset[str]:
    """Ids of the rules in CFN_LINT_RULE_DIRS, so their findings are shown as the review pack's."""
    from cfnlint.rules import RulesCollection

    collection = RulesCollection()
    for folder in CFN_LINT_RULE_DIRS:
        collection.create_from_directory(str(folder))
    return frozenset(collection.rules)


def cfn_lint_findings(subject: Subject) -> list[Finding]:
    """cfn-lint (with the review pack's rules, if installed) on each head template."""
    from cfnlint.api import ManualArgs, lint  # imported late: loading cfn-lint takes a second

    config = ManualArgs(append_rules=[str(p) for p in CFN_LINT_RULE_DIRS]) if CFN_LINT_RULE_DIRS else None
    found = []
    for stack in subject.stacks:
        for match in lint(json.dumps(stack.template), regions=[subject.blueprint.spec.region], config=config):
            rule_id = match.rule.id
            if rule_id in IGNORED_CFN_LINT or rule_id.startswith("I"):
                continue
            where = list(getattr(match, "path", None) or [])
            logical_id = str(where[1]) if len(where) > 1 and where[0] == "Resources" else ""
            line, col, path = subject.locate(stack, logical_id) if logical_id else (1, 1, "")
            level = "error" if rule_id.startswith("E") else "warning"
            tool = "review" if rule_id in _extra_rule_ids() else "cfn-lint"
            where_text = f" ({stack.stack_name}/{logical_id})" if logical_id else f" ({stack.stack_name})"
            found.append(Finding(tool, rule_id, level, match.message + where_text, subject.blueprint.file,
                                 line, col, path, resource=logical_id))
    return found


#: Every source run on each changed blueprint's head side.
FINDING_SOURCES: list[FindingSource] = [rule_findings, cfn_lint_findings, nag_findings]
