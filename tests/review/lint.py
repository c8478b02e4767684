"""Run one review rule on a template dict, the way cfn-lint runs it."""

from __future__ import annotations

from cfnlint.template import Template


def paths(rule_class, template: dict, region: str = "us-east-1") -> list[list]:
    """The path of every match of ``rule_class`` in ``template``."""
    return [list(match.path) for match in rule_class().match(Template("template.json", template, [region]))]


def messages(rule_class, template: dict, region: str = "us-east-1") -> list[str]:
    return [match.message for match in rule_class().match(Template("template.json", template, [region]))]


def resources_of(template: dict, kind: str) -> dict[str, dict]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def one(template: dict, kind: str) -> tuple[str, dict]:
    found = resources_of(template, kind)
    assert len(found) == 1, f"expected one {kind}, found {sorted(found)}"
    return next(iter(found.items()))
