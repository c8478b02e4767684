"""The validation pipeline: file -> strict loader -> JSON Schema -> model -> rules.

Data flows one way. Each stage runs only on what the previous stage accepted,
so a rule never sees a document of the wrong shape, and every problem in a
file is reported in one run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from mlblueprints import model
from mlblueprints.catalog import load_catalog
from mlblueprints.diagnostics import Diagnostic, Level, dotted, has_errors
from mlblueprints.loader import LoadedDocument, SourceMap, load_file
from mlblueprints.pricing import CONFIG_NAMES
from mlblueprints.rules import ALL_RULES, BLUEPRINT_RULES, CROSS_RULES, Finding, RuleContext
from mlblueprints.schema_check import check_schema

BLUEPRINT_SUFFIXES = (".yaml", ".yml")

UNKNOWN_SUPPRESSION = "BP030"
ERROR_SUPPRESSION = "BP031"
UNUSED_SUPPRESSION = "BP032"
INTERNAL_ERROR = "BP099"


class UsageError(Exception):
    """Bad command-line input (a missing path): exit code 2, not 1."""


@dataclass
class Report:
    files: list[str] = field(default_factory=list)
    blueprints: list[model.Blueprint] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return has_errors(self.diagnostics)


def find_blueprint_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given, and ``*.yaml``/``*.yml`` found recursively under folders (not the .mlbp.yaml configuration)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(
                    p for p in path.rglob("*")
                    if p.suffix in BLUEPRINT_SUFFIXES and p.name not in CONFIG_NAMES and p.is_file()
                )
            )
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"{raw}: no such file or directory")
    return list(dict.fromkeys(found))


def validate_paths(paths: Iterable[str | os.PathLike]) -> Report:
    documents = []
    for path in find_blueprint_files(paths):
        try:
            documents.append(load_file(path))
        except OSError as error:
            raise UsageError(f"{path}: {error.strerror or error}") from error
    return validate_documents(documents)


def validate_documents(documents: Sequence[LoadedDocument]) -> Report:
    report = Report(files=[d.file for d in documents])
    context = RuleContext(load_catalog())
    for document in documents:
        diagnostics, blueprint = _validate_one(document, context)
        report.diagnostics.extend(diagnostics)
        if blueprint is not None:
            report.blueprints.append(blueprint)
    for rule in CROSS_RULES:
        for blueprint, finding in rule.check_all(report.blueprints):
            report.diagnostics.append(_diagnostic(rule, blueprint.source_map, finding))
    report.diagnostics.sort()
    erroneous = {d.file for d in report.diagnostics if d.level is Level.ERROR}
    report.blueprints = [b for b in report.blueprints if b.file not in erroneous]
    return report


def _validate_one(document: LoadedDocument, context: RuleContext):
    """Loader and schema problems of one file together; its rules once both pass."""
    loaded = list(document.diagnostics)
    if document.data is None:
        return loaded, None
    diagnostics = loaded + _beside(loaded, check_schema(document.data, document.source_map))
    if diagnostics:
        return diagnostics, None
    try:
        blueprint = model.build(document.data, document.source_map)
        return _run_rules(blueprint, context), blueprint
    except Exception as error:  # a bug in a rule must still end in a diagnostic, not a traceback
        return [_internal_error(document.source_map, error)], None


def _beside(loaded: list[Diagnostic], schema: list[Diagnostic]) -> list[Diagnostic]:
    """Schema problems that are not echoes of a loader problem.

    The loader drops what it rejects (a duplicate key's second value, an alias, a
    non-string key), so the schema would report the same spot again as missing or
    empty; a problem at or under a field the loader already flagged is left out.
    """
    flagged = {d.path for d in loaded if d.path}
    if not flagged:
        return schema
    return [d for d in schema if not any(d.path == f or d.path.startswith((f + ".", f + "[")) for f in flagged)]


def _run_rules(blueprint: model.Blueprint, context: RuleContext) -> list[Diagnostic]:
    suppressions = blueprint.metadata.suppress
    diagnostics = _check_suppressions(blueprint)
    suppressed = {s.rule for s in suppressions}
    used: set[str] = set()
    for rule in BLUEPRINT_RULES:
        if blueprint.kind not in rule.kinds:
            continue
        for finding in rule.check(blueprint, context):
            if rule.level is Level.WARNING and rule.id in suppressed:
                used.add(rule.id)
                continue
            diagnostics.append(_diagnostic(rule, blueprint.source_map, finding))
    for index, suppression in enumerate(suppressions):
        rule = ALL_RULES.get(suppression.rule)
        if rule is not None and rule.level is Level.WARNING and suppression.rule not in used:
            diagnostics.append(
                _suppression_diagnostic(
                    blueprint, index, UNUSED_SUPPRESSION, Level.WARNING,
                    f"suppression of {suppression.rule} is unused: the rule reports nothing here",
                    "remove the entry so that a future finding is not hidden",
                )
            )
    return diagnostics


def _check_suppressions(blueprint: model.Blueprint) -> list[Diagnostic]:
    diagnostics = []
    for index, suppression in enumerate(blueprint.metadata.suppress):
        rule = ALL_RULES.get(suppression.rule)
        if rule is None:
            diagnostics.append(
                _suppression_diagnostic(
                    blueprint, index, UNKNOWN_SUPPRESSION, Level.ERROR,
                    f"{suppression.rule} is not a rule",
                    "run `mlbp rules` for the list of rule ids",
                )
            )
        elif rule.level is Level.ERROR:
            diagnostics.append(
                _suppression_diagnostic(
                    blueprint, index, ERROR_SUPPRESSION, Level.ERROR,
                    f"{suppression.rule} is an error rule and cannot be suppressed",
                    "fix the blueprint instead; only warnings can be suppressed",
                )
            )
    return diagnostics


def _suppression_diagnostic(blueprint, index, code, level, message, hint) -> Diagnostic:
    path = ("metadata", "suppress", index, "rule")
    line, col = blueprint.source_map.value_position(path)
    return Diagnostic(blueprint.file, line, col, code, level, message, hint, dotted(path))


def _diagnostic(rule, source_map: SourceMap, finding: Finding) -> Diagnostic:
    line, col = source_map.value_position(finding.path)
    return Diagnostic(
        file=source_map.file,
        line=line,
        col=col,
        code=rule.id,
        level=rule.level,
        message=finding.message,
        hint=finding.hint,
        path=dotted(finding.path),
    )


def _internal_error(source_map: SourceMap, error: Exception) -> Diagnostic:
    return Diagnostic(
        file=source_map.file,
        line=1,
        col=1,
        code=INTERNAL_ERROR,
        level=Level.ERROR,
        message=f"internal error while checking this blueprint: {type(error).__name__}: {error}",
        hint="this is a bug in mlblueprints; please report it with the blueprint",
    )
