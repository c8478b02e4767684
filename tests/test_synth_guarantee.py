"""The guarantee `mlbp validate` makes: a blueprint it accepts synthesizes.

Hypothesis mutates the examples in blueprints/: it adds properties the schema allows,
with values generated from their schema (enums, bounds, patterns, required keys), and
replaces leaves with values drawn from the schema's vocabulary (its enums and every numeric bound, just inside and
outside), from AWS's own lists (instance types of every service, regions) and from
pools of hostile text for the fields that reach AWS as written (CIDRs, bucket names,
tags, names that collide once derived), and it deletes keys. Each example is a batch
of mutated blueprints, validated together as `mlbp validate <folder>` does; every one
that validation accepts is built in one CDK app the way stacks/app.py builds it (with
the construct ids it gives) (cdk.json's context, cdk-nag included) and synthesized.
Synthesis must succeed, and leave no error annotation (cdk-nag's findings, which
make `cdk synth` fail), for every accepted blueprint.

(hypothesis-jsonschema 0.23.1 cannot generate from this schema: with hypothesis
6.170 it fails after minutes on the schema's if/then and not/anyOf, so documents are
derived from the examples instead, which also keeps them close to what users write.)

Profiles: the default run synthesizes a few batches (a few seconds each after the
first). For a long local run::

    MLBP_SYNTH_PROFILE=thorough .venv/bin/python -m pytest tests/test_synth_guarantee.py
"""

from __future__ import annotations

import copy
import json
import math
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mlblueprints.catalog import api_types, cfnlint_offerings, load_catalog
from mlblueprints.loader import load_file, load_text
from mlblueprints.pipeline import validate_documents
from mlblueprints.schema_check import schema_text
from tests.blueprint_factory import to_yaml

pytestmark = pytest.mark.cdk

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [load_file(p).data for p in sorted((ROOT / "blueprints").glob("*.yaml"))]
PROFILES = {"default": dict(batches=3, batch_size=10), "thorough": dict(batches=300, batch_size=8)}
PROFILE = PROFILES[os.environ.get("MLBP_SYNTH_PROFILE", "default")]


def _schema_vocabulary():
    strings, numbers = set(), set()

    def walk(node):
        if isinstance(node, dict):
            for value in node.get("enum", []):
                (numbers if isinstance(value, (int, float)) and not isinstance(value, bool) else strings).add(value)
            for bound in ("minimum", "maximum", "exclusiveMinimum"):
                if bound in node:
                    b = node[bound]
                    numbers.update({b, b - 1, b + 1} if node.get("type") == "integer" else {b, b * 0.999, b * 1.001, b + 1e-9})
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(json.loads(schema_text()))
    return sorted(strings), sorted(numbers)


STRINGS, NUMBERS = _schema_vocabulary()
CATALOG = load_catalog()
INSTANCE_TYPES = sorted(
    set(CATALOG.names())
    | {t for service in ("cluster", "hosting") for types in cfnlint_offerings(service).values() for t in types}
    | api_types("cluster") | api_types("hosting")
)
REGIONS = sorted(cfnlint_offerings("ec2"))
HOSTILE = {
    "cidr": ["999.40.0.0/16", "10.0.0.1/16", "8.8.0.0/16", "100.64.0.0/24", "172.16.0.0/24", "0.0.0.0/16",
             "224.0.0.0/16", "10.0.0.0/24", "192.168.0.0/16"],
    "bucket": ["192.168.10.20", "a..b", "a.-b", "xn--data", "data-s3alias", "data--x-s3", "my.data-1", "abc"],
    "text": ["NLP team (Jane Doe)", "Équipe NLP: Jane + Zoë", "a\u200bb", "ml 🚀", "x\ny", "", "aws:x", "AWS:x",
             "x" * 257, "ml-team@example.com"],
    "name": ["finetune-g5", "finetune--g5", "chat-ab", "chat", "ab-embed", "embed", "a", "a-" * 15 + "a"],
    "number": [math.inf, -math.inf, math.nan, 1e306, -1e306, 5e-324, 0, -1, 0.5, 1, 2, 100, 1000, 10**20],
    # Lengths that fit a field but not what the stack composes from it (s3://<bucket>/<prefix>/<path>).
    "path": ["p" * 512, "a/" * 200 + "b", "x" * 300, "data", "/", "a//b"],
    "uri": ["a.example.com/" + "r" * 240 + ":1", "public.ecr.aws/x/y:1"],
}
FIELD_POOLS = {
    "type": INSTANCE_TYPES, "instance_type": INSTANCE_TYPES, "controller_type": INSTANCE_TYPES,
    "region": REGIONS, "vpc_cidr": HOSTILE["cidr"], "existing": HOSTILE["bucket"], "bucket": HOSTILE["bucket"],
    "owner": HOSTILE["text"], "description": HOSTILE["text"], "name": HOSTILE["name"],
    **dict.fromkeys(["prefix", "output_path", "failure_path", "input_path", "artifact", "import_path"], HOSTILE["path"]),
    "uri": HOSTILE["uri"],
}


def _values_by_key():
    """Every value the examples give each key: mutations that stay plausible, so more of them validate."""
    found: dict[str, set] = {}

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(value, (dict, list)):
                    found.setdefault(key, set()).add(value)
                walk(value)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    for example in EXAMPLES:
        walk(example)
    return {key: sorted(values, key=repr) for key, values in found.items()}


VALUES_BY_KEY = _values_by_key()


def _leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, path + (index,))
    if path:
        yield path


def _set(document, path, value):
    node = document
    for step in path[:-1]:
        node = node[step]
    if value is _DELETE:
        if isinstance(node, dict):
            node.pop(path[-1], None)
        elif len(node) > 1:
            node.pop(path[-1])
    else:
        node[path[-1]] = value


_DELETE = object()


SCHEMA = json.loads(schema_text())


def _resolve(node):
    while "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _schema_at(document, path):
    """The schema of the node at ``path`` (the spec's by kind), or None where it cannot be told."""
    node = SCHEMA
    for index, step in enumerate(path):
        node = _resolve(node)
        if index == 1 and path[0] == "spec":
            kind = document.get("kind", "")
            node = SCHEMA["$defs"].get(kind[:1].lower() + kind[1:] + "Spec")
        elif isinstance(step, int):
            node = node.get("items")
        else:
            node = node.get("properties", {}).get(step)
        if node is None:
            return None
    return _resolve(node)


def from_schema(schema, depth=0):
    """A value for ``schema``: its enum, its bounds, its pattern, or its required properties."""
    schema = _resolve(schema)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        high = schema.get("maximum", 10**6)
        if kind == "integer":
            return st.integers(int(math.ceil(low)), int(high))
        return st.floats(low, high, exclude_min="exclusiveMinimum" in schema, allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        pattern = schema.get("pattern")
        if pattern and "(?" not in pattern:
            return st.from_regex(pattern, fullmatch=True)
        return st.sampled_from(HOSTILE["text"] + STRINGS)
    if kind == "array" and depth < 3:
        return st.lists(from_schema(schema.get("items", {}), depth + 1), min_size=1, max_size=2)
    if kind == "object" and depth < 3:
        properties = schema.get("properties", {})
        required = [k for k in schema.get("required", ()) if k in properties]
        return st.fixed_dictionaries({k: from_schema(properties[k], depth + 1) for k in required})
    return st.none()


def _containers(node, path=()):
    if isinstance(node, dict):
        yield path
        for key, value in node.items():
            yield from _containers(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _containers(value, path + (index,))


@st.composite
def added_property(draw, document):
    """Add a property the schema allows where it is missing, with a value generated from its schema."""
    path = draw(st.sampled_from(list(_containers(document))))
    schema = _schema_at(document, path)
    node = document
    for step in path:
        node = node[step]
    missing = sorted(set((schema or {}).get("properties", {})) - set(node))
    if not missing:
        return
    key = draw(st.sampled_from(missing))
    node[key] = draw(from_schema(schema["properties"][key]))


@st.composite
def mutated_blueprint(draw):
    document = copy.deepcopy(draw(st.sampled_from(EXAMPLES)))
    for _ in range(draw(st.integers(0, 2))):
        draw(added_property(document))
    for _ in range(draw(st.integers(0, 2))):
        path = draw(st.sampled_from(list(_leaves(document))))
        key = next((step for step in reversed(path) if isinstance(step, str)), "")
        pools = [STRINGS, NUMBERS, HOSTILE["number"], HOSTILE["text"]]
        if key in FIELD_POOLS:
            pools = [FIELD_POOLS[key]] * 3 + pools
        if key in VALUES_BY_KEY:
            pools = [VALUES_BY_KEY[key]] * 3 + pools
        if path[0] == "metadata" and len(path) == 3 and path[1] == "tags":
            pools = [HOSTILE["text"]] * 3
        value = draw(st.one_of(st.just(_DELETE), *(st.sampled_from(pool) for pool in pools)))
        _set(document, path, value)
    return document


def _text(document) -> str:
    """YAML of a document whose floats may be non-finite (YAML spells them .inf and .nan)."""
    return to_yaml(document)


@pytest.fixture(scope="module")
def synthesize(cdk_context):
    import aws_cdk as cdk

    from stacks.assembly import add_blueprint_stack
    from stacks.nag import add_checks

    def run(blueprints):
        app = cdk.App(context=cdk_context)
        for blueprint in blueprints:
            add_blueprint_stack(app, blueprint)  # the construct id app.py gives it, so collisions would show
        add_checks(app)
        assembly = app.synth()
        return [
            (stack.stack_name, message.entry.data)
            for stack in assembly.stacks
            for message in stack.messages
            if message.level == cdk.cx_api.SynthesisMessageLevel.ERROR
        ]

    return run


@settings(
    max_examples=PROFILE["batches"], deadline=None, derandomize=PROFILE is PROFILES["default"],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(st.lists(mutated_blueprint(), min_size=PROFILE["batch_size"], max_size=PROFILE["batch_size"]))
def test_every_accepted_blueprint_synthesizes(synthesize, documents):
    # Validated together, as `mlbp validate <folder>` and app.py do: names must not collide across them.
    report = validate_documents([load_text(_text(d), f"case{index}.yaml") for index, d in enumerate(documents)])
    accepted = report.blueprints
    event(f"{len(accepted)} of {len(documents)} accepted")
    if accepted:
        assert synthesize(accepted) == []
