"""Rules across blueprints."""

from __future__ import annotations

from mlblueprints.diagnostics import Level
from mlblueprints.rules.base import CrossRule, Finding


class UniqueName(CrossRule):
    id = "BP107"
    level = Level.ERROR
    summary = "metadata.name is unique across the blueprints validated together (it names the stack)"
    source_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-using-console-create-stack-parameters.html"

    def check_all(self, blueprints):
        first_seen = {}
        for blueprint in blueprints:
            name = blueprint.metadata.name
            if name in first_seen:
                first = first_seen[name]
                line, _ = first.source_map.value_position(("metadata", "name"))
                yield blueprint, Finding(
                    ("metadata", "name"),
                    f"name {name!r} is already used by {first.file}:{line}; both would deploy stack "
                    f"{blueprint.metadata.stack_name}",
                    "give each blueprint its own `metadata.name`",
                )
            else:
                first_seen[name] = blueprint
