"""Build blueprint documents for tests: a valid base plus a patch, validated in memory."""

from __future__ import annotations

import copy

import yaml

from mlblueprints.loader import load_text
from mlblueprints.pipeline import Report, validate_documents

DELETE = object()

BASE = {
    "apiVersion": "mlblueprints/v1",
    "kind": "TrainingCluster",
    "metadata": {"name": "unit", "owner": "ml@example.com"},
    "spec": {
        "region": "us-east-1",
        "instance": {"type": "g5.2xlarge"},
        "nodes": {"min": 0, "desired": 1, "max": 2},
        "image": {"dlami": "base-gpu"},
        "container": {"framework": "pytorch", "version": "2.6"},
    },
}


def patched(patch: dict | None = None, base: dict = BASE) -> dict:
    """Deep-merge ``patch`` into a copy of ``base``; a value of DELETE removes the key."""
    document = copy.deepcopy(base)
    _merge(document, patch or {})
    return document


def _merge(target: dict, patch: dict) -> None:
    for key, value in patch.items():
        if value is DELETE:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def to_yaml(document: dict) -> str:
    return yaml.safe_dump(document, sort_keys=False)


def check(*texts: str, names: tuple[str, ...] = ()) -> Report:
    """Validate YAML texts together, as `mlbp validate` would validate several files."""
    names = names or tuple(f"bp{i}.yaml" for i in range(len(texts)))
    return validate_documents([load_text(text, name) for text, name in zip(texts, names)])


def check_patch(patch: dict | None = None) -> Report:
    return check(to_yaml(patched(patch)))


def codes(report: Report) -> list[tuple[str, str]]:
    """(code, JSON path) of each diagnostic: what rule tables assert on."""
    return [(d.code, d.path) for d in report.diagnostics]
