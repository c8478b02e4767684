"""A cluster placement group: every node in one low-latency, high-bisection network segment.

A cluster placement group lives in one availability zone (EC2 User Guide,
"Placement strategies"); nodes in it reach the full EFA bandwidth of their type.
It holds no data and costs nothing, so it is deleted with the stack.
"""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

CLUSTER_STRATEGY = "cluster"


class ClusterPlacement(Construct):
    """Exposes ``group`` and ``group_name`` (what Batch and launch templates take)."""

    group: ec2.CfnPlacementGroup
    group_name: str

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.group = ec2.CfnPlacementGroup(self, "Group", strategy=CLUSTER_STRATEGY)
        # Ref of AWS::EC2::PlacementGroup is the group name.
        self.group_name = self.group.ref
