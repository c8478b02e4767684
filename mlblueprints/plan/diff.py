"""Resource-by-resource diff of two templates, with CloudFormation's replacement rules.

A resource is replaced when its logical id or type changes (shown as a removal plus an
addition, or as a type change) or when a create-only property changes. Create-only
properties come from the resource schemas in the installed cfn-lint, plus the short
curated list in data/replacement.json for properties the schemas miss. When the changed
value is only known at deploy time (an intrinsic function), or when a create-only
property refers to a resource that is itself replaced, the answer is "may replace".
"""

from __future__ import annotations

import enum
import functools
import json
from dataclasses import dataclass, field
from importlib import resources

#: Template keys of a resource whose change is an update (Metadata is not: it never touches the resource).
COMPARED_KEYS = ("Properties", "DeletionPolicy", "UpdateReplacePolicy", "DependsOn", "Condition", "UpdatePolicy")
INTRINSICS = ("Ref", "Fn::GetAtt", "Fn::ImportValue", "Fn::Select", "Fn::Join", "Fn::Sub", "Fn::If", "Fn::Split")
RETAINING_POLICIES = ("Retain", "RetainExceptOnCreate", "Snapshot")


class Action(str, enum.Enum):
    ADD = "add"
    REMOVE = "remove"
    MODIFY = "modify"
    MAY_REPLACE = "may replace"
    REPLACE = "replace"


@dataclass
class ResourceChange:
    logical_id: str
    type: str
    action: Action
    #: Changed property paths (``/properties/LustreConfiguration/DeploymentType``), for modify and replace.
    properties: list[str] = field(default_factory=list)
    #: Why it is replaced, in words (for replace and may replace).
    reasons: list[str] = field(default_factory=list)
    old: dict | None = None
    new: dict | None = None


@functools.cache
def replacement_data() -> dict:
    return json.loads(resources.files("mlblueprints").joinpath("data/replacement.json").read_text())


@functools.cache
def create_only_properties(resource_type: str, region: str) -> tuple[str, ...]:
    """The schema's createOnlyProperties of ``resource_type`` plus the curated gaps."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER  # imported late: it loads many schemas

    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, resource_type).schema
        listed = tuple(schema.get("createOnlyProperties", ()))
    except Exception:  # cfn-lint raises its own errors for unknown types and regions
        listed = ()
    gaps = tuple(g["property"] for g in replacement_data()["create_only_gaps"] if g["type"] == resource_type)
    return listed + gaps


def is_stateful(resource: dict) -> bool:
    return resource.get("Type") in replacement_data()["stateful_types"] or any(
        resource.get(key) in RETAINING_POLICIES for key in ("DeletionPolicy", "UpdateReplacePolicy")
    )


def data_at_risk(resource: dict) -> str:
    described = replacement_data()["stateful_types"].get(resource.get("Type"))
    return described or "the resource is retained on purpose: whatever it holds"


def diff_templates(old: dict | None, new: dict | None, region: str) -> list[ResourceChange]:
    """Changes from ``old`` to ``new`` (either may be None: a stack created or deleted)."""
    old_resources = (old or {}).get("Resources", {})
    new_resources = (new or {}).get("Resources", {})
    changes: dict[str, ResourceChange] = {}
    for logical_id, resource in old_resources.items():
        if logical_id not in new_resources:
            changes[logical_id] = ResourceChange(logical_id, resource.get("Type", "?"), Action.REMOVE, old=resource)
    for logical_id, resource in new_resources.items():
        before = old_resources.get(logical_id)
        if before is None:
            changes[logical_id] = ResourceChange(logical_id, resource.get("Type", "?"), Action.ADD, new=resource)
            continue
        change = _compare(logical_id, before, resource, region)
        if change is not None:
            changes[logical_id] = change
    _propagate(changes, new_resources, region)
    return sorted(changes.values(), key=lambda c: c.logical_id)


def _compare(logical_id: str, old: dict, new: dict, region: str) -> ResourceChange | None:
    if old.get("Type") != new.get("Type"):
        return ResourceChange(
            logical_id, new.get("Type", "?"), Action.REPLACE,
            reasons=[f"type changes from {old.get('Type')} to {new.get('Type')}"], old=old, new=new,
        )
    changed = [
        path
        for key in COMPARED_KEYS
        for path in _changed_paths(old.get(key), new.get(key), "/" + key.lower() if key == "Properties" else "/" + key)
    ]
    if not changed:
        return None
    create_only = create_only_properties(new["Type"], region)
    action, reasons = Action.MODIFY, []
    for path in changed:
        prop = next((p for p in create_only if path == p or path.startswith(p + "/")), None)
        if prop is None:  # a whole object changed (one side is an intrinsic) that holds a create-only property
            prop = next((p for p in create_only if p.startswith(path + "/")
                         and _value_at(old, p) != _value_at(new, p)), None)
        if prop is None:
            continue
        if _is_dynamic(_value_at(old, prop)) or _is_dynamic(_value_at(new, prop)):
            reasons.append(f"{_short(prop)} is create-only and its value is known only at deploy time")
            action = max(action, Action.MAY_REPLACE, key=_severity)
        else:
            reasons.append(f"{_short(prop)} is create-only: {_show(_value_at(old, prop))} -> {_show(_value_at(new, prop))}")
            action = Action.REPLACE
    return ResourceChange(logical_id, new["Type"], action, properties=changed, reasons=reasons, old=old, new=new)


def _propagate(changes: dict[str, ResourceChange], new_resources: dict, region: str) -> None:
    """A create-only property that refers to a replaced resource may replace its owner too (repeat until stable)."""
    while True:
        replaced = {i for i, c in changes.items() if c.action in (Action.REPLACE, Action.MAY_REPLACE)}
        grew = False
        for logical_id, resource in new_resources.items():
            change = changes.get(logical_id)
            if change is not None and change.action in (Action.ADD, Action.REPLACE, Action.MAY_REPLACE):
                continue
            for prop in create_only_properties(resource.get("Type", ""), region):
                hits = _references(_value_at(resource, prop)) & replaced
                if hits:
                    reason = f"{_short(prop)} refers to {', '.join(sorted(hits))}, which is replaced"
                    if change is None:
                        change = ResourceChange(logical_id, resource["Type"], Action.MAY_REPLACE, old=resource, new=resource)
                        changes[logical_id] = change
                    change.action = Action.MAY_REPLACE
                    change.reasons.append(reason)
                    grew = True
                    break
        if not grew:
            return


def _severity(action: Action) -> int:
    return list(Action).index(action)


def _changed_paths(old, new, path: str) -> list[str]:
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict) and not _is_intrinsic(old) and not _is_intrinsic(new):
        return [p for key in sorted(old.keys() | new.keys()) for p in _changed_paths(old.get(key), new.get(key), f"{path}/{key}")]
    return [path]


def _value_at(resource: dict, pointer: str):
    """The value at ``/properties/A/B`` in a resource (None if absent or under a list)."""
    value = resource.get("Properties", {})
    for part in pointer.split("/")[2:]:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _is_intrinsic(value) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in INTRINSICS


def _is_dynamic(value) -> bool:
    if isinstance(value, dict):
        return any(key in INTRINSICS for key in value) or any(_is_dynamic(v) for v in value.values())
    if isinstance(value, list):
        return any(_is_dynamic(v) for v in value)
    return False


def _references(value) -> set[str]:
    if isinstance(value, dict):
        found = set()
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt" and isinstance(inner, list) and inner:
                found.add(str(inner[0]))
            else:
                found |= _references(inner)
        return found
    if isinstance(value, list):
        return set().union(*(_references(v) for v in value)) if value else set()
    return set()


def _short(pointer: str) -> str:
    return ".".join(pointer.split("/")[2:]) or pointer


def _show(value) -> str:
    text = json.dumps(value, sort_keys=True) if value is not None else "(unset)"
    return text if len(text) <= 60 else text[:57] + "..."
