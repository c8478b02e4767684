"""IAM statements that let a principal create or delete network interfaces anywhere."""

from __future__ import annotations

from fnmatch import fnmatchcase

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from mlblueprints.review.template import as_list, of_type, properties

IAM_TYPES = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")
ENI_ACTIONS = ("ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:CreateNetworkInterfacePermission")
def _matches(patterns, action: str) -> bool:
    return any(isinstance(p, str) and fnmatchcase(action.lower(), p.lower()) for p in as_list(patterns))


def granted_eni_actions(statement: dict) -> list[str]:
    if "Action" in statement:
        return [a for a in ENI_ACTIONS if _matches(statement["Action"], a)]
    if "NotAction" in statement:
        return [a for a in ENI_ACTIONS if not _matches(statement["NotAction"], a)]
    return []


def policy_documents(name: str, resource: dict):
    """``(path, policy document)`` of each identity policy of an IAM resource."""
    props = properties(resource)
    base = ["Resources", name, "Properties"]
    if resource.get("Type") in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        yield [*base, "PolicyDocument"], props.get("PolicyDocument")
        return
    for index, policy in enumerate(as_list(props.get("Policies"))):
        if isinstance(policy, dict):
            yield [*base, "Policies", index, "PolicyDocument"], policy.get("PolicyDocument")


class EniPermissionsUnconditioned(CloudFormationLintRule):
    id = "E9540"
    shortdesc = "ENI create/delete permissions on every resource without a condition"
    prevents = (
        "no AWS error: any process holding the role can create, delete or share network interfaces in every "
        "VPC of the account"
    )
    description = (
        "ec2:CreateNetworkInterface, ec2:DeleteNetworkInterface and ec2:CreateNetworkInterfacePermission support "
        f"resource ARNs and condition keys such as ec2:Vpc and ec2:Subnet; granting them on * with no condition is "
        f"account-wide. Prevents: {prevents}"
    )
    source_url = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html"
    fix = "Add a Condition on ec2:Vpc or ec2:Subnet, or name the VPC's and subnets' ARNs as Resource."
    tags = ["resources", "iam", "mlblueprints"]

    def match(self, cfn):
        for name, resource in of_type(cfn.template, *IAM_TYPES):
            for path, document in policy_documents(name, resource):
                if not isinstance(document, dict):
                    continue
                for index, statement in enumerate(as_list(document.get("Statement"))):
                    if not isinstance(statement, dict) or statement.get("Effect") != "Allow" or "Condition" in statement:
                        continue
                    granted = granted_eni_actions(statement)
                    if granted and "*" in as_list(statement.get("Resource")):
                        yield RuleMatch(
                            [*path, "Statement", index, "Resource"],
                            f"{name} allows {', '.join(granted)} on * with no condition: whoever holds it can "
                            "change network interfaces in every VPC of the account. Fix: add a Condition on "
                            "ec2:Vpc (the VPC's ARN) or ec2:Subnet (the subnets' ARNs), or list those ARNs as "
                            "Resource.",
                        )
