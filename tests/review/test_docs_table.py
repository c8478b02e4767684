"""docs/review.md's rules table is the one scripts/review_rules_table.py writes from the rule classes."""

from __future__ import annotations

from mlblueprints.review.rules import RULES
from scripts.review_rules_table import PAGE, main, rendered


def test_the_rules_table_is_current():
    assert main(["--check"]) == 0, "run: .venv/bin/python scripts/review_rules_table.py"


def test_the_table_has_every_rule_and_a_section_each():
    page = PAGE.read_text()
    for rule in RULES:
        assert f"| {rule.id} |" in page
        assert f"### {rule.id}" in page, f"docs/review.md: add a section for {rule.id}"


def test_a_stale_table_is_found():
    page = PAGE.read_text()
    assert rendered(page.replace("| E9501 |", "| E9599 |")) == page
