"""Rules across blueprints."""

from __future__ import annotations

from mlblueprints.diagnostics import Level
from mlblueprints.names import derived_names
from mlblueprints.rules.base import CrossRule, Finding


class UniqueName(CrossRule):
    """Compares what synth and deploy compare: every identifier derived from names
    (``mlblueprints.names.derived_names``), not the names as written. ``finetune-g5`` and
    ``finetune--g5`` are both the construct ``FinetuneG5``; fleet ``chat-ab`` with endpoint
    ``embed`` and fleet ``chat`` with endpoint ``ab-embed`` are both endpoint ``chat-ab-embed``."""

    id = "BP107"
    level = Level.ERROR
    summary = "Every identifier derived from names (construct ids, stack, endpoint, cluster, log group and bucket names) is unique"
    source_url = "https://docs.aws.amazon.com/cdk/v2/guide/identifiers.html"

    def check_all(self, blueprints):
        first_seen = {}
        for blueprint in blueprints:
            reported = set()
            for name in derived_names(blueprint):
                owner = first_seen.setdefault(name.key, (blueprint, name))
                if owner[0] is blueprint and owner[1] == name:
                    continue
                if name.path in reported:
                    continue  # one finding per field: a repeated name repeats all it derives
                first, first_name = owner
                if first is blueprint and first_name.source.lower() == name.source.lower():
                    continue  # the same name twice in one blueprint: BP313 says so
                reported.add(name.path)
                line, _ = first.source_map.value_position(first_name.path)
                where = "this blueprint" if first is blueprint else f"{first.file}"
                yield blueprint, Finding(
                    name.path,
                    f"{name.kind} {name.value!r} ({name.scope}) is already derived from {where}:{line}; "
                    "the second one would fail to synthesize or deploy",
                    "rename one of them so that the derived names differ too (hyphens and case do not count in "
                    "construct ids, and endpoint names join the fleet and endpoint names with a hyphen)",
                )
