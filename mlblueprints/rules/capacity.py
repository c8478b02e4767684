"""Rules about how many nodes there are and how they are bought."""

from __future__ import annotations

from mlblueprints.diagnostics import Level
from mlblueprints.rules.base import Finding, Rule


class SpotWithReservation(Rule):
    id = "BP104"
    level = Level.ERROR
    summary = "Spot capacity cannot launch into an On-Demand Capacity Reservation"
    source_url = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/capacity-reservations-using.html"

    def check(self, blueprint, context):
        capacity = blueprint.spec.capacity
        if capacity.purchase == "spot" and capacity.capacity_reservation_id:
            yield Finding(
                ("spec", "capacity", "capacity_reservation_id"),
                "a capacity reservation holds on-demand capacity; spot instances never launch into it",
                "remove `capacity_reservation_id`, or set `purchase: on-demand`",
            )


class NodeCountOrder(Rule):
    id = "BP106"
    level = Level.ERROR
    summary = "Node counts satisfy min <= desired <= max"
    source_url = "https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-capacity-limits.html"

    def check(self, blueprint, context):
        nodes = blueprint.spec.nodes
        if nodes is None:  # instance: auto; the advisor sets the counts
            return
        if nodes.min > nodes.max:
            yield Finding(
                ("spec", "nodes", "min"),
                f"min ({nodes.min}) is greater than max ({nodes.max})",
                "raise `max` or lower `min`",
            )
        elif not nodes.min <= nodes.desired <= nodes.max:
            yield Finding(
                ("spec", "nodes", "desired"),
                f"desired ({nodes.desired}) is outside min..max ({nodes.min}..{nodes.max})",
                f"set `desired` between {nodes.min} and {nodes.max}",
            )


class ReservationZone(Rule):
    id = "BP112"
    level = Level.WARNING
    summary = "A capacity reservation lives in one availability zone; pin the cluster to it"
    source_url = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-capacity-reservations.html"

    def check(self, blueprint, context):
        spec = blueprint.spec
        if spec.capacity.capacity_reservation_id and len(spec.availability_zones) != 1:
            yield Finding(
                ("spec", "capacity", "capacity_reservation_id"),
                "the reservation is in one availability zone, but nodes may launch in "
                + (f"{len(spec.availability_zones)} zones" if spec.availability_zones else "any zone"),
                "set `availability_zones:` to the reservation's zone, so every node can use it",
            )
