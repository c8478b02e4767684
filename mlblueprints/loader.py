"""Strict YAML loading: blueprint text -> plain data plus where every node was written.

``yaml.safe_load`` is not used because it reads scalars by YAML 1.1 (``no`` becomes
False, the country code ``NO`` too, ``010`` becomes 8), keeps the last of two duplicate
keys without a word, expands aliases (billion laughs), builds tagged values, and
recurses once per nesting level. Instead the parser's events are composed here with an
explicit stack, plain scalars are read by the YAML 1.2 core schema, and each of those
hazards becomes a diagnostic that points at the line and column.

Nothing in a file's content makes this module raise: problems come back as diagnostics.
``data`` is None only when no mapping could be built (BP001-BP004, BP010, BP011); after
the other problems it holds what the file says, minus the offending entries, so later
checks can still run when a caller wants them to.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass, field
from typing import BinaryIO

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from mlblueprints.diagnostics import Diagnostic, Level, dotted, shorten

Path = tuple[str | int, ...]

# Generous for hand-written YAML (the examples are about 1 KiB) and small enough that a
# hostile or mistaken file (a dataset, a log) costs milliseconds, not memory.
MAX_BYTES = 1024 * 1024

# A blueprint is about 5 levels deep (spec.storage.fsx.throughput_per_tib). 32 leaves
# room and keeps the recursive walkers that run after us (jsonschema, the model) far
# from Python's recursion limit; a `[[[[...` file is refused after 32 events.
MAX_DEPTH = 32
#: Reading stops after this many problems, so a file of 200,000 aliases costs milliseconds, not seconds.
MAX_PROBLEMS = 100
TOO_MANY = "BP012"

# libyaml is about ten times faster; the pure-Python parser emits the same events.
_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML's own printable set (YAML 1.2 section 5.1); libyaml refuses the rest anyway,
# but only with "control characters are not allowed" and no position.
_DISALLOWED = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The line breaks libyaml counts, so positions computed here agree with its marks.
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# One node property (&anchor or !tag) and the blanks and comments after it.
_PROPERTY = re.compile(r"[&!]\S*(?:\s|#[^\r\n]*)*")

# YAML 1.2 core schema, https://yaml.org/spec/1.2.2/#1023-core-schema
_CONSTANTS = {
    **dict.fromkeys(("", "~", "null", "Null", "NULL")),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **{sign + inf: float(sign + "inf") for sign in ("", "+", "-") for inf in (".inf", ".Inf", ".INF")},
    **dict.fromkeys((".nan", ".NaN", ".NAN"), float("nan")),
}
_NUMBER = re.compile(
    r"(?P<decimal>[-+]?[0-9]+)"
    r"|0o(?P<octal>[0-7]+)"
    r"|0x(?P<hexadecimal>[0-9a-fA-F]+)"
    r"|(?P<float>[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)"
)
_NUMBER_START = frozenset("0123456789+-.")
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"

# Sentinels for a mapping frame's key slot: waiting for a key, or the entry is dropped.
_EXPECT_KEY = object()
_DROP = object()
# The composer's root before any node arrived: the file holds no document.
_MISSING = object()

# libyaml's syntax messages name the symptom; these say what usually caused it.
_SYNTAX_HINTS = (
    ("mapping values are not allowed",
     "a plain value cannot contain ': '; quote the value, or indent the line under its key"),
    ("cannot start any token", "characters such as @ and ` are reserved in YAML; quote the value"),
    ("did not find expected key",
     "keys of one mapping must start in the same column; check this line's indentation"),
    ("did not find expected '-' indicator",
     "a list and a mapping cannot share one indentation level; check the indentation"),
    ("tag", "tags are not allowed in blueprints; remove the `!...` prefix"),
    ("unexpected end of stream", "close the quote or bracket that was opened where the message says"),
    ("unknown escape character",
     "inside double quotes a backslash starts an escape; use single quotes, or write \\\\"),
)
_DEFAULT_SYNTAX_HINT = "check the indentation and the quoting at this position"


@dataclass(frozen=True)
class SourceMap:
    """Where each node of a loaded document was written, so later checks can point at it.

    Paths are tuples of keys and list indexes; any iterable works (jsonschema hands out
    deques). A path that does not exist maps to its longest existing prefix, so a
    "missing key" finding lands on the mapping that lacks it.
    """

    file: str
    _nodes: dict[Path, yaml.Event] = field(default_factory=dict, repr=False, compare=False)
    _keys: dict[Path, ScalarEvent] = field(default_factory=dict, repr=False, compare=False)

    def value_position(self, path) -> tuple[int, int]:
        path = tuple(path)
        while path:
            event = self._nodes.get(path)
            if event is not None:
                return _position_of(event)
            path = path[:-1]
        return (1, 1)

    def key_position(self, path) -> tuple[int, int]:
        path = tuple(path)
        event = self._keys.get(path)
        return self.value_position(path) if event is None else _position_of(event)

    def raw_text(self, path) -> str | None:
        """The scalar's text before type resolution: ``2.10`` for a value read as 2.1.

        For quoted and block scalars it is the string itself, without quotes.
        """
        event = self._nodes.get(tuple(path))
        return event.value if event.__class__ is ScalarEvent else None

    def exists(self, path) -> bool:
        return tuple(path) in self._nodes


@dataclass(frozen=True)
class LoadedDocument:
    file: str
    data: dict | None
    source_map: SourceMap
    diagnostics: tuple[Diagnostic, ...]


def load_file(path: str | os.PathLike, display_name: str | None = None) -> LoadedDocument:
    """Load one blueprint file.

    Raises OSError when the file cannot be opened or read (missing, a directory, no
    permission): the caller reports that, as it is not a problem inside a blueprint.
    """
    with open(path, "rb") as stream:
        return load_stream(stream, str(path) if display_name is None else display_name)


def load_stream(stream: BinaryIO, file: str) -> LoadedDocument:
    """Load one blueprint from an open binary stream (a file, a pipe, standard input).

    A file over MAX_BYTES is refused from its size before any of it is read; streams
    that report no size (pipes, /proc) are read to at most MAX_BYTES + 1 bytes.
    """
    try:
        size = os.fstat(stream.fileno()).st_size
    except (OSError, ValueError):  # a stream without a descriptor (io.BytesIO) has no size to ask
        size = 0
    if size > MAX_BYTES:
        return _refused(file, _too_large(file))
    return load_text(stream.read(MAX_BYTES + 1), file)


def load_text(text: str | bytes, file: str) -> LoadedDocument:
    """Load one blueprint from its text; bytes must be UTF-8 (a BOM is accepted)."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            return _refused(file, _too_large(file))
        text = text.removeprefix(b"\xef\xbb\xbf")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            return _refused(file, _invalid_utf8(file, text, error.start))
    elif len(text) > MAX_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return _refused(file, _too_large(file))
    text = text.removeprefix("\ufeff")
    disallowed = _DISALLOWED.search(text)
    if disallowed is not None:
        return _refused(file, _disallowed_character(file, text, disallowed))
    return _Composer(text, file).run()


def _refused(file: str, diagnostic: Diagnostic) -> LoadedDocument:
    return LoadedDocument(file, None, SourceMap(file), (diagnostic,))


def _too_large(file: str) -> Diagnostic:
    return _error(
        file, 1, 1, "BP001",
        f"file is larger than {MAX_BYTES} bytes (1 MiB)",
        "a blueprint is a few KiB; split it, or move bulk data out of it",
    )


def _invalid_utf8(file: str, content: bytes, start: int) -> Diagnostic:
    before = content[:start].decode("utf-8")
    line, col = _position(before, len(before))
    return _error(
        file, line, col, "BP002",
        f"byte 0x{content[start]:02x} is not valid UTF-8",
        "save the file as UTF-8; this byte usually comes from a Latin-1 or Windows-1252 "
        "editor, or from a UTF-16 export",
    )


def _disallowed_character(file: str, text: str, match: re.Match) -> Diagnostic:
    character = match.group()
    name = "NUL byte" if character == "\0" else f"character U+{ord(character):04X}"
    more = len(_DISALLOWED.findall(text)) - 1
    line, col = _position(text, match.start())
    return _error(
        file, line, col, "BP003",
        f"{name} is not allowed in YAML" + (f" ({more} more in this file)" if more else ""),
        "remove it; NUL bytes usually mean the file is UTF-16 or binary: save it as UTF-8 text"
        if character == "\0"
        else "remove it; control characters are invisible in most editors and not allowed in YAML text",
    )


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``, counting breaks as libyaml does."""
    line, line_start = 1, 0
    for match in _BREAK.finditer(text, 0, index):
        line, line_start = line + 1, match.end()
    return line, index - line_start + 1


def _error(file: str, line: int, col: int, code: str, message: str, hint: str, path: str = "") -> Diagnostic:
    return Diagnostic(file, line, col, code, Level.ERROR, message, hint, path)


def _number(text: str):
    """The value of a plain scalar that starts like a number, by the YAML 1.2 core schema."""
    number = _NUMBER.fullmatch(text)
    if number is None:
        return text
    kind = number.lastgroup
    if kind == "float":
        return float(text)
    if kind == "octal":
        return int(number.group(kind), 8)
    if kind == "hexadecimal":
        return int(number.group(kind), 16)
    try:
        return int(text)
    except ValueError:
        # Python refuses decimals over 4300 digits (CVE-2020-10735); no blueprint
        # number is that long, so it stays text and the schema reports its type.
        return text


def _position_of(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


def _describe(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return "a string"


class _Frame:
    """One open mapping or sequence; ``discard`` subtrees are checked but not kept."""

    __slots__ = ("container", "path", "discard", "as_key", "key", "first_keys")

    def __init__(self, container, path: Path, discard: bool, as_key: bool):
        self.container = container
        self.path = path
        self.discard = discard
        self.as_key = as_key
        self.key = _EXPECT_KEY
        self.first_keys: dict[str, ScalarEvent] = {}


class _Stop(Exception):
    """Ends the event loop early: the rest of the file need not, or must not, be read."""

    def __init__(self, fatal: bool):
        super().__init__()
        self.fatal = fatal


class _Composer:
    """Builds plain data from parser events without recursion, noting every position.

    The source map keeps each node's event: its mark is the position and, for a
    scalar, its value is the raw text, so recording a node costs one dict insert.
    """

    def __init__(self, text: str, file: str):
        self.text = text
        self.file = file
        self.stack: list[_Frame] = []
        self.nodes: dict[Path, yaml.Event] = {}
        self.keys: dict[Path, ScalarEvent] = {}
        self.diagnostics: list[Diagnostic] = []
        self.root = _MISSING
        self.documents = 0
        self.line_starts: list[int] | None = None

    def run(self) -> LoadedDocument:
        fatal = False
        try:
            self._compose()
        except _Stop as stop:
            fatal = stop.fatal
        except yaml.YAMLError as error:
            self._syntax_error(error)
            fatal = True
        data = None if fatal else self._root_mapping()
        source_map = SourceMap(self.file) if data is None else SourceMap(self.file, self.nodes, self.keys)
        return LoadedDocument(self.file, data, source_map, tuple(sorted(self.diagnostics)))

    def _compose(self) -> None:
        stack = self.stack
        parser = _Parser(self.text)
        try:
            for event in iter(parser.get_event, None):
                kind = event.__class__
                if kind is ScalarEvent:
                    self._scalar(event)
                elif kind is MappingStartEvent:
                    self._open(event, {})
                elif kind is SequenceStartEvent:
                    self._open(event, [])
                elif kind is MappingEndEvent or kind is SequenceEndEvent:
                    frame = stack.pop()
                    if frame.as_key:
                        stack[-1].key = _DROP
                    else:
                        self._attach(frame.container)
                elif kind is AliasEvent:
                    self._alias(event)
                elif kind is DocumentStartEvent:
                    self.documents += 1
                    if self.documents > 1:
                        self._second_document(event)
        finally:
            parser.dispose()

    def _scalar(self, event: ScalarEvent) -> None:
        """Most events are scalars, so this inlines what _slot and _attach do for the rest."""
        text = event.value
        if event.style:
            value = text
        elif text in _CONSTANTS:
            value = _CONSTANTS[text]
        elif text[0] in _NUMBER_START:
            value = _number(text)
        else:
            value = text
        if event.anchor is not None or event.tag is not None:
            self._properties(event, self._slot()[0])
        stack = self.stack
        if not stack:
            self.root = value
            self.nodes[()] = event
            return
        top = stack[-1]
        container = top.container
        if container.__class__ is list:
            if not top.discard:
                self.nodes[top.path + (len(container),)] = event
            container.append(value)
            return
        key = top.key
        if key is _EXPECT_KEY:
            self._key(top, value, event)
            return
        top.key = _EXPECT_KEY
        if key is not _DROP:
            container[key] = value
            if not top.discard:
                self.nodes[top.path + (key,)] = event

    def _slot(self) -> tuple[Path, bool, bool]:
        """Where the next node goes: its path, whether to record it, whether it is a key."""
        stack = self.stack
        if not stack:
            return (), True, False
        top = stack[-1]
        if top.container.__class__ is list:
            return top.path + (len(top.container),), not top.discard, False
        key = top.key
        if key is _EXPECT_KEY:
            return top.path, False, True
        if key is _DROP:
            return top.path, False, False
        return top.path + (key,), not top.discard, False

    def _attach(self, value) -> None:
        stack = self.stack
        if not stack:
            self.root = value
            return
        top = stack[-1]
        if top.container.__class__ is list:
            top.container.append(value)
            return
        if top.key is not _DROP:
            top.container[top.key] = value
        top.key = _EXPECT_KEY

    def _key(self, top: _Frame, key, event: ScalarEvent) -> None:
        if key.__class__ is not str:
            self._report(
                "BP008", _position_of(event),
                f"key {shorten(event.value, repr)} is read as {_describe(key)}, not a string",
                f'quote the key ("{shorten(event.value)}": ...); blueprint keys are strings'
                if event.value
                else "write a key before the ':'",
                top.path,
            )
            top.key = _DROP
            return
        first = top.first_keys.get(key)
        if first is not None:
            self._report(
                "BP005", _position_of(event),
                f"duplicate key {shorten(key, repr)}; it is first defined on line {first.start_mark.line + 1}",
                "remove one of the two entries; YAML tools disagree on which one wins",
                top.path + (key,),
            )
            top.key = _DROP
            return
        top.first_keys[key] = event
        top.key = key
        if not top.discard:
            self.keys[top.path + (key,)] = event

    def _open(self, event, container) -> None:
        path, record, as_key = self._slot()
        if len(self.stack) >= MAX_DEPTH:
            self._too_deep(_position_of(event), path)
            raise _Stop(fatal=True)
        if event.anchor is not None or event.tag is not None:
            self._properties(event, path)
        if as_key:
            self._report(
                "BP008", _position_of(event),
                f"key is {'a mapping' if container.__class__ is dict else 'a list'}, not a string",
                "use a plain string key; mappings and lists cannot be keys in a blueprint",
                path,
            )
        elif record:
            self.nodes[path] = event
        self.stack.append(_Frame(container, path, not record, as_key))

    def _too_deep(self, position: tuple[int, int], path: Path) -> None:
        self._report(
            "BP010", position,
            f"nesting is deeper than {MAX_DEPTH} levels",
            f"flatten the structure; blueprints nest at most {MAX_DEPTH} levels",
            path,
        )

    def _alias(self, event: AliasEvent) -> None:
        path, record, as_key = self._slot()
        self._report(
            "BP006", _position_of(event),
            f"alias *{event.anchor} is not allowed",
            "write the value out in full; aliases hide repeated content and can expand "
            "exponentially (billion laughs)",
            path,
        )
        if as_key:
            self.stack[-1].key = _DROP
            return
        if record:
            self.nodes[path] = event
        self._attach(None)

    def _properties(self, event, path: Path) -> None:
        anchor_at = tag_at = _position_of(event)
        if event.anchor is not None and event.tag is not None:
            anchor_at, tag_at = self._property_positions(event.start_mark)
        if event.anchor is not None:
            self._report(
                "BP006", anchor_at,
                f"anchor &{event.anchor} is not allowed",
                "write the value out in full where it is used; anchors and aliases are "
                "not allowed in blueprints",
                path,
            )
        if event.tag is not None:
            tag = event.tag
            shown = "!!" + tag.removeprefix(_YAML_TAG_PREFIX) if tag.startswith(_YAML_TAG_PREFIX) else tag
            self._report(
                "BP007", tag_at,
                f"tag {shown} is not allowed",
                'remove the tag; to keep a value as text, quote it ("1.10")',
                path,
            )

    def _property_positions(self, mark) -> tuple[tuple[int, int], tuple[int, int]]:
        """Positions of the anchor and the tag of one node, which marks do not give apart."""
        first = self._index(mark)
        second = _PROPERTY.match(self.text, first).end()
        first_at = self._line_col(first)
        second_at = self._line_col(second)
        return (first_at, second_at) if self.text[first] == "&" else (second_at, first_at)

    def _index(self, mark) -> int:
        """Offset of a mark in the text, at most its end: at the end of a file without a
        final newline libyaml puts its mark on a line that is not there."""
        if self.line_starts is None:
            self.line_starts = [0] + [match.end() for match in _BREAK.finditer(self.text)]
        if mark.line >= len(self.line_starts):
            return len(self.text)
        return min(self.line_starts[mark.line] + mark.column, len(self.text))

    def _line_col(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, index)
        return line, index - self.line_starts[line - 1] + 1

    def _second_document(self, event: DocumentStartEvent) -> None:
        self._report(
            "BP009", _position_of(event),
            "a second YAML document starts here; a blueprint file holds exactly one",
            "move this document to its own file, or delete the `---` line",
            (),
        )
        raise _Stop(fatal=False)

    def _syntax_error(self, error: yaml.YAMLError) -> None:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line, col = self._line_col(self._index(mark)) if mark is not None else (1, 1)
        problem = getattr(error, "problem", None) or str(error)
        path = self.stack[-1].path if self.stack else ()
        if "maximum nesting depth" in problem:
            # libyaml's own limit (1000 levels), met while it scans ahead for a key
            # before handing us a single event of the nest.
            self._too_deep((line, col), path)
            return
        message = f"YAML syntax error: {problem}"
        context = getattr(error, "context", None)
        context_mark = getattr(error, "context_mark", None)
        if context and context_mark is not None:
            context_line, context_col = self._line_col(self._index(context_mark))
            if (context_line, context_col) != (line, col):
                message += f" ({context} at line {context_line}, column {context_col})"
        hint = next((hint for marker, hint in _SYNTAX_HINTS if marker in problem), _DEFAULT_SYNTAX_HINT)
        if mark is not None and self.text.startswith("\t", self._index(mark)):
            hint = "indent with spaces; YAML does not allow tabs in indentation"
        self._report("BP004", (line, col), message, hint, path)

    def _root_mapping(self) -> dict | None:
        root = self.root
        if root.__class__ is dict:
            return root
        line, col = _position_of(self.nodes[()]) if () in self.nodes else (1, 1)
        found = "the file is empty" if root is _MISSING else f"the document is {_describe(root)}"
        self._report(
            "BP011", (line, col),
            f"a blueprint must be a mapping, but {found}",
            "start the file with the top-level keys apiVersion, kind, metadata and spec",
            (),
        )
        return None

    def _report(self, code: str, position: tuple[int, int], message: str, hint: str, path: Path) -> None:
        line, col = position
        self.diagnostics.append(_error(self.file, line, col, code, message, hint, dotted(path)))
        if len(self.diagnostics) == MAX_PROBLEMS:
            self.diagnostics.append(
                _error(self.file, line, col, TOO_MANY, f"stopped after {MAX_PROBLEMS} problems",
                       "fix these first; a hostile file should not cost unbounded time", dotted(path))
            )
            raise _Stop(fatal=True)
