"""CDK app: every blueprint under the ``blueprints`` context key becomes its kind's stack.

The key names files or folders: one path, a comma-separated list
(``cdk synth -c blueprints=blueprints/a.yaml,more/``), or a JSON list when set
through ``cdk.json`` or ``CDK_CONTEXT_JSON`` (what `mlbp synth` and `mlbp plan` do).

Thin on purpose: find the files, run the same validation as `mlbp validate`
(refusing to synthesize anything if a blueprint has an error), resolve each
blueprint, build its stack, run cdk-nag, synthesize. Stacks carry a region but
no account, so synth makes no lookups and needs no credentials.

Runs from a checkout (``app.py`` at the top calls :func:`main`) and from an
installed wheel (``python -m mlblueprints.stacks.app``, which ``mlbp init``
writes into a user repository's ``cdk.json``).
"""

from __future__ import annotations

import sys

from .runtime import use_supported_node

use_supported_node()  # before aws_cdk starts its Node process

import aws_cdk as cdk  # noqa: E402

from mlblueprints.diagnostics import Level, printable  # noqa: E402
from mlblueprints.pipeline import GUARDED_CONTEXT, UsageError, validate_paths  # noqa: E402

from .assembly import add_blueprint_stack  # noqa: E402
from .nag import add_checks  # noqa: E402
from .sources import RecordSources  # noqa: E402

DEFAULT_FOLDER = "blueprints"


def main() -> int:
    app = cdk.App()
    paths = blueprint_paths(app.node.try_get_context("blueprints"))
    folder = " ".join(paths)
    try:
        guarded = frozenset(app.node.try_get_context(GUARDED_CONTEXT) or ())
        report = validate_paths(paths, guarded=guarded)
    except UsageError as error:  # no such folder, or no blueprint in it: exit 2, as `mlbp validate`
        print(printable(f"error: {error} (set the `blueprints` context key to another folder)"), file=sys.stderr)
        return 2
    for diagnostic in report.diagnostics:
        print(diagnostic.format_text(), file=sys.stderr)
    if any(d.level is Level.ERROR and d.code not in guarded for d in report.diagnostics):
        print(printable(f"{folder}: not synthesizing; fix the errors above (`mlbp validate {folder}`)"), file=sys.stderr)
        return 1
    for blueprint in report.blueprints:
        add_blueprint_stack(app, blueprint)
    # Each resource records the blueprint field it came from, for `mlbp plan` (stacks/sources.py).
    cdk.Aspects.of(app).add(RecordSources(report.blueprints))
    add_checks(app)
    app.synth()
    return 0


def blueprint_paths(value) -> list[str]:
    """The ``blueprints`` context value as a list of paths (default: the ``blueprints`` folder)."""
    if not value:
        return [DEFAULT_FOLDER]
    if isinstance(value, str):
        return [part for part in value.split(",") if part]
    return [str(part) for part in value]


if __name__ == "__main__":
    sys.exit(main())
