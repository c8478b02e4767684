"""What stack tests share: a synthesized blueprint and walks over its IAM policies."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from aws_cdk import Stack
from aws_cdk.assertions import Annotations, Template

from mlblueprints.diagnostics import Level
from mlblueprints.model import Blueprint
from tests.blueprint_factory import check, to_yaml


@dataclass(frozen=True)
class Synth:
    """One blueprint's stack, with its template and cdk-nag annotations made on first use."""

    blueprint: Blueprint
    stack: Stack

    @cached_property
    def template(self) -> Template:
        return Template.from_stack(self.stack)

    @cached_property
    def annotations(self) -> Annotations:
        return Annotations.from_stack(self.stack)

    @property
    def json(self) -> dict:
        return self.template.to_json()

    def resources(self, kind: str) -> dict:
        return self.template.find_resources(kind)

    def one(self, kind: str) -> tuple[str, dict]:
        found = self.resources(kind)
        assert len(found) == 1, f"expected one {kind}, found {sorted(found)}"
        return next(iter(found.items()))

    def props(self, kind: str) -> dict:
        return self.one(kind)[1]["Properties"]


def valid(document: dict) -> Blueprint:
    """The blueprint of ``document``, which must have no errors."""
    report = check(to_yaml(document))
    errors = [d.format_text() for d in report.diagnostics if d.level is Level.ERROR]
    assert not errors, "\n".join(errors)
    return report.blueprints[0]


def identity_statements(template: dict):
    """Allow statements of IAM identity policies (inline policies and roles' inline policies)."""
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        documents = []
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            documents.append(props["PolicyDocument"])
        if resource["Type"] == "AWS::IAM::Role":
            documents.extend(p["PolicyDocument"] for p in props.get("Policies", []))
        for document in documents:
            for statement in document["Statement"]:
                if statement["Effect"] == "Allow":
                    yield statement


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]
