"""docs/rules.md is generated from the rule classes; a stale table fails, as in cfn-lint."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from mlblueprints.rules import ALL_RULES

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("rules_table", ROOT / "scripts" / "rules_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rules_table_is_current():
    assert (ROOT / "docs" / "rules.md").read_text() == _script().render(), (
        "docs/rules.md is stale: run .venv/bin/python scripts/rules_table.py"
    )


def test_every_rule_has_a_row():
    text = _script().render()
    for rule_id in ALL_RULES:
        assert f"| {rule_id} |" in text


def test_every_rule_names_an_https_source():
    for rule in ALL_RULES.values():
        assert rule.source_url.startswith("https://"), rule.id
