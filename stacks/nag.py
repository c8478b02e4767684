"""cdk-nag wiring and the one way to suppress a finding: next to its construct, with a reason.

We pin cdk-nag 2.x, whose API is ``Aspects.of(app).add(AwsSolutionsChecks())`` and
``NagSuppressions``; 3.x moved to ``Validations`` with acknowledgements.
Suppressions are data (rule, reason, the exact findings they cover) so that a
reviewer reads every exception in the construct that causes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Aspects, Stack, Token
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks, NagPackSuppression, NagSuppressions
from constructs import IConstruct

#: Reasons shorter than this are not reasons.
MIN_REASON = 20
#: cdk-nag reports a rule that crashed on a resource under this id, naming the rule as the finding.
VALIDATION_FAILURE = "CdkNagValidationFailure"


@dataclass(frozen=True)
class Waiver:
    """One cdk-nag rule knowingly not met here.

    ``applies_to`` names the exact findings (for example ``Resource::*`` or
    ``Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore``)
    for rules that report several; an empty tuple waives the whole rule, which
    we allow only for rules that report once per resource.
    """

    rule: str
    reason: str
    applies_to: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.rule.startswith("AwsSolutions-") and self.rule != VALIDATION_FAILURE:
            raise ValueError(f"{self.rule}: only AwsSolutions rules are checked")
        if self.rule == VALIDATION_FAILURE and not self.applies_to:
            raise ValueError(f"{self.rule}: name the rule that could not run in applies_to")
        if len(self.reason) < MIN_REASON:
            raise ValueError(f"{self.rule}: the reason must explain the exception")

    def to_cdk_nag(self) -> NagPackSuppression:
        if self.applies_to:
            return NagPackSuppression(id=self.rule, reason=self.reason, applies_to=list(self.applies_to))
        return NagPackSuppression(id=self.rule, reason=self.reason)


def waive(construct: IConstruct, *waivers: Waiver, children: bool = True) -> None:
    """Attach waivers to ``construct`` (and, by default, the resources it owns)."""
    NagSuppressions.add_resource_suppressions(
        construct, [w.to_cdk_nag() for w in waivers], apply_to_children=children
    )


def add_checks(scope: IConstruct) -> None:
    """Run the AwsSolutions pack over every stack under ``scope``; findings become errors and warnings."""
    Aspects.of(scope).add(AwsSolutionsChecks(verbose=True))


def objects_finding(bucket: s3.IBucket, pattern: str) -> str:
    """The IAM5 finding cdk-nag reports for a grant on ``<bucket ARN>/<pattern>``."""
    stack = Stack.of(bucket)
    child = bucket.node.default_child
    if child is not None:  # a bucket this stack owns: cdk-nag prints <LogicalId.Arn>
        return f"Resource::<{stack.get_logical_id(child)}.Arn>/{pattern}"
    # An imported bucket's ARN is a literal, with the partition resolved when the region is known.
    partition = "<AWS::Partition>" if Token.is_unresolved(stack.partition) else stack.partition
    name = bucket.bucket_name
    if Token.is_unresolved(name):  # a name read from a parameter (stacks/handoff.py): cdk-nag prints <Ref>
        name = f"<{stack.resolve(name)['Ref']}>"
    return f"Resource::arn:{partition}:s3:::{name}/{pattern}"
