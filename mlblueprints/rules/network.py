"""Rules about zones and subnets."""

from __future__ import annotations

from mlblueprints.diagnostics import Level
from mlblueprints.rules.base import Finding, Rule


class ZonesMatchRegionAndSubnets(Rule):
    id = "BP108"
    level = Level.ERROR
    summary = "Availability zones belong to the region, and an existing VPC names one subnet per zone"
    source_url = "https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ec2.Vpc.html#static-fromwbrvpcwbrattributesscope-id-attrs"
    #: Both kinds place resources in `availability_zones` of `network`.
    kinds = frozenset({"TrainingCluster", "InferenceFleet"})

    def check(self, blueprint, context):
        spec = blueprint.spec
        for index, zone in enumerate(spec.availability_zones):
            if zone[:-1] != spec.region:
                yield Finding(
                    ("spec", "availability_zones", index),
                    f"{zone} is not a zone of {spec.region}",
                    f"zones of {spec.region} are named {spec.region}a, {spec.region}b, ...",
                )
        network = spec.network
        if network.is_existing and len(network.subnet_ids) != len(spec.availability_zones):
            yield Finding(
                ("spec", "network", "subnet_ids"),
                f"an existing VPC needs one subnet per availability zone: {len(network.subnet_ids)} subnets, "
                f"{len(spec.availability_zones)} zones",
                "list each subnet's zone under `availability_zones`, in the same order (synth makes no AWS lookups)",
            )
