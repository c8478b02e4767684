"""Pack findings that a template acknowledges: each needs its reason."""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from mlblueprints.review.acknowledge import CFN_LINT, MIN_REASON, PACK_ID, REASONS
from mlblueprints.review.template import as_list, resources


class AcknowledgedWithoutReason(CloudFormationLintRule):
    id = "W9599"
    shortdesc = "A review pack rule is ignored on a resource without a reason"
    prevents = "no AWS error: a deploy hazard silenced without anyone saying why it is safe here"
    description = (
        "A resource that lists a pack rule under Metadata cfn-lint config ignore_checks must give the reason "
        f"under Metadata {REASONS} (at least {MIN_REASON} characters). Prevents: {prevents}"
    )
    fix = f"Add Metadata {REASONS}: {{<rule id>: <why the hazard does not apply>}} (mlblueprints.review.acknowledge)."
    source_url = "https://github.com/aws-cloudformation/cfn-lint#metadata"
    tags = ["resources", "metadata", "mlblueprints"]

    def match(self, cfn):
        for name, resource in resources(cfn.template).items():
            metadata = resource.get("Metadata")
            if not isinstance(metadata, dict):
                continue
            config = metadata.get(CFN_LINT, {}).get("config", {}) if isinstance(metadata.get(CFN_LINT), dict) else {}
            ignored = as_list(config.get("ignore_checks")) if isinstance(config, dict) else []
            reasons = metadata.get(REASONS) if isinstance(metadata.get(REASONS), dict) else {}
            for index, rule_id in enumerate(ignored):
                reason = reasons.get(rule_id)
                if isinstance(rule_id, str) and PACK_ID.fullmatch(rule_id):
                    if not isinstance(reason, str) or len(reason.strip()) < MIN_REASON:
                        yield RuleMatch(
                            ["Resources", name, "Metadata", CFN_LINT, "config", "ignore_checks", index],
                            f"{name} ignores {rule_id} without a reason. Fix: say why the hazard does not apply "
                            f"here under Metadata {REASONS}: {{{rule_id}: ...}}.",
                        )
