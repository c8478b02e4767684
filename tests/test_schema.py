"""Schema errors: the right code, at the right line and column, with a useful hint."""

import json

import jsonschema
import pytest

from mlblueprints.schema_check import schema_text
from tests.blueprint_factory import check

HEADER = """\
apiVersion: mlblueprints/v1
kind: TrainingCluster
metadata:
  name: unit
  owner: ml@example.com
"""
SPEC = """\
spec:
  region: us-east-1
  instance:
    type: g5.2xlarge
  nodes: {min: 0, max: 2}
  image:
    dlami: base-gpu
"""


def only(report):
    (diagnostic,) = report.diagnostics
    return diagnostic


def test_schema_is_valid_2020_12_with_descriptions_everywhere():
    schema = json.loads(schema_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"

    def walk(node, where):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                assert node.get("additionalProperties") is False, where
                for name, prop in node["properties"].items():
                    assert "description" in prop or "$ref" in prop, f"{where}.{name}"
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    walk(schema, "$")


def test_base_document_is_valid():
    assert check(HEADER + SPEC).diagnostics == []


@pytest.mark.parametrize(
    "text, code, line, col, path",
    [
        pytest.param(HEADER + SPEC + "  regoin: x\n", "BP020", 13, 3, "spec.regoin", id="unknown-key"),
        pytest.param(HEADER + SPEC.replace("  region: us-east-1\n", ""), "BP021", 6, 1, "spec.region", id="missing-key"),
        pytest.param(HEADER + SPEC.replace("max: 2", 'max: "2"'), "BP022", 10, 24, "spec.nodes.max", id="string-for-int"),
        pytest.param(HEADER + SPEC.replace("dlami: base-gpu", "dlami: base-gpus"), "BP023", 12, 12, "spec.image.dlami", id="bad-enum"),
        pytest.param(HEADER + SPEC.replace("us-east-1", "US-EAST-1"), "BP024", 7, 11, "spec.region", id="bad-pattern"),
        pytest.param(HEADER + SPEC.replace("max: 2", "max: 0"), "BP024", 10, 24, "spec.nodes.max", id="below-minimum"),
        pytest.param(
            HEADER + SPEC.replace("    type: g5.2xlarge\n", "    type: g5.2xlarge\n    accelerators: {type: a10g, count: 1}\n"),
            "BP025", 8, 3, "spec.instance", id="two-of-exclusive",
        ),
        pytest.param(
            HEADER + SPEC.replace("dlami: base-gpu", "os: ubuntu-22.04"),
            "BP025", 11, 3, "spec.image", id="image-needs-one-choice",
        ),
        pytest.param(HEADER.replace("kind: TrainingCluster", "kind: TrainingClustr"), "BP023", 2, 7, "kind", id="bad-kind"),
    ],
)
def test_schema_error_positions(text, code, line, col, path):
    diagnostics = [d for d in check(text).diagnostics if d.code == code]
    assert [(d.line, d.col, d.path) for d in diagnostics][:1] == [(line, col, path)]


def test_unknown_key_suggests_the_close_one():
    diagnostic = only(check(HEADER + SPEC + "  regoin: x\n"))
    assert diagnostic.hint == "did you mean `region`?"


def test_bad_enum_suggests_the_close_one():
    diagnostic = only(check(HEADER + SPEC.replace("dlami: base-gpu", "dlami: base-gpus")))
    assert diagnostic.hint.startswith("did you mean `base-gpu`?")


def test_yes_for_a_boolean_is_a_type_error_with_a_hint():
    diagnostic = only(check(HEADER + SPEC + "  access:\n    session_manager: yes\n"))
    assert diagnostic.code == "BP022"
    assert "true or false" in diagnostic.hint


def test_unquoted_version_is_a_type_error_that_shows_the_original_text():
    text = HEADER + SPEC + "  container:\n    framework: pytorch\n    version: 2.10\n"
    diagnostic = only(check(text))
    assert diagnostic.code == "BP022"
    assert '"2.10"' in diagnostic.hint


def test_every_problem_is_reported():
    text = HEADER + SPEC.replace("max: 2", "max: 0").replace("us-east-1", "nowhere") + "  extra: 1\n"
    assert {d.code for d in check(text).diagnostics} == {"BP020", "BP024"}
    assert len(check(text).diagnostics) == 3


def test_loader_and_schema_problems_are_reported_together():
    source = HEADER.replace("  owner: ml@example.com\n", "  owner: ml@example.com\n  name: again\n") + SPEC.replace(
        "region:", "regoin:"
    )
    report = check(source)
    assert [(d.code, d.path) for d in report.diagnostics if d.code in ("BP005", "BP020")] == [
        ("BP005", "metadata.name"),
        ("BP020", "spec.regoin"),
    ]
    assert not report.blueprints


def test_schema_does_not_echo_what_the_loader_dropped():
    # The alias is dropped (null); the schema would call `spec.nodes` "empty" at the same spot.
    report = check(HEADER + SPEC.replace("nodes: {min: 0, max: 2}", "nodes: *sizes"))
    assert [d.code for d in report.diagnostics] == ["BP006"]


def test_schema_problems_stop_at_the_cap_in_file_order():
    source = HEADER + SPEC + "".join(f"extra{i}: 1\n" for i in range(500))
    codes = [d.code for d in check(source).diagnostics]
    assert codes.count("BP020") == 100
    assert codes.count("BP012") == 1
    unknown = [d.message for d in check(source).diagnostics if d.code == "BP020"]
    assert "`extra0`" in unknown[0] and "`extra99`" in unknown[-1]


def test_long_values_are_echoed_shortened():
    diagnostic = only(check(HEADER.replace("mlblueprints/v1", "v" * 900_000) + SPEC))
    assert diagnostic.code == "BP023"
    assert len(diagnostic.message) < 200 and "900,000 characters" in diagnostic.message


def test_a_number_too_long_to_read_is_called_too_large():
    diagnostic = only(check(HEADER + SPEC.replace("max: 2", "max: 1" + "0" * 5000)))
    assert (diagnostic.code, diagnostic.path) == ("BP022", "spec.nodes.max")
    assert "5,001-digit number" in diagnostic.message and len(diagnostic.message) < 200


def test_a_quoted_number_is_a_type_error_not_a_huge_number():
    diagnostic = only(check(HEADER + SPEC.replace("max: 2", 'max: "2"')))
    assert (diagnostic.code, diagnostic.path) == ("BP022", "spec.nodes.max")
    assert diagnostic.message == '`spec.nodes.max` must be a whole number, not "2"'
    assert diagnostic.hint == "write it without quotes: 2"
