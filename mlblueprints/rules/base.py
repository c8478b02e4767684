"""What a semantic rule is: a stable id, a level, a summary, a source, and a check.

Modelled on cfn-lint's rule classes. A rule yields findings that name a JSON
path; the engine positions them, applies suppressions and assigns the level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterable, Sequence

from mlblueprints.catalog import Catalog, InstanceType
from mlblueprints.diagnostics import Level
from mlblueprints.model import Blueprint
from mlblueprints.resolve import resolve_instance

JsonPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    path: JsonPath
    message: str
    hint: str = ""


class RuleContext:
    """Shared, cached lookups so that several rules resolving the same thing pay once."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._instances: dict[int, InstanceType | None] = {}

    def instance(self, blueprint: Blueprint) -> InstanceType | None:
        """The resolved instance type, or None when it does not resolve (BP101 reports why)."""
        key = id(blueprint)
        if key not in self._instances:
            spec = blueprint.spec
            self._instances[key] = resolve_instance(spec.instance, spec.region, self.catalog)
        return self._instances[key]


class Rule:
    """A check of one blueprint."""

    id: ClassVar[str]
    level: ClassVar[Level]
    summary: ClassVar[str]
    source_url: ClassVar[str]
    kinds: ClassVar[frozenset[str]] = frozenset({"TrainingCluster"})

    def check(self, blueprint: Blueprint, context: RuleContext) -> Iterable[Finding]:
        raise NotImplementedError


class CrossRule:
    """A check across every blueprint validated together."""

    id: ClassVar[str]
    level: ClassVar[Level]
    summary: ClassVar[str]
    source_url: ClassVar[str]

    def check_all(self, blueprints: Sequence[Blueprint]) -> Iterable[tuple[Blueprint, Finding]]:
        raise NotImplementedError
