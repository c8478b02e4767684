"""SageMaker endpoints of a template and the variants that Application Auto Scaling registers."""

from __future__ import annotations

from typing import Iterator, NamedTuple

from mlblueprints.review.template import get_att, literal_text, of_type, properties, references, resources, target

VARIANT_DIMENSION = "sagemaker:variant:DesiredInstanceCount"


class ScaledVariant(NamedTuple):
    target: str  # logical id of the AWS::ApplicationAutoScaling::ScalableTarget
    endpoint: str  # logical id of the AWS::SageMaker::Endpoint
    variant: str


def scaled_variants(template: dict) -> Iterator[ScaledVariant]:
    """Scalable targets on production variants of endpoints in this template."""
    endpoints = dict(of_type(template, "AWS::SageMaker::Endpoint"))
    for name, resource in of_type(template, "AWS::ApplicationAutoScaling::ScalableTarget"):
        props = properties(resource)
        if props.get("ScalableDimension") != VARIANT_DIMENSION:
            continue
        resource_id = props.get("ResourceId")
        text = literal_text(resource_id)
        endpoint = next((n for _, n in references(resource_id) if n in endpoints), None)
        if text is not None:
            parts = text.split("/")
            if len(parts) == 4 and parts[0] == "endpoint" and parts[2] == "variant":
                endpoint = endpoint or next(
                    (n for n, e in endpoints.items() if literal_text(properties(e).get("EndpointName")) == parts[1]),
                    None,
                )
                if endpoint:
                    yield ScaledVariant(name, endpoint, parts[3])
                continue
        if endpoint and isinstance(resource_id, dict) and "Fn::Join" in resource_id:
            tail = literal_text(resource_id["Fn::Join"][1][-1]) if isinstance(resource_id["Fn::Join"][1], list) else None
            if tail and "/variant/" in tail:
                yield ScaledVariant(name, endpoint, tail.rsplit("/variant/", 1)[1])


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
