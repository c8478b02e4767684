"""W9599: a pack rule ignored on a resource carries its reason; acknowledgement() writes both."""

from __future__ import annotations

import json

import pytest
from cfnlint.config import ConfigMixIn
from cfnlint.runner import Runner

from mlblueprints.review.acknowledge import acknowledgement
from mlblueprints.review.rules import AcknowledgedWithoutReason as Rule
from tests.review.handwritten import SCALABLE_TARGET, autoscaled_endpoint
from tests.review.lint import paths, resources_of

REASON = "mlbp plan refuses instance-type changes of autoscaled variants before any deploy"


@pytest.mark.cdk
def test_an_acknowledgement_without_reason_in_a_real_template(real_template):
    template = real_template("AWS::SageMaker::Endpoint", SCALABLE_TARGET)
    name, target = next(iter(resources_of(template, SCALABLE_TARGET).items()))
    target["Metadata"] = {**target.get("Metadata", {}), **acknowledgement({"W9530": REASON})}
    assert paths(Rule, template) == []

    del target["Metadata"]["mlblueprints:review"]
    assert paths(Rule, template) == [["Resources", name, "Metadata", "cfn-lint", "config", "ignore_checks", 0]]


def _target_metadata(metadata: dict) -> dict:
    template = autoscaled_endpoint("endpoint/chat/variant/blue")
    template["Resources"]["Target"]["Metadata"] = metadata
    return template


AT = [["Resources", "Target", "Metadata", "cfn-lint", "config", "ignore_checks", 0]]


@pytest.mark.parametrize(
    "metadata, expected",
    [
        pytest.param(acknowledgement({"W9530": REASON}), [], id="with-reason"),
        pytest.param({"cfn-lint": {"config": {"ignore_checks": ["W9530"]}}}, AT, id="no-reason"),
        pytest.param({"cfn-lint": {"config": {"ignore_checks": ["W9530"]}}, "mlblueprints:review": {"W9530": "ok"}}, AT, id="short"),
        pytest.param({"cfn-lint": {"config": {"ignore_checks": ["W3005"]}}}, [], id="cfn-lints-own-rule"),
    ],
)
def test_handwritten(metadata, expected):
    assert paths(Rule, _target_metadata(metadata)) == expected


@pytest.mark.parametrize("reasons", [{"E3005": REASON}, {"W9530": "fine"}], ids=["not-ours", "no-real-reason"])
def test_acknowledgement_refuses_what_w9599_would_report(reasons):
    with pytest.raises(ValueError):
        acknowledgement(reasons)


def test_cfn_lint_skips_the_acknowledged_rule_and_w9599_stays_quiet(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(_target_metadata(acknowledgement({"W9530": REASON}))))
    found = {m.rule.id for m in Runner(ConfigMixIn(["-a", "mlblueprints.review.rules", "--", str(path)])).run()}
    assert not found & {"W9530", "W9599"}
