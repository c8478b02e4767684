"""SageMaker endpoint variants registered with Application Auto Scaling, across stack updates."""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from mlblueprints.review.endpoints import scaled_variants, variant_config
from mlblueprints.review.template import properties, resources

UPDATE_GUIDE = "https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-scaling-update.html"


class AutoscaledVariantUpdateHazard(CloudFormationLintRule):
    id = "W9530"
    shortdesc = "Autoscaled endpoint variant: changing its instance type or removing it in a stack update fails"
    prevents = (
        "UPDATE_FAILED on AWS::SageMaker::Endpoint: UpdateEndpoint is refused while a variant whose instance "
        "type changes, or that is removed, is registered as a scalable target"
    )
    description = (
        "CloudFormation updates the endpoint before it deregisters the old scalable target, so a template change "
        "of an autoscaled variant's instance type, or its removal or rename, fails the update. Acknowledge with "
        "cfn-lint metadata (ignore_checks: [W9530]) on the scalable target when the stack or its tooling "
        f"handles it. Prevents: {prevents}"
    )
    source_url = UPDATE_GUIDE
    fix = 'Deregister the target around such a change (or replace the endpoint under a new name); acknowledge in metadata where tooling handles it.'
    tags = ["resources", "sagemaker", "applicationautoscaling", "mlblueprints"]

    def match(self, cfn):
        for scaled in scaled_variants(cfn.template):
            entry = variant_config(cfn.template, scaled.endpoint, scaled.variant) or {}
            instance = entry.get("InstanceType", "its instance type")
            yield RuleMatch(
                ["Resources", scaled.target, "Properties", "ResourceId"],
                f"Variant {scaled.variant} of {scaled.endpoint} is a scalable target: a later update that changes "
                f"{instance} or removes or renames the variant fails. Fix: deregister the target first (deploy "
                "without its autoscaling, then with the change, then with autoscaling again), or give the endpoint "
                "a new name with the change so that CloudFormation replaces it; see the SageMaker guide's "
                "procedure.",
            )


class AutoscaledVariantCountReset(CloudFormationLintRule):
    id = "W9531"
    shortdesc = "Autoscaled endpoint without RetainAllVariantProperties: updates reset the instance count"
    prevents = (
        "no AWS error: each endpoint update sets autoscaled variants back to InitialInstanceCount, "
        "dropping capacity that scaling added"
    )
    description = (
        "UpdateEndpoint uses the new config's instance counts and weights unless RetainAllVariantProperties is "
        f"true. Prevents: {prevents}"
    )
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateEndpoint.html"
    fix = 'Set RetainAllVariantProperties: true, or acknowledge the reset in metadata.'
    tags = ["resources", "sagemaker", "applicationautoscaling", "mlblueprints"]

    def match(self, cfn):
        found = resources(cfn.template)
        reported = set()
        for scaled in scaled_variants(cfn.template):
            if scaled.endpoint in reported:
                continue
            if properties(found[scaled.endpoint]).get("RetainAllVariantProperties") in (True, "true", "True"):
                continue
            reported.add(scaled.endpoint)
            yield RuleMatch(
                ["Resources", scaled.endpoint, "Properties"],
                f"{scaled.endpoint} has autoscaled variants (first: {scaled.variant}) but does not set "
                "RetainAllVariantProperties: each stack update that changes its config resets them to "
                "InitialInstanceCount. Fix: set RetainAllVariantProperties: true, or acknowledge the reset "
                "(cfn-lint metadata ignore_checks: [W9531]) if it is intended.",
            )
