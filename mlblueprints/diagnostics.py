"""Diagnostics: every problem the tool reports, with where it is and how to fix it."""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass, replace
from typing import Callable


class UsageError(Exception):
    """A command line mlbp cannot act on (a missing path, a folder without blueprints): exit code 2."""


class Level(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding, positioned at ``file:line:col`` (both 1-based).

    ``path`` is the JSON path inside the blueprint (``spec.nodes.max``) so that
    tools can point at a field even when there is no line, and so that
    suppressions and tests can name a field without counting lines.
    """

    file: str
    line: int
    col: int
    code: str
    level: Level
    message: str
    hint: str = ""
    path: str = ""

    def format_text(self) -> str:
        shown = self.printable()
        head = f"{shown.file}:{shown.line}:{shown.col}: {shown.level.value}[{shown.code}]: {shown.message}"
        return f"{head}\n  hint: {shown.hint}" if shown.hint else head

    def format_github(self) -> str:
        """A GitHub Actions workflow command, so the finding shows on the PR diff."""
        shown = self.printable()
        command = "error" if shown.level is Level.ERROR else "warning"
        message = f"[{shown.code}] {shown.message}" + (f" Hint: {shown.hint}" if shown.hint else "")
        return (
            f"::{command} file={_escape_property(shown.file)},line={shown.line},col={shown.col},"
            f"title={_escape_property(shown.code)}::{_escape_data(message)}"
        )

    def as_dict(self) -> dict:
        """The fields for ``--format json``, text fields escaped as in the other formats."""
        data = asdict(self.printable())
        data["level"] = self.level.value
        return data

    def printable(self) -> "Diagnostic":
        """This diagnostic with every text field passed through :func:`printable`.

        Every output format goes through here, so a message that echoes a key, a value
        or a file name cannot start a line of its own or drive the terminal.
        """
        return replace(self, **{name: printable(getattr(self, name)) for name in _TEXT_FIELDS})


_TEXT_FIELDS = ("file", "code", "message", "hint", "path")


_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# A file name that is not UTF-8 reaches Python with each bad byte as U+DC80-U+DCFF
# (PEP 383); it is shown as that byte, as `ls -b` does.
_ESCAPED_BYTES = range(0xDC80, 0xDD00)


def printable(text: str) -> str:
    r"""``text`` with every character that :meth:`str.isprintable` refuses written as an escape.

    Those are Unicode's "other" and "separator" characters except the space: controls
    (C0, DEL, C1 with U+0085), format characters (bidi overrides and isolates as in
    Trojan Source, CVE-2021-42574; zero-width characters), surrogates, private-use and
    unassigned code points, U+2028, U+2029 and the other spaces. A newline and an ESC
    are written as ``\n`` and ``\x1b``, so the text stays on one line and cannot drive a
    terminal. A backslash is kept as it is: the escapes are for people to read, not to
    decode. Printable text (nearly all) is returned at once.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escaped(c) for c in text)


def _escaped(character: str) -> str:
    code = ord(character)
    if character in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[character]
    if code in _ESCAPED_BYTES:
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _escape_data(text: str) -> str:
    # https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def dotted(path) -> str:
    """A JSON path as people write it: ``("spec", "zones", 0)`` -> ``spec.zones[0]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = shorten(str(part))
            text += f".{name}" if text else name
    return text


#: A value or key echoed in a message is cut to this many characters.
ECHO_LIMIT = 60


def shorten(text: str, render: Callable[[str], str] = str) -> str:
    """``text`` as echoed in a message (``render`` quotes it): whole if short, else its start and its length."""
    if len(text) <= ECHO_LIMIT:
        return render(text)
    return f"{render(text[:ECHO_LIMIT])}… ({len(text):,} characters)"


def format_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([d.as_dict() for d in diagnostics], indent=2)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.level is Level.ERROR for d in diagnostics)
