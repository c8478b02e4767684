"""Rules on what a blueprint allows `mlbp plan` to do."""

from __future__ import annotations

from mlblueprints.diagnostics import Level
from mlblueprints.rules.base import Finding, Rule


class AllowedReplacementIsTemporary(Rule):
    id = "BP500"
    level = Level.WARNING
    summary = "metadata.allow_replacement lets the next plan replace or delete stateful resources; remove it once deployed"
    source_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html"
    kinds = frozenset({"TrainingCluster", "InferenceFleet", "UltraCluster"})

    def check(self, blueprint, context):
        for index, allowed in enumerate(blueprint.metadata.allow_replacement):
            yield Finding(
                ("metadata", "allow_replacement", index, "resource"),
                f"{allowed.resource} may be replaced or deleted, losing its data ({allowed.reason})",
                "keep this entry only for the change that needs it, and remove it after the deploy so that "
                "a later change cannot destroy the new resource unnoticed",
            )
