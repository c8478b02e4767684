"""Diagnostics: every problem the tool reports, with where it is and how to fix it."""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass
from typing import Callable


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
        head = f"{self.file}:{self.line}:{self.col}: {self.level.value}[{self.code}]: {self.message}"
        return f"{head}\n  hint: {self.hint}" if self.hint else head

    def format_github(self) -> str:
        """A GitHub Actions workflow command, so the finding shows on the PR diff."""
        command = "error" if self.level is Level.ERROR else "warning"
        message = f"[{self.code}] {self.message}" + (f" Hint: {self.hint}" if self.hint else "")
        return (
            f"::{command} file={_escape_property(self.file)},line={self.line},col={self.col},"
            f"title={_escape_property(self.code)}::{_escape_data(message)}"
        )

    def as_dict(self) -> dict:
        data = asdict(self)
        data["level"] = self.level.value
        return data


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
