"""W9531: an update of an autoscaled endpoint resets the instance count unless it retains variant properties."""

from __future__ import annotations

import pytest

from mlblueprints.review.rules import AutoscaledVariantCountReset as Rule
from tests.review.lint import paths, resources_of
from tests.review.handwritten import SCALABLE_TARGET, autoscaled_endpoint


@pytest.mark.cdk
def test_fires_without_retain_all_variant_properties_in_a_real_template(real_template):
    template = real_template("AWS::SageMaker::Endpoint", SCALABLE_TARGET)
    endpoints = resources_of(template, "AWS::SageMaker::Endpoint")
    for endpoint in endpoints.values():
        endpoint["Properties"]["RetainAllVariantProperties"] = True
    assert paths(Rule, template) == []

    name, endpoint = next(iter(endpoints.items()))
    del endpoint["Properties"]["RetainAllVariantProperties"]
    assert paths(Rule, template) == [["Resources", name, "Properties"]]


@pytest.mark.parametrize("retain, expected", [(None, [["Resources", "Endpoint", "Properties"]]), (False, [["Resources", "Endpoint", "Properties"]]), (True, [])])
def test_handwritten(retain, expected):
    template = autoscaled_endpoint("endpoint/chat/variant/blue")
    if retain is not None:
        template["Resources"]["Endpoint"]["Properties"]["RetainAllVariantProperties"] = retain
    assert paths(Rule, template) == expected


def test_endpoints_without_autoscaling_are_fine():
    template = autoscaled_endpoint("endpoint/chat/variant/blue")
    del template["Resources"]["Target"]
    assert paths(Rule, template) == []
