"""JSON Schema validation, with every error turned into a positioned, fixable diagnostic.

Two validators, one schema: jsonschema-rs (compiled, about 8 µs a blueprint)
gives the verdict, and only for an invalid document does the pure-Python
jsonschema (about 1 ms a blueprint) walk it again for the details that the
messages need. jsonschema's own messages name Python reprs and schema
keywords; users need the field, the position, what was expected and a
did-you-mean.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import re
import sys
from importlib import resources
from typing import Any, Iterator

import jsonschema
import jsonschema_rs

from mlblueprints.diagnostics import Diagnostic, Level, dotted, shorten
from mlblueprints.loader import MAX_PROBLEMS, TOO_MANY, SourceMap

SCHEMA_RESOURCE = "blueprint.schema.json"

UNKNOWN_KEY = "BP020"
MISSING_KEY = "BP021"
WRONG_TYPE = "BP022"
NOT_ALLOWED = "BP023"
OUT_OF_RANGE = "BP024"
CONFLICT = "BP025"
#: `.inf`, `.nan`, or a literal too large for a double (1e400): JSON Schema bounds cannot catch
#: NaN (every comparison with it is false), and jsii cannot send either to the CDK.
NOT_FINITE = "BP040"

_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}
_YAML11_BOOLEANS = {"yes", "no", "on", "off", "y", "n"}
_NUMERIC = re.compile(r"[-+]?[0-9]{1,20}(\.[0-9]+)?")


@functools.cache
def schema_text() -> str:
    return resources.files("mlblueprints.schema").joinpath(SCHEMA_RESOURCE).read_text()


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(schema_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@functools.cache
def _fast_validator() -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(json.loads(schema_text()))


def check_schema(document: Any, source_map: SourceMap) -> list[Diagnostic]:
    not_finite = {path: _not_finite(path, source_map) for path in _non_finite_paths(document, ())}
    if not not_finite and _fast_validator().is_valid(document):
        return []
    diagnostics: set[Diagnostic] = set(not_finite.values())
    for error in _validator().iter_errors(document):
        if tuple(error.absolute_path) in not_finite:
            continue  # already said: a bound on a non-finite number is a second word for the same problem
        for diagnostic in _translate(error, source_map):
            diagnostics.add(diagnostic)
            if len(diagnostics) == MAX_PROBLEMS:
                return sorted(diagnostics) + [_stopped(diagnostic)]
    return sorted(diagnostics)


def _non_finite_paths(node: Any, path: tuple) -> Iterator[tuple]:
    if isinstance(node, float) and not math.isfinite(node):
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _non_finite_paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _non_finite_paths(value, path + (index,))


def _not_finite(path: tuple, source_map: SourceMap) -> Diagnostic:
    line, col = source_map.value_position(path)
    return Diagnostic(
        file=source_map.file, line=line, col=col, code=NOT_FINITE, level=Level.ERROR,
        message=f"{_field(path)} is not a finite number (`.inf`, `.nan`, or too large for a 64-bit float)",
        hint="write an ordinary number within the field's range (`mlbp schema` lists each maximum)",
        path=dotted(path),
    )


def _stopped(last: Diagnostic) -> Diagnostic:
    return Diagnostic(
        file=last.file, line=last.line, col=last.col, code=TOO_MANY, level=Level.ERROR,
        message=f"stopped after {MAX_PROBLEMS} problems",
        hint="fix these first; a hostile file should not cost unbounded time",
        path=last.path,
    )


def _translate(error: jsonschema.ValidationError, source_map: SourceMap) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    handler = _HANDLERS.get(error.validator, _out_of_range)
    if error.validator == "maxProperties" and error.validator_value == 1:
        handler = _exclusive_choice
    for code, field_path, (line, col), message, hint in handler(error, path, source_map):
        yield Diagnostic(
            file=source_map.file,
            line=line,
            col=col,
            code=code,
            level=Level.ERROR,
            message=message,
            hint=hint,
            path=dotted(field_path),
        )


def _field(path) -> str:
    return f"`{dotted(path)}`" if path else "the document"


def _unknown_keys(error, path, source_map):
    allowed = sorted(error.schema.get("properties", {}))
    for key in (k for k in error.instance if k not in error.schema.get("properties", {})):  # in file order
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`?" if close else f"allowed keys here: {', '.join(allowed)}"
        yield (
            UNKNOWN_KEY,
            path + (key,),
            source_map.key_position(path + (key,)),
            f"unknown key `{shorten(str(key))}` in {_field(path)}",
            hint,
        )


def _missing_keys(error, path, source_map):
    properties = error.schema.get("properties", {})
    for key in error.validator_value:
        if key in error.instance:
            continue
        description = properties.get(key, {}).get("description", "")
        yield (
            MISSING_KEY,
            path + (key,),
            source_map.key_position(path) if path else (1, 1),
            f"{_field(path)} is missing required key `{key}`",
            f"add `{key}:`" + (f" ({description})" if description else ""),
        )


def _wrong_type(error, path, source_map):
    expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in expected)
    value = error.instance
    hint = error.schema.get("description", "")
    raw = source_map.raw_text(path)
    if "boolean" in expected and isinstance(value, str) and value.lower() in _YAML11_BOOLEANS:
        hint = f"write true or false; `{value}` is text in YAML 1.2, not a boolean"
    elif "string" in expected and isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = shorten(raw if raw is not None else json.dumps(value))
        hint = f'quote it: "{shown}" (unquoted, YAML reads it as a number)'
    elif {"integer", "number"} & set(expected) and isinstance(value, str) and _NUMERIC.fullmatch(value):
        hint = f"write it without quotes: {value}"
    message = f"{_field(path)} must be {wanted}, not {_describe(value)}"
    if {"integer", "number"} & set(expected) and _unreadable_number(value):
        message = f"{_field(path)} is a {len(value):,}-digit number, far beyond any value it can take"
    yield (WRONG_TYPE, path, source_map.value_position(path), message, hint)


def _unreadable_number(value: Any) -> bool:
    """A decimal the loader kept as text because Python will not read that many digits."""
    digits = value.lstrip("+-") if isinstance(value, str) else ""
    return len(digits) > sys.get_int_max_str_digits() and digits.isascii() and digits.isdigit()


def _not_allowed(error, path, source_map):
    allowed = error.validator_value if error.validator == "enum" else [error.validator_value]
    shown = ", ".join(str(a) for a in allowed)
    hint = f"allowed: {shown}"
    if isinstance(error.instance, str):
        close = difflib.get_close_matches(error.instance, [str(a) for a in allowed], n=1, cutoff=0.5)
        if close:
            hint = f"did you mean `{close[0]}`? (allowed: {shown})"
    yield (
        NOT_ALLOWED,
        path,
        source_map.value_position(path),
        f"{_field(path)} is {_describe(error.instance)}, which is not allowed",
        hint,
    )


def _bad_pattern(error, path, source_map):
    yield (
        OUT_OF_RANGE,
        path,
        source_map.value_position(path),
        f"{_field(path)} value {_describe(error.instance)} is not in the expected form",
        error.schema.get("description", f"expected to match {error.validator_value}"),
    )


def _out_of_range(error, path, source_map):
    limits = {
        "minimum": "at least {}",
        "maximum": "at most {}",
        "exclusiveMinimum": "greater than {}",
        "exclusiveMaximum": "less than {}",
        "minLength": "at least {} characters long",
        "maxLength": "at most {} characters long",
        "minItems": "a list of at least {} items",
        "maxItems": "a list of at most {} items",
        "maxProperties": "a mapping of at most {} keys",
        "minProperties": "a mapping of at least {} keys",
    }
    template = limits.get(error.validator)
    if template is not None:
        message = f"{_field(path)} must be " + template.format(error.validator_value)
    elif error.validator == "uniqueItems":
        message = f"{_field(path)} lists the same item twice"
    else:
        message = f"{_field(path)} is not valid: {error.message}"
    yield (
        OUT_OF_RANGE,
        path,
        source_map.value_position(path),
        message,
        error.schema.get("description", ""),
    )


def _exclusive_choice(error, path, source_map):
    """``maxProperties: 1``, ``not: required`` and ``anyOf`` of requireds: the "one of these" shapes."""
    if not isinstance(error.instance, dict):
        return  # `required` ignores non-mappings, so `not: {required}` fails on them; the type error says it all
    if error.validator == "anyOf":
        options = [" and ".join(f"`{k}`" for k in alt.get("required", [])) for alt in error.validator_value]
        message = f"{_field(path)} needs " + ", or ".join(options)
    else:
        present = [k for k in _choice_keys(error.schema) if k in error.instance]
        message = f"{_field(path)} sets " + " and ".join(f"`{k}`" for k in present) + "; choose one"
    yield (
        CONFLICT,
        path,
        source_map.key_position(path) if path else (1, 1),
        message,
        error.schema.get("description", ""),
    )


def _dependent(error, path, source_map):
    for key, needs in error.validator_value.items():
        if key not in error.instance:
            continue
        for needed in needs:
            if needed not in error.instance:
                yield (
                    CONFLICT,
                    path + (key,),
                    source_map.key_position(path + (key,)),
                    f"`{dotted(path + (key,))}` only applies together with `{needed}`",
                    f"add `{needed}`, or remove `{key}`",
                )


def _choice_keys(schema: dict) -> list[str]:
    """Keys named by the schema's ``not``/``anyOf`` branches, or its properties for ``maxProperties``."""
    keys: list[str] = []

    def collect(node):
        if isinstance(node, dict):
            keys.extend(k for k in node.get("required", []) if k not in keys)
            for branch in node.get("anyOf", []) + node.get("oneOf", []):
                collect(branch)
            collect(node.get("not"))

    collect(schema.get("not"))
    return keys or sorted(schema.get("properties", {}))


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return shorten(value, json.dumps)
    if value is None:
        return "empty (null)"
    return "a mapping" if isinstance(value, dict) else "a list"


_HANDLERS = {
    "additionalProperties": _unknown_keys,
    "required": _missing_keys,
    "type": _wrong_type,
    "enum": _not_allowed,
    "const": _not_allowed,
    "pattern": _bad_pattern,
    "anyOf": _exclusive_choice,
    "oneOf": _exclusive_choice,
    "not": _exclusive_choice,
    "dependentRequired": _dependent,
}
