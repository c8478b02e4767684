"""The review pack: cfn-lint rules for deploy hazards that cfn-lint, cdk-nag and emulators miss.

Each rule checks one AWS behaviour in any CloudFormation template (ours, a
user's hand-written one, any CDK output) and names the AWS error it prevents.
Ids are E95xx (errors) and W95xx (warnings): cfn-lint's own rules use no E9/W9
ids, and its custom-rules file numbers its rules E9000 + line, so 95xx stays
clear of both. See docs/review.md.

No aws_cdk here: the pack runs wherever cfn-lint runs.
"""

from __future__ import annotations

from pathlib import Path

RULES_DIR = Path(__file__).resolve().parent / "rules"
#: For ``cfn-lint --append-rules``: the module path works as well as RULES_DIR.
RULES_MODULE = "mlblueprints.review.rules"
