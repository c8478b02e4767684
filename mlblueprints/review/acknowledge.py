"""Acknowledging a review finding on a resource: cfn-lint's ignore, with the reason beside it.

cfn-lint skips the rules a resource lists under ``Metadata: cfn-lint: config:
ignore_checks``. The pack asks for the reason next to it, under
``Metadata: mlblueprints:review``, as cdk-nag suppressions carry theirs; W9599
reports a pack rule ignored without one. In CDK::

    for key, value in acknowledgement({"W9530": "mlbp plan refuses instance-type changes of ..."}).items():
        cfn_resource.add_metadata(key, value)
"""

from __future__ import annotations

import re

CFN_LINT = "cfn-lint"
REASONS = "mlblueprints:review"
PACK_ID = re.compile(r"[EW]95\d\d")
#: As for cdk-nag suppressions in the examples: a reason says why, not just "ok".
MIN_REASON = 40


def acknowledgement(reasons: dict[str, str]) -> dict:
    """Resource metadata that makes cfn-lint skip the pack rules in ``reasons`` and records why."""
    for rule_id, reason in reasons.items():
        if not PACK_ID.fullmatch(rule_id):
            raise ValueError(f"{rule_id} is not a review pack id (E95xx or W95xx)")
        if len(reason.strip()) < MIN_REASON:
            raise ValueError(f"the reason for acknowledging {rule_id} must say why (at least {MIN_REASON} characters)")
    return {
        CFN_LINT: {"config": {"ignore_checks": sorted(reasons)}},
        REASONS: dict(sorted(reasons.items())),
    }
