"""Rules about the node hardware."""

from __future__ import annotations

import difflib

from mlblueprints.diagnostics import Level
from mlblueprints.rules.base import Finding, Rule

HOURS_PER_MONTH = 730


class InstanceTypeOffered(Rule):
    id = "BP101"
    level = Level.ERROR
    summary = "The instance type exists, is in the catalog, and is offered in the region"
    source_url = "https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-regions.html"

    def check(self, blueprint, context):
        spec = blueprint.spec
        catalog = context.catalog
        if spec.instance.accelerators is not None:
            if context.instance(blueprint) is None:
                yield self._no_match(blueprint, context)
            return
        name = spec.instance.type
        path = ("spec", "instance", "type")
        if catalog.get(name) is None:
            if catalog.exists_anywhere(name):
                yield Finding(
                    path,
                    f"{name} is an EC2 type, but not one in the mlblueprints catalog",
                    "nodes come from the ML and general-purpose types in mlblueprints/data/instances.json "
                    "(p, g, trn, inf, dl1, m, c, r); pick one of those",
                )
            else:
                close = difflib.get_close_matches(name, catalog.names(), n=3, cutoff=0.6)
                yield Finding(
                    path,
                    f"unknown instance type {name}",
                    f"did you mean {', '.join(close)}?" if close else "see `mlbp catalog` for the known types",
                )
            return
        if not catalog.is_offered(name, spec.region):
            regions = catalog.regions_offering(name)
            yield Finding(
                path,
                f"{name} is not offered in {spec.region}",
                f"offered in: {', '.join(regions)}" if regions else "it is not offered in any region cfn-lint knows",
            )

    def _no_match(self, blueprint, context):
        wanted = blueprint.spec.instance.accelerators
        region = blueprint.spec.region
        memory = f" with at least {wanted.min_memory_gib:g} GiB each" if wanted.min_memory_gib else ""
        candidates = context.catalog.by_accelerator(wanted.model, wanted.count)
        elsewhere = sorted({r for c in candidates for r in context.catalog.regions_offering(c.name)})
        hint = (
            f"{', '.join(c.name for c in candidates)} would fit; offered in: {', '.join(elsewhere)}"
            if candidates
            else f"no catalog type has {wanted.count} or more {wanted.model}; lower `count`"
        )
        return Finding(
            ("spec", "instance", "accelerators"),
            f"no instance type with {wanted.count}x {wanted.model}{memory} is offered in {region}",
            hint,
        )


class IdleAccelerators(Rule):
    id = "BP110"
    level = Level.WARNING
    summary = "A minimum above zero keeps accelerators billed while the cluster is idle"
    source_url = "https://aws.amazon.com/ec2/pricing/on-demand/"

    def check(self, blueprint, context):
        instance = context.instance(blueprint)
        nodes = blueprint.spec.nodes
        if instance is None or instance.accelerator is None or nodes.min == 0:
            return
        cost = ""
        if instance.on_demand_usd_per_hour is not None:
            hourly = nodes.min * instance.on_demand_usd_per_hour
            cost = (
                f", about ${hourly:,.2f}/h (${hourly * HOURS_PER_MONTH:,.0f}/month at us-east-1 "
                f"on-demand prices of {context.catalog.prices_as_of})"
            )
        yield Finding(
            ("spec", "nodes", "min"),
            f"min: {nodes.min} keeps {nodes.min}x {instance.name} running when no job needs them{cost}",
            "set `min: 0` and scale `desired` up for a run, or suppress BP110 with the reason",
        )
