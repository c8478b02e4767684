"""AWS Batch compute environments and the network interfaces of their instances and jobs."""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from mlblueprints.review.batch import (
    ecs_multinode_job_definitions,
    launch_template,
    launch_template_data,
    managed_ec2_environments,
)
from mlblueprints.review.handoff import keys_in_writer
from mlblueprints.review.network import default_group_key, group_key, peers_reach_each_other, subnet_vpc
from mlblueprints.review.template import as_list, of_type, properties


class BatchSecurityGroupsExclusive(CloudFormationLintRule):
    id = "E9501"
    shortdesc = "Batch compute environment sets security groups and its launch template sets network interfaces"
    prevents = (
        "CREATE_FAILED: Either compute environment Security Groups or Network Interfaces "
        "in Launch template are exclusively allowed"
    )
    description = f"AWS Batch refuses ComputeResources.SecurityGroupIds together with a launch template that has NetworkInterfaces. Prevents: {prevents}"
    source_url = "https://github.com/aws/aws-cdk/issues/21577"
    fix = "Put the groups on the launch template's interfaces only; drop ComputeResources.SecurityGroupIds."
    tags = ["resources", "batch", "mlblueprints"]

    def match(self, cfn):
        for name, compute in managed_ec2_environments(cfn.template):
            if not as_list(compute.get("SecurityGroupIds")):
                continue
            found = launch_template(compute, cfn.template)
            if found and as_list(launch_template_data(found[1]).get("NetworkInterfaces")):
                yield RuleMatch(
                    ["Resources", name, "Properties", "ComputeResources", "SecurityGroupIds"],
                    f"Compute environment {name} sets SecurityGroupIds while its launch template {found[0]} "
                    "sets NetworkInterfaces; AWS Batch accepts only one of them. Fix: keep the groups on the "
                    "launch template's interfaces (each interface's Groups) and drop SecurityGroupIds, then "
                    f"check what the job containers get (rule E9503).",
                )


class LaunchTemplateGroupsOnInterfaces(CloudFormationLintRule):
    id = "E9502"
    shortdesc = "Launch template sets instance-level security groups and network interfaces"
    prevents = (
        "InvalidParameterCombination: Network interfaces and an instance-level security groups "
        "may not be specified on the same request"
    )
    description = f"With NetworkInterfaces, security groups belong on each interface. Prevents: {prevents}"
    source_url = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
        "aws-properties-ec2-launchtemplate-launchtemplatedata.html"
    )
    fix = "Move the groups into each network interface's Groups."
    tags = ["resources", "ec2", "mlblueprints"]

    def match(self, cfn):
        for name, resource in of_type(cfn.template, "AWS::EC2::LaunchTemplate"):
            data = launch_template_data(resource)
            if not as_list(data.get("NetworkInterfaces")):
                continue
            for key in ("SecurityGroupIds", "SecurityGroups"):
                if as_list(data.get(key)):
                    yield RuleMatch(
                        ["Resources", name, "Properties", "LaunchTemplateData", key],
                        f"Launch template {name} sets {key} and NetworkInterfaces; instances launched from it "
                        "are refused. Fix: move the groups into the Groups of each network interface.",
                    )


class MultiNodeTaskReachability(CloudFormationLintRule):
    id = "E9503"
    shortdesc = "Multi-node parallel job containers get security groups that block traffic between nodes"
    prevents = (
        "no AWS error: the job starts, then torchrun's rendezvous and NCCL's bootstrap time out "
        "because the nodes' task network interfaces cannot reach each other"
    )
    description = (
        "MNP jobs use the awsvpc network mode: each container gets its own network interface with the "
        "compute environment's SecurityGroupIds, or the VPC's default security group when there are none "
        f"(launch template groups do not apply). Prevents: {prevents}"
    )
    source_url = "https://docs.aws.amazon.com/batch/latest/userguide/mnp-ce.html"
    fix = "Give the containers' groups an all-traffic rule from and to themselves; with EFA interfaces in the launch template that is the VPC's default group (keep or re-add its self rules)."
    tags = ["resources", "batch", "network", "mlblueprints"]

    def match(self, cfn):
        if not ecs_multinode_job_definitions(cfn.template):
            return
        for name, compute in managed_ec2_environments(cfn.template):
            path = ["Resources", name, "Properties", "ComputeResources"]
            groups = as_list(compute.get("SecurityGroupIds"))
            if groups:
                keys, where = keys_in_writer(groups, cfn, group_key)
                if where is None or None in keys or peers_reach_each_other(keys, where):
                    continue
                yield RuleMatch(
                    [*path, "SecurityGroupIds"],
                    f"The multi-node job containers on compute environment {name} get the groups "
                    f"{', '.join(keys)}, which do not allow all traffic among themselves. Fix: add an ingress "
                    "rule for all protocols from the group to itself (and egress to itself if egress is "
                    "restricted).",
                )
                continue
            vpcs, where = keys_in_writer(as_list(compute.get("Subnets")), cfn, subnet_vpc)
            if where is None or len(set(vpcs)) != 1 or None in vpcs:
                continue  # W9504 speaks about a VPC the template cannot show
            vpc = vpcs[0]
            if not peers_reach_each_other([default_group_key(vpc)], where):
                yield RuleMatch(
                    path,
                    f"Compute environment {name} sets no SecurityGroupIds, so multi-node job containers get "
                    f"the default security group of {vpc}, whose rules the template removes "
                    "(Custom::VpcRestrictDefaultSG) and does not give back. Fix: either keep the default group's "
                    "rules (CDK: restrictDefaultSecurityGroup: false) or add AWS::EC2::SecurityGroupIngress/Egress "
                    f"for all traffic from and to {vpc}.DefaultSecurityGroup itself; SecurityGroupIds cannot be "
                    "used when the launch template has network interfaces (E9501).",
                )


class MultiNodeDefaultGroupUnknown(CloudFormationLintRule):
    id = "W9504"
    shortdesc = "Multi-node parallel job containers get the default security group of a VPC outside the template"
    prevents = MultiNodeTaskReachability.prevents
    description = (
        "A compute environment without SecurityGroupIds in subnets the template does not create puts MNP "
        f"containers on that VPC's default security group, whose rules the template cannot show. Prevents: {prevents}"
    )
    source_url = MultiNodeTaskReachability.source_url
    fix = "Check that the existing VPC's default group allows all traffic from and to itself, then acknowledge the warning in the compute environment's cfn-lint metadata."
    tags = ["resources", "batch", "network", "mlblueprints"]

    def match(self, cfn):
        if not ecs_multinode_job_definitions(cfn.template):
            return
        for name, compute in managed_ec2_environments(cfn.template):
            if as_list(compute.get("SecurityGroupIds")):
                continue
            subnets = as_list(compute.get("Subnets"))
            vpcs, where = keys_in_writer(subnets, cfn, subnet_vpc)
            if subnets and (where is None or None in vpcs):
                yield RuleMatch(
                    ["Resources", name, "Properties", "ComputeResources", "Subnets"],
                    f"Multi-node job containers on compute environment {name} get the default security group "
                    "of the subnets' VPC, which this template does not show. Fix: make sure that group allows "
                    "all traffic from itself, in and out (check with `aws ec2 describe-security-groups "
                    "--filters Name=vpc-id,Values=<vpc> Name=group-name,Values=default`).",
                )


class MultiNodeOnSpot(CloudFormationLintRule):
    id = "E9505"
    shortdesc = "Multi-node parallel job definition with only Spot or Fargate compute environments"
    prevents = "no AWS error at deploy: jobs submitted to these queues never run (MNP is not supported on Spot or Fargate)"
    description = (
        "Multi-node parallel jobs aren't supported on compute environments that use Spot Instances, nor on "
        f"Fargate. Prevents: {prevents}"
    )
    source_url = "https://docs.aws.amazon.com/batch/latest/userguide/mnp-ce.html"
    fix = 'Add an on-demand (EC2) compute environment, or a capacity reservation, for multi-node jobs.'
    tags = ["resources", "batch", "mlblueprints"]

    def match(self, cfn):
        jobs = ecs_multinode_job_definitions(cfn.template)
        types = [
            properties(r).get("ComputeResources", {}).get("Type")
            for _, r in of_type(cfn.template, "AWS::Batch::ComputeEnvironment")
            if isinstance(properties(r).get("ComputeResources"), dict)
        ]
        if not jobs or not types or any(t == "EC2" or not isinstance(t, str) for t in types):
            return
        for job in jobs:
            yield RuleMatch(
                ["Resources", job, "Properties", "Type"],
                f"Multi-node job definition {job} can only run on on-demand EC2 compute environments, but every "
                f"compute environment in this template is {'/'.join(sorted(set(types)))}. Fix: add a compute "
                "environment with ComputeResources.Type EC2 (on-demand or a capacity reservation) for it.",
            )
