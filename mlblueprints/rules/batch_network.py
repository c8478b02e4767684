"""UltraCluster on AWS Batch in a VPC the blueprint does not own: the job containers' security group.

Multi-node parallel jobs give each node's container its own network interface
(ECS ``awsvpc``) with the compute environment's security groups, or the VPC's
default security group when it has none (Batch User Guide, "Compute environment
considerations for MNP"). Our compute environment has none, because Batch
refuses them next to a launch template with network interfaces, which EFA
needs. In a new VPC the data stack opens the default group to itself; in an
existing VPC that group is its owner's, and a default group stripped of its
rules (Security Hub EC2.2) starts jobs whose nodes cannot reach each other.
"""

from __future__ import annotations

from mlblueprints.diagnostics import Level
from mlblueprints.rules.base import Finding, Rule

ULTRACLUSTER = frozenset({"UltraCluster"})


class BatchTaskSecurityGroup(Rule):
    id = "BP230"
    level = Level.WARNING
    summary = "Batch MNP job containers in an existing VPC use its default security group, which this stack cannot see"
    source_url = "https://docs.aws.amazon.com/batch/latest/userguide/mnp-ce.html"
    kinds = ULTRACLUSTER

    def check(self, blueprint, context):
        spec = blueprint.spec
        if spec.orchestrator == "batch" and spec.network.is_existing:
            yield Finding(
                ("spec", "network", "vpc_id"),
                f"the job containers of each node get the default security group of {spec.network.vpc_id} "
                "(Batch MNP uses awsvpc, and the compute environment has no security groups because its launch "
                "template carries the EFA interfaces); torchrun and NCCL fail unless that group allows all traffic "
                "from and to itself",
                "make sure the VPC's default security group has an all-traffic inbound rule from itself, an "
                "all-traffic outbound rule to itself and HTTPS outbound; after deploying, run the data stack's "
                "TaskSecurityGroupCheck output (docs/lifecycle.md, Create)",
            )
