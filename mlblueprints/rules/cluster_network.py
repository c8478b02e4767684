"""Rules about how the nodes of a TrainingCluster talk to each other: EFA, placement and zones.

A multi-node cluster of an EFA-capable type gets EFA on every network card, a cluster
placement group and one zone by default (``efa.cluster_uses_efa``); ``efa: false`` opts out.
"""

from __future__ import annotations

from mlblueprints import efa
from mlblueprints.diagnostics import Level
from mlblueprints.rules.base import Finding, Rule

EFA_DOC = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa.html"


def _uses_efa(blueprint, context) -> bool | None:
    """Whether the cluster gets EFA, or None when the instance does not resolve (BP101 reports it)."""
    instance = context.instance(blueprint)
    if instance is None:
        return None
    spec, nodes = blueprint.spec, context.nodes(blueprint)
    if nodes is None or (spec.efa and not efa.has_layout(instance)):
        return None  # BP402 or BP131 reports it
    return efa.cluster_uses_efa(instance, nodes.max, spec.efa)


class EfaSingleZone(Rule):
    id = "BP130"
    level = Level.ERROR
    summary = "EFA nodes share one availability zone and cluster placement group; several zones need `efa: false`"
    source_url = EFA_DOC

    def check(self, blueprint, context):
        spec = blueprint.spec
        if len(spec.availability_zones) <= 1 or not _uses_efa(blueprint, context):
            return
        instance = context.instance(blueprint)
        chosen = "set `efa: true`" if spec.efa else f"{instance.name} supports EFA and nodes.max is {context.nodes(blueprint).max}"
        yield Finding(
            ("spec", "availability_zones"),
            f"{len(spec.availability_zones)} availability zones, but the nodes use EFA ({chosen}): EFA traffic does "
            "not cross zones and a cluster placement group lives in one, so nodes in different zones would fall back "
            "to TCP between each other and lose the low-latency network",
            "list one zone for tightly coupled multi-node training (kind: UltraCluster adds FSx, Capacity Blocks and "
            "a job scheduler for large runs); or, for independent single-node jobs spread for capacity, set "
            "`efa: false` (NCCL over TCP on one ENA interface)",
        )


class EfaHardware(Rule):
    id = "BP131"
    level = Level.ERROR
    summary = "`efa: true` needs an instance type whose EFA interfaces the catalog can place"
    source_url = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa-acc-inst-types.html"

    def check(self, blueprint, context):
        spec = blueprint.spec
        instance = context.instance(blueprint)
        if not spec.efa or instance is None:
            return
        try:
            efa.efa_cards(instance)
        except efa.NoEfaLayout as why:
            capable = "p4d.24xlarge, p5.48xlarge, trn1.32xlarge, g6e.48xlarge, g5/g6 8xlarge and up"
            yield Finding(
                ("spec", "efa"),
                f"`efa: true`, but {why}",
                f"remove `efa` (or set it to false), or pick an EFA-capable type ({capable})",
            )
