"""AWS Batch resources of a template: compute environments, their launch templates, MNP job definitions."""

from __future__ import annotations

from typing import Iterator

from mlblueprints.review.template import literal_text, of_type, properties, target

COMPUTE_ENVIRONMENT = "AWS::Batch::ComputeEnvironment"
JOB_DEFINITION = "AWS::Batch::JobDefinition"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
#: ComputeResources.Type values that run on EC2 instances (the others are FARGATE, FARGATE_SPOT).
EC2_TYPES = ("EC2", "SPOT")


def managed_ec2_environments(template: dict) -> Iterator[tuple[str, dict]]:
    """``(logical id, ComputeResources)`` of managed ECS compute environments on EC2 or Spot instances."""
    for name, resource in of_type(template, COMPUTE_ENVIRONMENT):
        props = properties(resource)
        compute = props.get("ComputeResources")
        if props.get("Type") == "MANAGED" and "EksConfiguration" not in props and isinstance(compute, dict):
            if compute.get("Type") in EC2_TYPES:
                yield name, compute


def ecs_multinode_job_definitions(template: dict) -> list[str]:
    """Logical ids of multi-node parallel job definitions that run on ECS (not EKS)."""
    found = []
    for name, resource in of_type(template, JOB_DEFINITION):
        props = properties(resource)
        nodes = props.get("NodeProperties")
        if props.get("Type") == "multinode" and isinstance(nodes, dict):
            ranges = nodes.get("NodeRangeProperties")
            if isinstance(ranges, list) and not any(isinstance(r, dict) and "EksProperties" in r for r in ranges):
                found.append(name)
    return found


def launch_template(compute: dict, template: dict) -> tuple[str, dict] | None:
    """The template's launch template that ``compute`` (ComputeResources) names, by id or by name."""
    spec = compute.get("LaunchTemplate")
    if not isinstance(spec, dict):
        return None
    templates = dict(of_type(template, LAUNCH_TEMPLATE))
    by_id = target(spec.get("LaunchTemplateId")) or target(spec.get("LaunchTemplateName"))
    if by_id in templates:
        return by_id, templates[by_id]
    wanted = literal_text(spec.get("LaunchTemplateName"))
    for name, resource in templates.items():
        if wanted is not None and literal_text(properties(resource).get("LaunchTemplateName")) == wanted:
            return name, resource
    return None


def launch_template_data(resource: dict) -> dict:
    data = properties(resource).get("LaunchTemplateData")
    return data if isinstance(data, dict) else {}
