"""Write the rules table of docs/review.md from the review pack's rule classes.

Usage: python scripts/review_rules_table.py [--check]

The table sits between two marker comments in docs/review.md; everything else
on the page is written by hand. ``--check`` exits 1 when the table is stale
(tests/review/test_docs_table.py runs it).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mlblueprints.review.rules import RULES  # noqa: E402

PAGE = ROOT / "docs" / "review.md"
BEGIN = "<!-- rules table: written by scripts/review_rules_table.py, do not edit by hand -->"
END = "<!-- end of rules table -->"
LEVELS = {"E": "error", "W": "warning"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table() -> str:
    lines = [
        "| Id | Level | What it finds | What it prevents (AWS's words where AWS has any) | Fix | Source |",
        "|---|---|---|---|---|---|",
    ]
    for rule in sorted(RULES, key=lambda r: r.id):
        lines.append(
            f"| {rule.id} | {LEVELS[rule.id[0]]} | {_cell(rule.shortdesc)} | {_cell(rule.prevents)} "
            f"| {_cell(rule.fix)} | [link]({rule.source_url}) |"
        )
    return "\n".join(lines)


def rendered(page: str) -> str:
    """``page`` with the text between the markers replaced by the current table."""
    head, begin, rest = page.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise SystemExit(f"{PAGE}: the markers {BEGIN!r} and {END!r} are missing")
    return f"{head}{BEGIN}\n{table()}\n{END}{tail}"


def main(argv: list[str]) -> int:
    page = PAGE.read_text()
    fresh = rendered(page)
    if "--check" in argv:
        if fresh != page:
            print(f"{PAGE.relative_to(ROOT)}: the rules table is stale; run python scripts/review_rules_table.py")
            return 1
        return 0
    PAGE.write_text(fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
