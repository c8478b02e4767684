"""SageMaker endpoints of a template and the variants that Application Auto Scaling registers."""

from __future__ import annotations

import re
from typing import Any, Iterator, NamedTuple

from mlblueprints.review.template import get_att, literal_text, of_type, properties, references, resources, target

VARIANT_DIMENSION = "sagemaker:variant:DesiredInstanceCount"
#: A variant's ResourceId (Application Auto Scaling API, RegisterScalableTarget).
RESOURCE_ID = re.compile(r"endpoint/(?P<endpoint>[^/]+)/variant/(?P<variant>[^/]+)")


class ScaledVariant(NamedTuple):
    target: str  # logical id of the AWS::ApplicationAutoScaling::ScalableTarget
    endpoint: str  # logical id of the AWS::SageMaker::Endpoint
    variant: str


def scaled_variants(template: dict) -> Iterator[ScaledVariant]:
    """Scalable targets on production variants of endpoints in this template."""
    endpoints = dict(of_type(template, "AWS::SageMaker::Endpoint"))
    for name, resource in of_type(template, "AWS::ApplicationAutoScaling::ScalableTarget"):
        props = properties(resource)
        if props.get("ScalableDimension") == VARIANT_DIMENSION:
            found = _variant_of(props.get("ResourceId"), endpoints)
            if found:
                yield ScaledVariant(name, *found)


def _variant_of(resource_id: Any, endpoints: dict[str, dict]) -> tuple[str, str] | None:
    """(endpoint logical id, variant name) that a ResourceId names, when the endpoint is in the template.

    The ResourceId is a literal (matched to a literal EndpointName), or a Join or
    Sub that refers to the endpoint and ends in ``/variant/<name>``.
    """
    text = literal_text(resource_id)
    if text is not None:
        match = RESOURCE_ID.fullmatch(text)
        if not match:
            return None
        endpoint = next(
            (n for n, e in endpoints.items() if literal_text(properties(e).get("EndpointName")) == match["endpoint"]), None
        )
        return (endpoint, match["variant"]) if endpoint else None
    endpoint = next((n for _, n in references(resource_id) if n in endpoints), None)
    tail = None
    if isinstance(resource_id, dict) and isinstance(resource_id.get("Fn::Join"), list):
        parts = resource_id["Fn::Join"][1] if len(resource_id["Fn::Join"]) == 2 else None
        tail = literal_text(parts[-1]) if isinstance(parts, list) and parts else None
    elif isinstance(resource_id, dict) and isinstance(resource_id.get("Fn::Sub"), str):
        tail = resource_id["Fn::Sub"]
    if endpoint and tail and "/variant/" in tail:
        variant = tail.rsplit("/variant/", 1)[1]
        return (endpoint, variant) if variant and "${" not in variant else None
    return None


def variant_config(template: dict, endpoint: str, variant: str) -> dict | None:
    """The ProductionVariants entry of ``variant`` in the endpoint's config, when the template has it."""
    found = resources(template)
    config_ref = properties(found[endpoint]).get("EndpointConfigName")
    config = target(config_ref) or (get_att(config_ref) or (None,))[0]
    if config not in found:
        return None
    for entry in properties(found[config]).get("ProductionVariants", []) or []:
        if isinstance(entry, dict) and entry.get("VariantName") == variant:
            return entry
    return None
