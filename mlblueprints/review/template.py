"""Reading a CloudFormation template the way the review rules need it.

Plain functions over the template dict (cfn-lint's decoded nodes are dict, list
and str subclasses, so the same code works on ``json.load`` output in tests).
Nothing here knows about a particular AWS service; the rules do.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

Path = tuple[str | int, ...]

#: DeletionPolicy values that keep the resource when the stack is deleted.
#: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
RETAINING = frozenset({"Retain", "RetainExceptOnCreate"})

_SUB_NAME = re.compile(r"\$\{(?!!)([A-Za-z0-9:]+)(?:\.[A-Za-z0-9.]+)?\}")


def resources(template: dict) -> dict[str, dict]:
    found = template.get("Resources", {})
    return {name: r for name, r in found.items() if isinstance(r, dict)} if isinstance(found, dict) else {}


def of_type(template: dict, *types: str) -> Iterator[tuple[str, dict]]:
    for name, resource in resources(template).items():
        if resource.get("Type") in types:
            yield name, resource


def properties(resource: dict) -> dict:
    props = resource.get("Properties", {})
    return props if isinstance(props, dict) else {}


def is_retained(resource: dict) -> bool:
    return resource.get("DeletionPolicy") in RETAINING


def as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def references(value: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """``(path, name)`` for every Ref, Fn::GetAtt and Fn::Sub variable inside ``value``.

    ``name`` is a logical id, a parameter or a pseudo parameter (``AWS::Region``);
    callers keep the names they care about.
    """
    if isinstance(value, dict):
        if len(value) == 1:
            (key, argument), = value.items()
            if key == "Ref" and isinstance(argument, str):
                yield path, argument
                return
            if key == "Fn::GetAtt":
                target = argument[0] if isinstance(argument, list) and argument else argument
                if isinstance(target, str):
                    yield path, target.split(".", 1)[0]
                return
            if key == "Fn::Sub":
                text = argument[0] if isinstance(argument, list) and argument else argument
                if isinstance(text, str):
                    for name in _SUB_NAME.findall(text):
                        yield path, name
                if isinstance(argument, list) and len(argument) > 1:
                    yield from references(argument[1], (*path, key, 1))
                return
        for key, item in value.items():
            yield from references(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from references(item, (*path, index))


def target(value: Any) -> str | None:
    """The logical id that ``value`` is a bare Ref or Fn::GetAtt of, else None."""
    if isinstance(value, dict) and len(value) == 1:
        (key, argument), = value.items()
        if key == "Ref" and isinstance(argument, str):
            return argument
        if key == "Fn::GetAtt":
            name = argument[0] if isinstance(argument, list) and argument else argument
            return name.split(".", 1)[0] if isinstance(name, str) else None
    return None


def get_att(value: Any) -> tuple[str, str] | None:
    """``(logical id, attribute)`` when ``value`` is a bare Fn::GetAtt, else None."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::GetAtt" in value:
        argument = value["Fn::GetAtt"]
        if isinstance(argument, str) and "." in argument:
            name, attribute = argument.split(".", 1)
            return name, attribute
        if isinstance(argument, list) and len(argument) == 2 and all(isinstance(a, str) for a in argument):
            return argument[0], argument[1]
    return None


def literal_text(value: Any) -> str | None:
    """``value`` as a string when it is a literal or an Fn::Join of literals, else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1 and "Fn::Join" in value:
        argument = value["Fn::Join"]
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], list):
            parts = [literal_text(part) for part in argument[1]]
            if all(part is not None for part in parts) and isinstance(argument[0], str):
                return argument[0].join(parts)
    return None


def text_form(value: Any) -> str | None:
    """``value`` as text with ``${Name}`` for each Ref and ``${Name.Attribute}`` for each GetAtt, else None.

    Joins and Subs of those are rendered too, so that an ARN the CDK writes as
    ``{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::data/*"]]}``
    reads ``arn:${AWS::Partition}:s3:::data/*``.
    """
    if isinstance(value, str):
        return value
    if not isinstance(value, dict) or len(value) != 1:
        return None
    (key, argument), = value.items()
    if key == "Ref" and isinstance(argument, str):
        return "${" + argument + "}"
    if key == "Fn::GetAtt":
        pair = get_att(value)
        return "${" + ".".join(pair) + "}" if pair else None
    if key == "Fn::Sub" and isinstance(argument, str):
        return argument
    if key == "Fn::Join" and isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], list):
        parts = [text_form(part) for part in argument[1]]
        if isinstance(argument[0], str) and all(part is not None for part in parts):
            return argument[0].join(parts)
    return None
