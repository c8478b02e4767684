"""What stack tests share: a synthesized blueprint (its data and compute stacks) and walks over its IAM policies.

Most assertions are about the blueprint, not about which of its two stacks holds
a resource, so ``Synth.template`` and ``Synth.json`` are both templates merged
(their logical ids never collide: they are paths in different stacks), with
every handoff parameter of the compute stack replaced by the value the data
stack writes into it (stacks/handoff.py): a launch template's ``Groups`` then
read ``Fn::GetAtt`` of the node security group, as CloudFormation resolves them.
Tests about the split itself use ``data_json`` and ``compute_json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from aws_cdk.assertions import Annotations, Template

from mlblueprints.diagnostics import Level
from mlblueprints.model import Blueprint
from tests.blueprint_factory import check, to_yaml


#: Template sections both stacks may carry with the same content.
SHARED_KEYS = {"BootstrapVersion", "CDKMetadata", "CheckBootstrapVersion"}


class BothAnnotations:
    """cdk-nag findings of both stacks, asked like one stack's ``Annotations``."""

    def __init__(self, *stacks) -> None:
        self._each = [Annotations.from_stack(s) for s in stacks]

    def find_error(self, *args):
        return [found for a in self._each for found in a.find_error(*args)]

    def find_warning(self, *args):
        return [found for a in self._each for found in a.find_warning(*args)]


@dataclass(frozen=True)
class Synth:
    """One blueprint's stacks (``stacks.data``, ``stacks.compute``), with templates and cdk-nag annotations
    made on first use."""

    blueprint: Blueprint
    stacks: object  # stacks.assembly.BlueprintStacks

    @property
    def stack(self):
        """The compute stack (the one named ``metadata.stack_name``)."""
        return self.stacks.compute

    @cached_property
    def data_json(self) -> dict:
        return Template.from_stack(self.stacks.data).to_json()

    @cached_property
    def compute_json(self) -> dict:
        return Template.from_stack(self.stacks.compute).to_json()

    @cached_property
    def handoff(self) -> dict[str, object]:
        """Compute-stack parameter id -> the value the data stack publishes under its SSM name."""
        published = {
            r["Properties"]["Name"]: r["Properties"]["Value"]
            for r in self.data_json["Resources"].values()
            if r["Type"] == "AWS::SSM::Parameter"
        }
        return {
            logical: published[parameter["Default"]]
            for logical, parameter in self.compute_json.get("Parameters", {}).items()
            if parameter.get("Default") in published
        }

    @cached_property
    def json(self) -> dict:
        merged = {"Description": self.compute_json.get("Description")}
        for section in ("Parameters", "Conditions", "Resources", "Outputs", "Rules"):
            data, compute = self.data_json.get(section, {}), self.compute_json.get(section, {})
            clash = (set(data) & set(compute)) - SHARED_KEYS
            assert not clash, f"{section} in both stacks: {sorted(clash)}"
            if data or compute:
                merged[section] = {**data, **compute}
        for logical in self.handoff:
            merged["Parameters"].pop(logical)
        return _resolve_handoff(merged, self.handoff)

    @cached_property
    def template(self) -> Template:
        return Template.from_json(self.json)

    @cached_property
    def annotations(self) -> BothAnnotations:
        return BothAnnotations(self.stacks.data, self.stacks.compute)

    def resources(self, kind: str) -> dict:
        return self.template.find_resources(kind)

    def one(self, kind: str) -> tuple[str, dict]:
        found = self.resources(kind)
        assert len(found) == 1, f"expected one {kind}, found {sorted(found)}"
        return next(iter(found.items()))

    def props(self, kind: str) -> dict:
        return self.one(kind)[1]["Properties"]


def _resolve_handoff(value, handoff: dict[str, object]):
    if isinstance(value, dict):
        if set(value) == {"Ref"} and value["Ref"] in handoff:
            return handoff[value["Ref"]]
        return {k: _resolve_handoff(v, handoff) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_handoff(v, handoff) for v in value]
    return value


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
