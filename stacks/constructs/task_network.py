"""The security group of a Batch multi-node job's task network interfaces: the VPC's default group.

Two AWS facts decide it:

* AWS Batch refuses a compute environment that sets
  ``ComputeResources.SecurityGroupIds`` when its launch template has
  ``NetworkInterfaces`` ("Either compute environment Security Groups or Network
  Interfaces in Launch template are exclusively allowed"; aws/aws-cdk#21577).
  EFA needs the interfaces in the launch template, so the node security group
  goes on each interface there, as in AWS's own p5/p6 Batch templates
  (aws-samples/awsome-distributed-training, 1.architectures/3.aws-batch).
* Multi-node parallel jobs use the ECS ``awsvpc`` network mode: every node's
  container gets its own network interface with the compute environment's
  security groups, or the VPC's default security group when it has none
  (Batch User Guide, "Compute environment considerations for MNP").

So every job container talks through the default group: torchrun's
rendezvous (port 29500 on the main node), NCCL's bootstrap and its socket
fallback. EFA traffic itself uses the instance's EFA interfaces and the node
group. The new VPC strips the default group's rules (CDK's
``restrict_default_security_group``, Security Hub EC2.2); this construct
then gives it exactly what the jobs need: all traffic from and to itself, and
HTTPS/HTTP out (S3, registries, model hubs), like the node group. The rules are
created after CDK's custom resource has revoked the defaults, which it does
once, on create.

A VPC the blueprint does not own keeps its default group as it is: the
``TaskSecurityGroupCheck`` output prints its rules, and docs/lifecycle.md says
what it needs (BP230 warns at validate time).
"""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

#: CDK's id for the custom resource that revokes the default group's rules (aws-ec2 Vpc).
RESTRICT_DEFAULT_GROUP_ID = "RestrictDefaultSecurityGroupCustomResource"
ALL_TRAFFIC = "-1"
OPEN_EGRESS_PORTS = ((443, "HTTPS: S3, ECR, model hubs"), (80, "HTTP: package mirrors"))


class TaskSecurityGroupRules(Construct):
    """Rules on the default security group of ``vpc`` (a new VPC) for MNP job containers. Exposes ``group_id``."""

    group_id: str

    def __init__(self, scope: Construct, construct_id: str, *, vpc: ec2.Vpc) -> None:
        super().__init__(scope, construct_id)
        self.group_id = vpc.vpc_default_security_group
        rules: list[ec2.CfnResource] = [
            ec2.CfnSecurityGroupIngress(
                self,
                "FromJobNodes",
                group_id=self.group_id,
                source_security_group_id=self.group_id,
                ip_protocol=ALL_TRAFFIC,
                description="Batch MNP job containers (awsvpc): torchrun rendezvous and NCCL between the job's nodes",
            ),
            ec2.CfnSecurityGroupEgress(
                self,
                "ToJobNodes",
                group_id=self.group_id,
                destination_security_group_id=self.group_id,
                ip_protocol=ALL_TRAFFIC,
                description="Batch MNP job containers (awsvpc): to the other nodes of the job",
            ),
        ]
        for port, purpose in OPEN_EGRESS_PORTS:
            rules.append(
                ec2.CfnSecurityGroupEgress(
                    self,
                    f"Tcp{port}Out",
                    group_id=self.group_id,
                    cidr_ip="0.0.0.0/0",
                    ip_protocol="tcp",
                    from_port=port,
                    to_port=port,
                    description=f"Batch MNP job containers: {purpose}",
                )
            )
        restrict = vpc.node.try_find_child(RESTRICT_DEFAULT_GROUP_ID)
        if restrict is not None:
            for rule in rules:
                rule.node.add_dependency(restrict)
