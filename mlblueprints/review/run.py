"""Run cfn-lint with the review pack on templates and cloud assemblies; findings as Diagnostics.

``mlbp review cdk.out`` lints every stack template of the assembly for the
region its stack deploys to (cfn-lint's own rules are region-aware), together
with the pack. A single template is linted for ``--regions`` or cfn-lint's
default region. cfn-lint's config (``.cfnlintrc``) and template metadata
(``Metadata: cfn-lint: config: ignore_checks``) apply as usual.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from mlblueprints.diagnostics import Diagnostic, Level
from mlblueprints.review import RULES_MODULE

#: cfn-lint writes this into the environment of stacks that are not bound to one.
UNKNOWN_REGION = "unknown-region"
#: Our rules end their message with the fix; the diagnostic shows it as the hint.
FIX = " Fix: "


class ReviewUsageError(Exception):
    """A path that is neither a template nor a cloud assembly."""


@dataclass(frozen=True)
class Target:
    template: Path
    region: str | None  # None: whatever --regions or cfn-lint's default says


def targets(paths: list[str]) -> list[Target]:
    """Templates to lint: each file as given, each cloud assembly (a folder with manifest.json) expanded."""
    found = []
    for text in paths:
        path = Path(text)
        if path.is_file():
            found.append(Target(path, None))
        elif (path / "manifest.json").is_file():
            found.extend(assembly_targets(path))
        elif path.is_dir():
            raise ReviewUsageError(f"{path}: a folder without manifest.json (give a template or a cdk.out folder)")
        else:
            raise ReviewUsageError(f"{path}: no such file or folder")
    return found


def assembly_targets(assembly: Path) -> list[Target]:
    manifest = json.loads((assembly / "manifest.json").read_text())
    found = []
    for _, artifact in sorted(manifest.get("artifacts", {}).items()):
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        region = artifact.get("environment", "").rsplit("/", 1)[-1]
        found.append(Target(assembly / artifact["properties"]["templateFile"], None if region in ("", UNKNOWN_REGION) else region))
    return found


def review(found: list[Target], regions: list[str] | None = None, ignore: list[str] = ()) -> list[Diagnostic]:
    """cfn-lint's rules and the pack on every target; ``regions`` overrides each target's own."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    diagnostics = []
    keyed = sorted(found, key=lambda t: (t.region or "", str(t.template)))
    for region, group in groupby(keyed, key=lambda t: t.region):
        arguments = ["--append-rules", RULES_MODULE]
        if ignore:
            arguments += ["--ignore-checks", *ignore]
        chosen = regions or ([region] if region else [])
        if chosen:
            arguments += ["--regions", *chosen]
        arguments += ["--", *(str(t.template) for t in group)]
        diagnostics.extend(_diagnostic(m) for m in Runner(ConfigMixIn(arguments)).run())
    return sorted(diagnostics)


def _diagnostic(match) -> Diagnostic:
    level = Level.ERROR if match.rule.severity == "error" else Level.WARNING
    message, _, hint = match.message.partition(FIX)
    path = getattr(getattr(match, "rulematch_obj", None), "path", None) or []
    return Diagnostic(
        file=str(match.filename),
        line=match.linenumber,
        col=match.columnnumber,
        code=match.rule.id,
        level=level,
        message=message,
        hint=hint,
        path="/".join(map(str, path)),
    )
