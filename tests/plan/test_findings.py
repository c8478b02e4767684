"""Findings sources: template findings land on the blueprint line recorded in `mlbp:source`."""

from __future__ import annotations

import pytest

from mlblueprints.plan import findings
from mlblueprints.plan.synth import NagFinding, StackTemplate
from tests.blueprint_factory import check_patch

RULE = '''
from cfnlint.rules import CloudFormationLintRule, RuleMatch


class NoTopics(CloudFormationLintRule):
    id = "E9101"
    shortdesc = "no topics"
    description = "a review-pack style rule"
    source_url = "https://example.com/e9101"
    tags = ["review"]

    def match(self, cfn):
        return [RuleMatch(["Resources", name], "an SNS topic") for name in cfn.get_resources(["AWS::SNS::Topic"])]
'''
TEMPLATE = {
    "Resources": {
        "Events": {"Type": "AWS::SNS::Topic", "Properties": {}, "Metadata": {"mlbp:source": ["spec", "nodes", "max"]}},
    }
}


@pytest.fixture
def subject():
    (blueprint,) = check_patch().blueprints
    stack = StackTemplate("mlbp-unit", TEMPLATE, [NagFinding("AwsSolutions-SNS3", "error", "Events", "no SSL")])
    return findings.Subject(blueprint, (), (stack,))


def test_review_pack_rules_are_found_and_placed_on_the_blueprint(subject, tmp_path, monkeypatch):
    (tmp_path / "NoTopics.py").write_text(RULE)
    monkeypatch.setattr(findings, "CFN_LINT_RULE_DIRS", [tmp_path])
    findings._extra_rule_ids.cache_clear()
    try:
        found = [f for f in findings.cfn_lint_findings(subject) if f.rule_id == "E9101"]
    finally:
        findings._extra_rule_ids.cache_clear()
    (finding,) = found
    line, _ = subject.blueprint.source_map.value_position(("spec", "nodes", "max"))
    assert (finding.tool, finding.level, finding.line, finding.path) == ("review", "error", line, "spec.nodes.max")
    assert "mlbp-unit/Events" in finding.message


def test_cdk_nag_findings_move_from_construct_to_blueprint_line(subject):
    (finding,) = findings.nag_findings(subject)
    assert (finding.tool, finding.rule_id, finding.path, finding.resource) == (
        "cdk-nag", "AwsSolutions-SNS3", "spec.nodes.max", "Events")


def test_a_resource_without_a_source_points_at_the_name(subject):
    bare = StackTemplate("mlbp-unit", {"Resources": {"T": {"Type": "AWS::SNS::Topic"}}},
                         [NagFinding("AwsSolutions-SNS3", "warning", "T", "no SSL")])
    (finding,) = findings.nag_findings(findings.Subject(subject.blueprint, (), (bare,)))
    assert (finding.path, finding.level) == ("metadata.name", "warning")


def test_sources_are_a_list_to_extend():
    assert findings.FINDING_SOURCES == [findings.rule_findings, findings.cfn_lint_findings, findings.nag_findings]
