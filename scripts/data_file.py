"""What the data-file refresh scripts share: compare the committed file with a fresh
build, and write it with one entry of its main table per block.

``as_of`` (the day a file was written) is the only key a comparison ignores: the
packages a file is built from are pinned, so a different recorded version is a
real difference.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable

#: Renders one entry of the main table: (name, value) -> its lines, indented by four spaces.
EntryRenderer = Callable[[str, object], str]


def comparable(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "as_of"}


def differences(committed: dict, built: dict, table: str) -> list[str]:
    """The top-level keys, and the entries of ``table``, that differ."""
    ours, theirs = comparable(committed), comparable(built)
    out = [k for k in sorted(set(ours) | set(theirs)) if k != table and ours.get(k) != theirs.get(k)]
    ours_table, theirs_table = ours.get(table, {}), theirs.get(table, {})
    for name in sorted(set(ours_table) | set(theirs_table)):
        if ours_table.get(name) != theirs_table.get(name):
            out.append(f"{table}.{name}: committed {ours_table.get(name)}, built {theirs_table.get(name)}")
    return out


def render(doc: dict, table: str, entry: EntryRenderer) -> str:
    """Pretty top level; the ``table`` entries laid out by ``entry`` (the layout reviewers diff)."""
    head = {k: v for k, v in doc.items() if k != table}
    rows = ",\n".join(entry(name, value) for name, value in doc[table].items())
    return json.dumps(head, indent=2)[:-2] + f',\n  {json.dumps(table)}: {{\n' + rows + "\n  }\n}\n"


def one_line(name: str, value: object) -> str:
    return f"    {json.dumps(name)}: {json.dumps(value)}"


def one_line_per_key(name: str, value: dict) -> str:
    lines = ",\n".join(f"      {json.dumps(k)}: {json.dumps(v)}" for k, v in value.items())
    return f"    {json.dumps(name)}: {{\n{lines}\n    }}"


def check_or_write(out: Path, doc: dict, *, root: Path, script: str, table: str, entry: EntryRenderer, check: bool) -> int:
    """``--check``: exit 1, writing nothing, if ``out`` is not what ``script`` builds. Else write it."""
    shown = out.relative_to(root)
    if check:
        committed = json.loads(out.read_text()) if out.exists() else {}
        if comparable(committed) != comparable(doc):
            print(f"error: {shown} differs from what {script} builds; run it", file=sys.stderr)
            for where in differences(committed, doc, table):
                print(f"  differs: {where}", file=sys.stderr)
            return 1
        print(f"{shown} is up to date ({len(doc[table])} {table.replace('_', ' ')})")
        return 0
    out.write_text(render(doc, table, entry))
    if json.loads(out.read_text()) != doc:  # the hand-rolled layout must stay the same JSON
        raise AssertionError(f"{out} does not read back as written")
    print(f"wrote {shown}: {len(doc[table])} {table.replace('_', ' ')}")
    return 0
