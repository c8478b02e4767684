"""IAM statements that let a principal create or delete network interfaces anywhere."""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from mlblueprints.review.iam import allow_statements, grants
from mlblueprints.review.template import as_list

ENI_ACTIONS = ("ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:CreateNetworkInterfacePermission")


class EniPermissionsUnconditioned(CloudFormationLintRule):
    id = "E9540"
    shortdesc = "ENI create/delete permissions on every resource without a condition"
    prevents = (
        "no AWS error: any process holding the role can create, delete or share network interfaces in every "
        "VPC of the account"
    )
    description = (
        "ec2:CreateNetworkInterface, ec2:DeleteNetworkInterface and ec2:CreateNetworkInterfacePermission support "
        "resource ARNs and condition keys such as ec2:Vpc and ec2:Subnet; granting them on * with no condition is "
        f"account-wide. Prevents: {prevents}"
    )
    fix = "Add a Condition on ec2:Vpc or ec2:Subnet, or name the VPC's and subnets' ARNs as Resource."
    source_url = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html"
    tags = ["resources", "iam", "mlblueprints"]

    def match(self, cfn):
        for path, statement in allow_statements(cfn.template):
            granted = [action for action in ENI_ACTIONS if grants(statement, action)]
            if granted and "Condition" not in statement and "*" in as_list(statement.get("Resource")):
                name = path[1]
                yield RuleMatch(
                    [*path, "Resource"],
                    f"{name} allows {', '.join(granted)} on * with no condition: whoever holds it can "
                    "change network interfaces in every VPC of the account. Fix: add a Condition on "
                    "ec2:Vpc (the VPC's ARN) or ec2:Subnet (the subnets' ARNs), or list those ARNs as "
                    "Resource.",
                )
