"""Property-based: random schema-shaped documents never crash the pipeline.

Documents are generated from the blueprint schema's own vocabulary (its keys
and enum values) mixed with junk, so they reach the schema, the model and the
rules instead of all dying at the first missing key.
"""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlblueprints.diagnostics import Level
from mlblueprints.pipeline import INTERNAL_ERROR
from mlblueprints.schema_check import schema_text
from tests.blueprint_factory import BASE, check, patched, to_yaml

SCHEMA = json.loads(schema_text())


def _vocabulary():
    keys, values = set(), set()

    def walk(node):
        if isinstance(node, dict):
            keys.update(node.get("properties", {}))
            values.update(v for v in node.get("enum", []) if isinstance(v, str))
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(SCHEMA)
    return sorted(keys), sorted(values)


KEYS, ENUMS = _vocabulary()
scalars = st.one_of(
    st.sampled_from(ENUMS),
    st.integers(-5, 5000),
    st.booleans(),
    st.none(),
    st.sampled_from(["us-east-1", "us-east-1a", "p4d.24xlarge", "g5.xlarge", "2.6", "cr-0123456789abcdef0"]),
    st.text(max_size=8),
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(KEYS), children, max_size=4),
    max_leaves=12,
)


def _mutations():
    section = st.sampled_from(["instance", "nodes", "capacity", "image", "container", "storage", "network", "access"])
    return st.dictionaries(section, values, max_size=3).map(lambda spec: {"spec": spec})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_mutated_blueprints_never_crash(patch):
    report = check(to_yaml(patched(patch)))
    assert all(d.code != INTERNAL_ERROR for d in report.diagnostics), report.diagnostics
    assert all(d.line >= 1 and d.col >= 1 for d in report.diagnostics)
    if not any(d.level is Level.ERROR for d in report.diagnostics):
        assert len(report.blueprints) == 1


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(list(BASE) + KEYS[:20]), values, max_size=5))
def test_random_documents_never_crash(document):
    report = check(to_yaml(document))
    assert all(d.code != INTERNAL_ERROR for d in report.diagnostics), report.diagnostics


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_fast_and_detailed_validators_agree(patch):
    """jsonschema-rs decides validity; jsonschema explains it. They must never disagree."""
    from mlblueprints.schema_check import _fast_validator, _validator

    document = patched(patch)
    assert _fast_validator().is_valid(document) == _validator().is_valid(document)
