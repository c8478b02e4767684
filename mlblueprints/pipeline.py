"""The validation pipeline: file -> strict loader -> JSON Schema -> model -> rules.

Data flows one way. Each stage runs only on what the previous stage accepted,
so a rule never sees a document of the wrong shape, and every problem in a
file is reported in one run.
"""

from __future__ import annotations

import errno
import itertools
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection, Iterable, Sequence

from mlblueprints import model
from mlblueprints.catalog import load_catalog
from mlblueprints.diagnostics import Diagnostic, Level, UsageError, dotted, has_errors, shorten
from mlblueprints.loader import MAX_PROBLEMS, TOO_MANY, LoadedDocument, SourceMap, load_file, load_stream
from mlblueprints.pricing import CONFIG_NAMES
from mlblueprints.rules import ALL_RULES, BLUEPRINT_RULES, CROSS_RULES, Finding, RuleContext
from mlblueprints.schema_check import check_schema

BLUEPRINT_SUFFIXES = (".yaml", ".yml")
#: The command-line path that means standard input, and its name in messages.
STDIN, STDIN_NAME = "-", "<stdin>"

UNREADABLE_FILE = "BP013"
UNREADABLE_FOLDER = "BP014"
UNKNOWN_SUPPRESSION = "BP030"
ERROR_SUPPRESSION = "BP031"
UNUSED_SUPPRESSION = "BP032"
INTERNAL_ERROR = "BP099"

#: CDK context key naming error rules whose findings do not stop synthesis, because the caller
#: enforces them itself (set only by `mlbp plan`, to BP400: its budget guard exits 3 instead).
GUARDED_CONTEXT = "mlbp:guarded"


@dataclass
class Report:
    files: list[str] = field(default_factory=list)
    blueprints: list[model.Blueprint] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return has_errors(self.diagnostics)


@dataclass(frozen=True)
class Source:
    """One blueprint to read: a file (``path``), or standard input (``path`` is None)."""

    name: str
    path: Path | None


@dataclass
class Inputs:
    """What the paths on a command line hold: blueprints to read, and what could not be looked at."""

    sources: list[Source] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


def find_inputs(paths: Iterable[str | os.PathLike]) -> Inputs:
    """Files as given, ``*.yaml``/``*.yml`` found recursively under folders, ``-`` for standard input.

    Raises UsageError for a path that names nothing, and for a folder that holds no
    blueprint and no unreadable entry. A file or a subfolder that cannot be read is a
    problem (BP013, BP014), and the search goes on. The same file reached twice (``a.yaml``
    and ``./x/../a.yaml``, or through a symbolic link) is read once, under its first name.
    """
    inputs = Inputs()
    seen: set[str] = set()
    for raw in paths:
        for source in _sources(raw, inputs.problems):
            key = STDIN if source.path is None else os.path.realpath(source.path)
            if key not in seen:
                seen.add(key)
                inputs.sources.append(source)
    return inputs


def find_blueprint_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The blueprint files that :func:`find_inputs` finds (standard input left out)."""
    return [s.path for s in find_inputs(paths).sources if s.path is not None]


def _sources(raw: str | os.PathLike, problems: list[Diagnostic]) -> list[Source]:
    if raw == STDIN:
        return [Source(STDIN_NAME, None)]
    path = Path(raw)
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise UsageError(f"{raw}: no such file or directory") from None
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:
            raise UsageError(f"{shorten(str(raw))}: file name too long") from None
        problems.append(_unreadable(str(path), UNREADABLE_FILE, error))
        return []
    if not stat.S_ISDIR(mode):
        return [Source(str(path), path)]  # a regular file, or a pipe such as <(cat a.yaml)
    known = len(problems)
    found = _search(path, problems)
    if not found and len(problems) == known:
        raise UsageError(f"{raw}: no *.yaml or *.yml blueprints in this folder")
    return [Source(str(p), p) for p in found]


def _search(folder: Path, problems: list[Diagnostic]) -> list[Path]:
    """Regular ``*.yaml``/``*.yml`` files under ``folder``; symbolic links to folders are not followed."""
    found = []

    def unreadable_folder(error: OSError) -> None:
        problems.append(_unreadable(error.filename, UNREADABLE_FOLDER, error))

    for root, _, names in os.walk(folder, onerror=unreadable_folder):
        for name in names:
            path = Path(root, name)
            if path.suffix not in BLUEPRINT_SUFFIXES or name in CONFIG_NAMES:
                continue  # .mlbp.yaml is the repository's configuration, not a blueprint
            try:
                if stat.S_ISREG(os.stat(path).st_mode):
                    found.append(path)
            except FileNotFoundError:
                pass  # a dangling link, such as the lock file an editor keeps beside an open file
            except OSError as error:
                problems.append(_unreadable(str(path), UNREADABLE_FILE, error))
    return sorted(found)


def _unreadable(name: str, code: str, error: OSError) -> Diagnostic:
    reason = error.strerror or str(error)
    if code == UNREADABLE_FILE:
        message = f"cannot read this file ({reason}); it was not checked"
        fix = "let mlbp read it (chmod a+r) and enter every folder above it (chmod a+x)"
    else:
        message = f"cannot search this folder ({reason}); the blueprints in it were not checked"
        fix = "let mlbp list and enter it and every folder above it (chmod a+rx)"
    if not isinstance(error, PermissionError):
        fix = "check that it can be read (`ls -l`, `cat`)"
    return Diagnostic(name, 1, 1, code, Level.ERROR, message, f"{fix}, or leave it out of the paths given to mlbp")


def validate_paths(paths: Iterable[str | os.PathLike], *, guarded: Collection[str] = ()) -> Report:
    """Find, read and check blueprints; ``guarded`` as for :func:`validate_documents`."""
    inputs = find_inputs(paths)
    documents, problems = [], list(inputs.problems)
    for source in inputs.sources:
        try:
            documents.append(_read(source))
        except OSError as error:
            problems.append(_unreadable(source.name, UNREADABLE_FILE, error))
    return validate_documents(documents, problems, guarded=guarded)


def _read(source: Source) -> LoadedDocument:
    if source.path is not None:
        return load_file(source.path, source.name)
    if sys.stdin is None:  # started with standard input closed
        raise OSError(errno.EBADF, "standard input is closed")
    return load_stream(sys.stdin.buffer, source.name)


def validate_documents(
    documents: Sequence[LoadedDocument], problems: Sequence[Diagnostic] = (), *, guarded: Collection[str] = ()
) -> Report:
    """Check loaded documents; ``problems`` are found beforehand (unreadable files) and reported with them.

    ``guarded`` names error rules the caller enforces itself (`mlbp plan` turns BP400's
    budget into its exit-3 guard): their findings are reported but keep the blueprint.
    """
    report = Report(files=[d.file for d in documents], diagnostics=list(problems))
    context = RuleContext(load_catalog())
    for document in documents:
        diagnostics, blueprint = _validate_one(document, context)
        report.diagnostics.extend(diagnostics)
        if blueprint is not None:
            report.blueprints.append(blueprint)
    for rule in CROSS_RULES:
        for blueprint, finding in rule.check_all(report.blueprints):
            report.diagnostics.append(_diagnostic(rule, blueprint.source_map, finding))
    report.diagnostics = _capped(sorted(report.diagnostics))
    erroneous = {d.file for d in report.diagnostics if d.level is Level.ERROR and d.code not in guarded}
    report.blueprints = [b for b in report.blueprints if b.file not in erroneous]
    return report


def _capped(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """At most MAX_PROBLEMS diagnostics a file, whatever stage found them, then one BP012.

    The loader and the schema check stop early by themselves; this also bounds what
    the rules and the suppressions report (9,000 unknown rule ids under
    ``metadata.suppress``), and their sum. The BP012 is an error only if an error is
    among the diagnostics it hides, so the exit code is the same as without the cap.
    """
    capped = []
    for _, group in itertools.groupby(diagnostics, key=lambda d: d.file):
        group = list(group)
        found = [d for d in group if d.code != TOO_MANY]
        if len(found) <= MAX_PROBLEMS:
            capped.extend(group)
            continue
        hidden = found[MAX_PROBLEMS:]
        first = hidden[0]
        capped.extend(found[:MAX_PROBLEMS])
        capped.append(
            Diagnostic(
                first.file, first.line, first.col, TOO_MANY,
                Level.ERROR if has_errors(hidden) else Level.WARNING,
                f"stopped after {MAX_PROBLEMS} problems",
                f"fix these first and run again; at most {MAX_PROBLEMS} problems are shown per file",
                first.path,
            )
        )
    return capped


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
