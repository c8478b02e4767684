"""Property-based: the loader never raises, and what PyYAML writes it reads back.

The round trip is the loader's contract with the rest of the tool: if a blueprint
was produced by a YAML library, the data the schema sees is the data that was written,
and every node's position points at the node's own text.
"""

import re
import unittest.mock

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mlblueprints import loader
from mlblueprints.diagnostics import Level
from mlblueprints.loader import load_text

BOUNDED = settings(max_examples=200, deadline=None)

# Fragments that steer random text into YAML's corners: indicators, properties,
# document markers, every line break libyaml counts, and characters it refuses.
FRAGMENTS = [
    *"ab01.:-?[]{},&*!|>#'\"%@`\\~ \t\n\r",
    "\x00", "\x1b", "\x85", "\u2028", "\ufeff", "\ud800", "é", "€",
    "---", "...", "- ", ": ", "? ", "!!str ", "!t ", "&a ", "*a", "0x1F", "1e3", "yes", "null",
]
YAMLISH = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)
INPUTS = st.one_of(
    YAMLISH,
    YAMLISH.map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.text(max_size=200),
    st.binary(max_size=200),
)
CODE = re.compile(r"BP0(0[1-9]|1[01])")


@BOUNDED
@given(INPUTS)
def test_any_input_gives_data_or_a_positioned_diagnostic(source):
    document = load_text(source, "fuzz.yaml")

    assert document.data is None or isinstance(document.data, dict)
    assert document.data is not None or document.diagnostics
    for diagnostic in document.diagnostics:
        assert CODE.fullmatch(diagnostic.code)
        assert diagnostic.file == "fuzz.yaml"
        assert diagnostic.level is Level.ERROR
        assert diagnostic.line >= 1 and diagnostic.col >= 1
        assert diagnostic.hint


def _strings():
    # PyYAML quotes what YAML 1.1 would not read as text, but writes `1e3` and `0o17`
    # plain, and YAML 1.2 reads those as numbers; so random text does not start like a
    # number, and the quoted look-alikes are listed instead.
    lookalikes = st.sampled_from(
        ["yes", "no", "on", "NO", "y", "null", "~", "true", "False", "", " ", "1", "010",
         "0x1F", "1.5", ".inf", "-.inf", "1:30", "2001-12-14", "<<", "=", "- a", "a: b", "#"]
    )
    text = st.text(st.characters(codec="utf-8"), max_size=30)
    return lookalikes | text.filter(lambda s: s[:1] not in set("0123456789+-."))


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**18), max_value=10**18)
    | st.floats(allow_nan=False)
    | _strings()
)
DOCUMENTS = st.dictionaries(
    _strings(),
    st.recursive(
        SCALARS,
        lambda children: st.lists(children, max_size=4) | st.dictionaries(_strings(), children, max_size=4),
        max_leaves=20,
    ),
    max_size=6,
)


def _paths(node, path=()):
    """Every node's path below the root, parents first."""
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield path + (key,)
        yield from _paths(child, path + (key,))


def _character_at(lines, position):
    line, col = position
    return lines[line - 1][col - 1 : col]


@BOUNDED
@given(DOCUMENTS)
def test_safe_dump_round_trips_with_positions_on_the_nodes(data):
    text = yaml.safe_dump(data, default_flow_style=False)
    document = load_text(text, "dumped.yaml")

    assert document.diagnostics == ()
    assert document.data == data
    source_map = document.source_map
    lines = text.split("\n")
    for path in _paths(data):
        assert source_map.exists(path)
        raw = source_map.raw_text(path)
        if raw is not None:
            assert _character_at(lines, source_map.value_position(path)) in {raw[:1], "'", '"', "|", ">", ""}
        if isinstance(path[-1], str):
            assert _character_at(lines, source_map.key_position(path)) in {path[-1][:1], "'", '"', "?"}


@BOUNDED
@given(DOCUMENTS)
def test_both_parsers_agree_on_data_and_positions(data):
    text = yaml.safe_dump(data, default_flow_style=False)
    with_libyaml = load_text(text, "dumped.yaml")
    with unittest.mock.patch.object(loader, "_Parser", yaml.SafeLoader):
        pure_python = load_text(text, "dumped.yaml")

    assert pure_python.data == with_libyaml.data
    for path in _paths(data):
        assert pure_python.source_map.value_position(path) == with_libyaml.source_map.value_position(path)
        assert pure_python.source_map.key_position(path) == with_libyaml.source_map.key_position(path)
