"""The strict loader: every hostile input is one diagnostic at the right place, and
plain YAML reads as YAML 1.2 says, with every node's position kept."""

import math
import time

import pytest
import yaml

from mlblueprints import loader
from mlblueprints.diagnostics import Level
from mlblueprints.loader import MAX_BYTES, MAX_DEPTH, MAX_PROBLEMS, load_file, load_text

FATAL = {"BP001", "BP002", "BP003", "BP004", "BP010", "BP011"}

HOSTILE = [
    # BP002: the first bad byte, counted in characters of its line.
    pytest.param(b"kind: TrainingCluster\nowner: caf\xe9\n", "BP002", 2, 11, id="latin-1-byte"),
    pytest.param(b"\xff\xfek\x00i\x00", "BP002", 1, 1, id="utf-16-bom"),
    pytest.param(b"a: b\nc: \xe2\x82\n", "BP002", 2, 4, id="truncated-sequence"),
    pytest.param(b"a: \xed\xa0\x80\n", "BP002", 1, 4, id="encoded-surrogate"),
    pytest.param("a: é\nb: ".encode() + b"\xc3", "BP002", 2, 4, id="after-multibyte-text"),
    # BP003
    pytest.param("a: 1\nb: x\x00y\n", "BP003", 2, 5, id="nul"),
    pytest.param("a: 1\n\x1b[31mred\n", "BP003", 2, 1, id="terminal-escape"),
    pytest.param("a: x\x7f\n", "BP003", 1, 5, id="delete"),
    pytest.param("a: '\ud800'\n", "BP003", 1, 5, id="lone-surrogate"),
    pytest.param("a: \ufffe\n", "BP003", 1, 4, id="non-character"),
    pytest.param(b"\xef\xbb\xbfa: \x00", "BP003", 1, 4, id="bom-does-not-shift-columns"),
    pytest.param("a: 1\r\nb: 2\r\n\x00", "BP003", 3, 1, id="crlf-counts-one-line"),
    # BP004: libyaml's own mark.
    pytest.param("a: b: c\n", "BP004", 1, 5, id="colon-in-plain-value"),
    pytest.param("spec:\n\tnodes: 1\n", "BP004", 2, 1, id="tab-indent"),
    pytest.param("a: [1, 2\n", "BP004", 2, 1, id="unclosed-bracket"),
    pytest.param("a: [1, 2", "BP004", 1, 9, id="unclosed-at-end-of-last-line"),
    pytest.param("a: 'unterminated\n", "BP004", 2, 1, id="unclosed-quote"),
    pytest.param("spec:\n  a: 1\n b: 2\n", "BP004", 3, 2, id="bad-indent"),
    pytest.param("a: @x\n", "BP004", 1, 4, id="reserved-indicator"),
    pytest.param('a: "\\q"\n', "BP004", 1, 5, id="unknown-escape"),
    pytest.param("a: !foo!bar x\n", "BP004", 1, 4, id="undefined-tag-handle"),
    pytest.param("{a: 1}}\n", "BP004", 1, 7, id="stray-brace"),
    # BP005: at the second occurrence.
    pytest.param("a: 1\nb: 2\na: 3\n", "BP005", 3, 1, id="duplicate-top-level"),
    pytest.param("a: {x: 1, 'x': 2}\n", "BP005", 1, 11, id="duplicate-quoted-flow"),
    pytest.param("spec:\n  nodes:\n    max: 1\n    max: 2\n", "BP005", 4, 5, id="duplicate-nested"),
    pytest.param("? a\n? a\n", "BP005", 2, 3, id="duplicate-explicit-key"),
    # BP006: the anchor or alias itself, never expanded.
    pytest.param("a: &base 1\n", "BP006", 1, 4, id="anchor"),
    pytest.param("a: *base\n", "BP006", 1, 4, id="undefined-alias"),
    pytest.param("a: &m {x: 1}\n", "BP006", 1, 4, id="anchor-on-mapping"),
    # BP007: any explicit tag.
    pytest.param("a: !!python/object:os.system x\n", "BP007", 1, 4, id="python-object"),
    pytest.param("a: !!python/object/apply:os.system [ls]\n", "BP007", 1, 4, id="python-apply"),
    pytest.param("a: !custom x\n", "BP007", 1, 4, id="local-tag"),
    pytest.param("a: !!str 1\n", "BP007", 1, 4, id="str-tag"),
    pytest.param("a: !!binary aGk=\n", "BP007", 1, 4, id="binary-tag"),
    pytest.param("a: ! x\n", "BP007", 1, 4, id="non-specific-tag"),
    pytest.param("!!map\na: 1\n", "BP007", 1, 1, id="root-tag"),
    pytest.param("a: !<tag:example.com,2024:x> y\n", "BP007", 1, 4, id="verbatim-tag"),
    # BP008
    pytest.param("1: a\n", "BP008", 1, 1, id="int-key"),
    pytest.param("a: {true: x}\n", "BP008", 1, 5, id="bool-key"),
    pytest.param("~: x\n", "BP008", 1, 1, id="null-key"),
    pytest.param("a: 1\n1.5: x\n", "BP008", 2, 1, id="float-key"),
    pytest.param("a: 1\n0x1F: x\n", "BP008", 2, 1, id="hex-key"),
    pytest.param("a: 1\n? \n: x\n", "BP008", 2, 2, id="empty-key"),
    pytest.param("? [a, b]\n: c\n", "BP008", 1, 3, id="list-key"),
    pytest.param("{a: 1}: x\n", "BP008", 1, 1, id="mapping-key"),
    # BP009: where the second document starts.
    pytest.param("a: 1\n---\nb: 2\n", "BP009", 2, 1, id="second-document"),
    pytest.param("---\na: 1\n...\n---\nb: 2\n", "BP009", 4, 1, id="explicit-documents"),
    pytest.param("a: 1\n---\n", "BP009", 2, 1, id="trailing-separator"),
    # BP010: the first collection past MAX_DEPTH, found without recursion.
    pytest.param("a: " + "[" * 40 + "]" * 40 + "\n", "BP010", 1, 3 + MAX_DEPTH, id="flow-lists"),
    pytest.param("- " * 40 + "x\n", "BP010", 1, 2 * MAX_DEPTH + 1, id="block-lists"),
    pytest.param(
        "".join("  " * i + f"k{i}:\n" for i in range(40)),
        "BP010", MAX_DEPTH + 1, 2 * MAX_DEPTH + 1, id="block-mappings",
    ),
    # BP011
    pytest.param("", "BP011", 1, 1, id="empty"),
    pytest.param("# only a comment\n", "BP011", 1, 1, id="comment-only"),
    pytest.param("just text\n", "BP011", 1, 1, id="scalar"),
    pytest.param("- a\n- b\n", "BP011", 1, 1, id="list"),
    pytest.param("\n\n  42\n", "BP011", 3, 3, id="number"),
    pytest.param("null\n", "BP011", 1, 1, id="null"),
]


@pytest.mark.parametrize(("source", "code", "line", "col"), HOSTILE)
def test_hostile_input_is_one_diagnostic_at_its_position(source, code, line, col):
    document = load_text(source, "bp.yaml")

    assert [(d.code, d.line, d.col) for d in document.diagnostics] == [(code, line, col)]
    (diagnostic,) = document.diagnostics
    assert diagnostic.file == "bp.yaml"
    assert diagnostic.level is Level.ERROR
    assert diagnostic.hint
    assert (document.data is None) == (code in FATAL)


@pytest.mark.parametrize(
    ("source", "path"),
    [
        ("spec:\n  nodes:\n    max: 1\n    max: 2\n", "spec.nodes.max"),
        ("spec:\n  zones:\n    - !!str a\n", "spec.zones[0]"),
        ("a: [[{b: &x 1}]]\n", "a[0][0].b"),
        ("a: 1\nb: 2\n---\n", ""),
    ],
)
def test_diagnostics_name_the_json_path(source, path):
    (diagnostic,) = load_text(source, "bp.yaml").diagnostics
    assert diagnostic.path == path


def test_syntax_error_message_is_cleaned_up_and_hinted():
    (diagnostic,) = load_text("spec:\n\tnodes: 1\n", "bp.yaml").diagnostics
    assert diagnostic.message == "YAML syntax error: found character that cannot start any token"
    assert "tabs" in diagnostic.hint

    (diagnostic,) = load_text("a: [1, 2\n", "bp.yaml").diagnostics
    assert "while parsing a flow sequence at line 1, column 4" in diagnostic.message


def test_duplicate_key_message_names_the_first_line():
    (diagnostic,) = load_text("a: 1\nb: 2\na: 3\n", "bp.yaml").diagnostics
    assert "line 1" in diagnostic.message


def test_all_problems_are_reported_together_and_data_is_kept():
    source = (
        "apiVersion: v1\n"
        "kind: !!str TrainingCluster\n"
        "metadata: &meta\n"
        "  name: a\n"
        "  name: b\n"
        "spec:\n"
        "  nodes: {max: 1, max: 2}\n"
        "  1: x\n"
        "  ref: *meta\n"
        "kind: again\n"
    )
    document = load_text(source, "bp.yaml")

    assert [(d.code, d.line, d.col) for d in document.diagnostics] == [
        ("BP007", 2, 7),
        ("BP006", 3, 11),
        ("BP005", 5, 3),
        ("BP005", 7, 19),
        ("BP008", 8, 3),
        ("BP006", 9, 8),
        ("BP005", 10, 1),
    ]
    assert document.data == {
        "apiVersion": "v1",
        "kind": "TrainingCluster",
        "metadata": {"name": "a"},
        "spec": {"nodes": {"max": 1}, "ref": None},
    }


def test_problems_before_a_syntax_error_are_kept():
    document = load_text("a: 1\na: 2\nb: [\n", "bp.yaml")
    assert [d.code for d in document.diagnostics] == ["BP005", "BP004"]
    assert document.data is None


def test_anchor_and_tag_on_one_node_are_each_at_their_own_position():
    document = load_text("a: &x !!str v\nb: !!str\n  &y w\n", "bp.yaml")
    assert [(d.code, d.line, d.col) for d in document.diagnostics] == [
        ("BP006", 1, 4),
        ("BP007", 1, 7),
        ("BP007", 2, 4),
        ("BP006", 3, 3),
    ]


def test_billion_laughs_is_rejected_without_expanding():
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    started = time.perf_counter()
    document = load_text("\n".join(lines) + "\n", "bp.yaml")

    assert time.perf_counter() - started < 0.5
    assert {d.code for d in document.diagnostics} == {"BP006"}
    assert len(document.diagnostics) == 9 + 8 * 9
    assert document.data["i"] == [None] * 9


@pytest.mark.parametrize("opener", ["[", "{a: ", "- "], ids=["flow-lists", "flow-mappings", "block-lists"])
def test_a_megabyte_of_nesting_is_refused_fast(opener):
    source = opener * (MAX_BYTES // len(opener))
    started = time.perf_counter()
    document = load_text(source, "bp.yaml")

    assert time.perf_counter() - started < 1.0
    assert [d.code for d in document.diagnostics] == ["BP010"]


def test_text_over_the_size_limit_is_refused():
    document = load_text("#" * (MAX_BYTES + 1), "bp.yaml")
    assert [(d.code, d.line, d.col) for d in document.diagnostics] == [("BP001", 1, 1)]
    assert document.data is None


def test_file_of_one_mebibyte_plus_one_byte_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (MAX_BYTES + 1))
    document = load_file(path)

    assert [(d.code, d.line, d.col) for d in document.diagnostics] == [("BP001", 1, 1)]
    assert document.file == str(path)
    assert document.data is None


def test_file_of_exactly_one_mebibyte_is_read(tmp_path):
    path = tmp_path / "full.yaml"
    path.write_bytes(b"a: " + b"x" * (MAX_BYTES - 4) + b"\n")
    document = load_file(path, display_name="full.yaml")

    assert document.diagnostics == ()
    assert document.file == "full.yaml"
    assert len(document.data["a"]) == MAX_BYTES - 4


def test_huge_file_is_refused_from_its_size_without_reading(tmp_path):
    path = tmp_path / "sparse.yaml"
    with open(path, "wb") as stream:
        stream.truncate(64 * MAX_BYTES)
    started = time.perf_counter()
    document = load_file(path)

    assert time.perf_counter() - started < 0.1
    assert [d.code for d in document.diagnostics] == ["BP001"]


def test_unreadable_paths_raise_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_file(tmp_path / "missing.yaml")
    with pytest.raises(IsADirectoryError):
        load_file(tmp_path)


BLUEPRINT = """\
# a comment first, so the root mapping does not start at 1:1
apiVersion: mlblueprints/v1
kind: TrainingCluster
metadata:
  name: demo
spec:
  availability_zones: [us-east-1a, us-east-1b]
  nodes:
    min: 0
    max: 4
  partitions:
    - name: train
      timeout: 60
  container:
    version: 2.10
    pinned: "2.10"
    script: |
      run
"""


@pytest.fixture(params=["libyaml", "pure-python"])
def parser(request, monkeypatch):
    """Positions must not depend on whether PyYAML was built with libyaml."""
    if request.param == "pure-python":
        monkeypatch.setattr(loader, "_Parser", yaml.SafeLoader)
    return request.param


def test_positions_of_values_keys_and_list_items(parser):
    source_map = load_text(BLUEPRINT, "bp.yaml").source_map

    assert source_map.file == "bp.yaml"
    assert source_map.value_position(("spec", "nodes", "max")) == (10, 10)
    assert source_map.key_position(("spec", "nodes", "max")) == (10, 5)
    assert source_map.value_position(("spec", "availability_zones", 1)) == (7, 36)
    assert source_map.key_position(("spec", "availability_zones", 1)) == (7, 36)
    assert source_map.value_position(("spec", "partitions", 0)) == (12, 7)
    assert source_map.key_position(("spec", "partitions", 0, "timeout")) == (13, 7)
    assert source_map.value_position(("spec", "partitions", 0, "timeout")) == (13, 16)
    assert source_map.value_position(("spec", "nodes")) == (9, 5)
    assert source_map.key_position(("spec", "nodes")) == (8, 3)


def test_root_and_missing_paths_fall_back(parser):
    source_map = load_text(BLUEPRINT, "bp.yaml").source_map

    assert source_map.value_position(()) == (1, 1)
    assert source_map.key_position(()) == (1, 1)
    assert source_map.value_position(("spec", "nodes", "desired")) == (9, 5)
    assert source_map.key_position(("spec", "nodes", "desired")) == (9, 5)
    assert source_map.value_position(["spec", "partitions", 5, "name"]) == (12, 5)
    assert source_map.exists(())
    assert source_map.exists(("spec", "partitions", 0, "name"))
    assert not source_map.exists(("spec", "nodes", "desired"))


def test_raw_text_keeps_what_was_written(parser):
    document = load_text(BLUEPRINT, "bp.yaml")
    source_map = document.source_map

    assert document.data["spec"]["container"]["version"] == 2.1
    assert source_map.raw_text(("spec", "container", "version")) == "2.10"
    assert source_map.raw_text(("spec", "container", "pinned")) == "2.10"
    assert source_map.raw_text(("spec", "container", "script")) == "run\n"
    assert source_map.raw_text(("spec", "nodes", "min")) == "0"
    assert source_map.raw_text(("spec", "nodes")) is None
    assert source_map.raw_text(("spec", "absent")) is None


@pytest.mark.parametrize(
    ("source", "code", "line", "col"),
    [case for case in HOSTILE if case.values[1] in {"BP005", "BP006", "BP007", "BP008", "BP009", "BP010"}],
)
def test_pure_python_parser_reports_the_same_positions(parser, source, code, line, col):
    assert [(d.code, d.line, d.col) for d in load_text(source, "bp.yaml").diagnostics] == [(code, line, col)]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("NO", "NO"),
        ("y", "y"),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("true", True),
        ('"true"', "true"),
        ("'1'", "1"),
        ("~", None),
        ("null", None),
        ("", None),
        ("010", 10),
        ("0x1F", 31),
        ("0o17", 15),
        ("0o8", "0o8"),
        ("0b101", "0b101"),
        ("+12", 12),
        ("-0", 0),
        ("1_000", "1_000"),
        ("1e3", 1000.0),
        ("1.", 1.0),
        (".5", 0.5),
        ("-1.5E-3", -0.0015),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("1:30", "1:30"),
        ("2001-12-14", "2001-12-14"),
        ("1" * 5000, "1" * 5000),
        ("=", "="),
        ("<<", "<<"),
    ],
)
def test_plain_scalars_follow_the_yaml_1_2_core_schema(written, expected):
    value = load_text(f"value: {written}\n", "bp.yaml").data["value"]
    assert type(value) is type(expected)
    assert value == expected


def test_nan_is_a_float():
    assert math.isnan(load_text("value: .NaN\n", "bp.yaml").data["value"])


def test_yaml_1_1_words_stay_keys_too():
    assert load_text("on: push\nNO: country\n", "bp.yaml").data == {"on": "push", "NO": "country"}


def test_bytes_with_a_utf8_bom_are_accepted():
    document = load_text("\ufeffname: café\n".encode(), "bp.yaml")
    assert document.diagnostics == ()
    assert document.data == {"name": "café"}
    assert document.source_map.value_position(("name",)) == (1, 7)


def test_windows_line_endings():
    document = load_text(b"a: 1\r\nb:\r\n  c: x\r\n  d: |\r\n    text\r\n", "bp.yaml")
    assert document.diagnostics == ()
    assert document.data == {"a": 1, "b": {"c": "x", "d": "text\n"}}
    assert document.source_map.value_position(("b", "c")) == (3, 6)


def test_a_flood_of_problems_stops_at_the_cap():
    text = "a: &x 1\n" + "".join(f"k{i}: *x\n" for i in range(50_000))
    document = load_text(text, "flood.yaml")
    assert document.data is None
    assert len(document.diagnostics) == MAX_PROBLEMS + 1
    assert document.diagnostics[-1].code == "BP012"


def test_control_character_hint_is_about_control_characters():
    (bell,) = load_text("kind: Training\x07Cluster\n", "bp.yaml").diagnostics
    (nul,) = load_text("kind: a\x00b\n", "bp.yaml").diagnostics
    assert "control characters" in bell.hint and "NUL" not in bell.hint
    assert "UTF-16" in nul.hint


def test_a_huge_key_is_echoed_shortened():
    key = "k" * 100_000  # an explicit key: YAML caps implicit keys at 1024 characters
    (diagnostic,) = load_text(f"? {key}\n: 1\n? {key}\n: 2\n", "bp.yaml").diagnostics
    assert diagnostic.code == "BP005"
    assert len(diagnostic.message) < 200 and "100,000 characters" in diagnostic.message
