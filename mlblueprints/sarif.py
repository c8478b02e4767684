"""SARIF 2.1.0 for GitHub code scanning: `mlbp validate --format sarif` and `mlbp plan --format sarif`.

One run per tool that reported (mlbp, cfn-lint, cdk-nag, a review pack), each
with its rules, and results located at a blueprint file and line. Every result
has a ``partialFingerprints`` entry built from what it is about (rule, file,
blueprint field or resource, message), not from its line, so an alert keeps its
identity when lines above it move.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Iterable

from mlblueprints import __version__

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/mlblueprints/mlblueprints"
FINGERPRINT_KEY = "mlbpFinding/v1"
LEVELS = ("error", "warning", "note")


@dataclass(frozen=True)
class Result:
    tool: str
    rule_id: str
    level: str
    message: str
    file: str
    line: int
    col: int = 1
    #: What the result is about besides the file (a blueprint field, a resource), for the fingerprint.
    subject: str = ""
    rule_summary: str = ""
    help_uri: str = ""


def from_diagnostics(diagnostics: Iterable, rules: dict) -> list[Result]:
    """Results from validation diagnostics; ``rules`` maps ids to rule objects (summary, source_url)."""
    results = []
    for d in diagnostics:
        rule = rules.get(d.code)
        message = d.message + (f" Hint: {d.hint}" if d.hint else "")
        results.append(
            Result("mlbp", d.code, d.level.value, message, d.file, d.line, d.col, d.path,
                   getattr(rule, "summary", ""), getattr(rule, "source_url", ""))
        )
    return results


def to_sarif(results: Iterable[Result]) -> dict:
    runs: dict[str, list[Result]] = {}
    for result in results:
        runs.setdefault(result.tool, []).append(result)
    runs.setdefault("mlbp", [])  # an empty run says "checked, nothing found"
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [_run(tool, found) for tool, found in sorted(runs.items(), key=lambda kv: kv[0] != "mlbp")],
    }


def format_sarif(results: Iterable[Result]) -> str:
    return json.dumps(to_sarif(results), indent=2)


def fingerprint(result: Result) -> str:
    key = "\0".join((result.tool, result.rule_id, result.file, result.subject, result.message))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _run(tool: str, results: list[Result]) -> dict:
    rule_ids = sorted({r.rule_id for r in results})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    rules = []
    for rule_id in rule_ids:
        sample = next(r for r in results if r.rule_id == rule_id)
        rule = {
            "id": rule_id,
            "shortDescription": {"text": sample.rule_summary or rule_id},
            "defaultConfiguration": {"level": _level(sample.level)},
        }
        if sample.help_uri:
            rule["helpUri"] = sample.help_uri
        rules.append(rule)
    driver = {"name": tool, "rules": rules}
    if tool == "mlbp":
        driver.update(version=__version__, informationUri=INFORMATION_URI)
    return {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "results": [
            {
                "ruleId": r.rule_id,
                "ruleIndex": index[r.rule_id],
                "level": _level(r.level),
                "message": {"text": r.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": r.file.replace("\\", "/")},
                            "region": {"startLine": max(r.line, 1), "startColumn": max(r.col, 1)},
                        }
                    }
                ],
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint(r)},
            }
            for r in results
        ],
    }


def _level(level: str) -> str:
    return level if level in LEVELS else "warning"
