"""W9530: an autoscaled variant cannot change instance type, or go away, in a plain stack update."""

from __future__ import annotations

import json

import pytest

from mlblueprints.review.acknowledge import acknowledgement
from mlblueprints.review.rules import AutoscaledVariantUpdateHazard as Rule
from tests.review.handwritten import SCALABLE_TARGET, autoscaled_endpoint
from tests.review.lint import messages, paths, resources_of

@pytest.mark.cdk
def test_fires_on_each_autoscaled_variant_of_a_real_template(real_template):
    template = real_template("AWS::SageMaker::Endpoint", SCALABLE_TARGET)
    targets = sorted(resources_of(template, SCALABLE_TARGET))
    assert sorted(p[1] for p in paths(Rule, template)) == targets
    assert all(p[2:] == ["Properties", "ResourceId"] for p in paths(Rule, template))

    for name in targets:
        del template["Resources"][name]
    assert paths(Rule, template) == []


TARGET = [["Resources", "Target", "Properties", "ResourceId"]]


@pytest.mark.parametrize(
    "template, expected",
    [
        pytest.param(autoscaled_endpoint("endpoint/chat/variant/blue"), TARGET, id="literal"),
        pytest.param(
            autoscaled_endpoint({"Fn::Join": ["", ["endpoint/", {"Fn::GetAtt": ["Endpoint", "EndpointName"]}, "/variant/blue"]]}),
            TARGET,
            id="join-with-endpoint",
        ),
        pytest.param(autoscaled_endpoint({"Fn::Sub": "endpoint/${Endpoint.EndpointName}/variant/blue"}), TARGET, id="sub"),
        pytest.param(autoscaled_endpoint("endpoint/other/variant/blue"), [], id="endpoint-of-another-stack"),
        pytest.param(autoscaled_endpoint("table/orders"), [], id="not-a-variant"),
    ],
)
def test_handwritten(template, expected):
    assert paths(Rule, template) == expected


def test_message_names_the_variant_and_its_instance_type():
    (message,) = messages(Rule, autoscaled_endpoint("endpoint/chat/variant/blue"))
    assert "Variant blue of Endpoint" in message and "ml.g5.xlarge" in message


def test_cfn_lint_metadata_acknowledges_it(tmp_path):
    """A stack that handles the update (or refuses it at plan time) says so on the target."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    template = autoscaled_endpoint("endpoint/chat/variant/blue")
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template))
    run = lambda: [m.rule.id for m in Runner(ConfigMixIn(["-a", "mlblueprints.review.rules", "--", str(path)])).run()]  # noqa: E731
    assert "W9530" in run()
    template["Resources"]["Target"]["Metadata"] = acknowledgement({"W9530": "mlbp plan refuses instance-type changes of autoscaled variants"})
    path.write_text(json.dumps(template))
    assert "W9530" not in run()
