"""The commands for working from a user's own repository: synth, plan, init, app, and the CI helpers.

Kept apart from cli.py, which holds the offline validation commands; none of these
imports aws_cdk either (synthesis runs the CDK app in a child process). As in cli.py,
each command imports what it needs when it runs, and prints through cli.py's writers
(escaped, and a closed pipe ends with its exit code instead of a traceback).
"""

from __future__ import annotations

import sys
from pathlib import Path

from mlblueprints.diagnostics import UsageError

EXIT_OK, EXIT_ERROR = 0, 1
PLAN_FORMATS = ("text", "markdown", "json", "sarif")


def add_commands(commands) -> None:
    synth = commands.add_parser("synth", help="synthesize CloudFormation templates for exactly these blueprints")
    synth.add_argument("paths", nargs="+", metavar="PATH", help="blueprint files or folders")
    synth.add_argument("--out", default="cdk.out", metavar="DIR", help="cloud assembly folder (default: cdk.out)")
    synth.set_defaults(run=_synth)

    plan = commands.add_parser(
        "plan",
        help="what merging would change: resources, replacements, destroy guard, cost, findings",
        description="Exit codes: 0 no change, 2 changes, 3 guard tripped (data loss, hazard or budget), 1 error.",
    )
    plan.add_argument("paths", nargs="*", default=["blueprints"], metavar="PATH",
                      help="blueprint files or folders (default: blueprints)")
    plan.add_argument("--base", required=True, metavar="GIT_REF", help="compare the working tree with this ref")
    plan.add_argument("--format", choices=PLAN_FORMATS, default="text", help="what to print (default: text)")
    plan.add_argument("--output", action="append", default=[], metavar="FORMAT=FILE",
                      help="also write FORMAT to FILE (repeatable), e.g. --output sarif=plan.sarif")
    plan.add_argument("--allow-destroy", action="append", default=[], metavar="NAME",
                      help="let the plan delete the stacks of this removed blueprint (repeatable)")
    plan.add_argument("--cache-dir", type=Path, metavar="DIR",
                      help="template cache (default: $MLBP_CACHE_DIR or ~/.cache/mlblueprints/templates)")
    plan.set_defaults(run=_plan)

    init = commands.add_parser("init", help="set up a repository for blueprints (never overwrites a file)")
    init.add_argument("directory", nargs="?", default=".", metavar="DIR")
    init.set_defaults(run=_init)

    app = commands.add_parser("app", help="run the CDK app (the `app` command `mlbp init` writes into cdk.json)")
    app.set_defaults(run=_app)

    comment = commands.add_parser("ci-comment", help="GitHub Actions: post, update or delete the plan comment")
    comment.add_argument("body", type=Path, metavar="MARKDOWN_FILE", help="`mlbp plan --format markdown` output")
    comment.set_defaults(run=_ci_comment)

    targets = commands.add_parser("ci-deploy-targets", help="the blueprint files a plan's JSON says to deploy")
    targets.add_argument("plan", type=Path, metavar="PLAN_JSON")
    targets.set_defaults(run=_ci_deploy_targets)


def usage_exit_code(argv: list[str], code) -> int:
    """argparse exits 2 on bad usage, which `mlbp plan` means as "changes": make it 1 (error) there."""
    if code == 2 and "plan" in argv[:1]:
        return EXIT_ERROR
    return code


def _synth(args) -> int:
    """Synthesize; the templates also fill `mlbp plan`'s cache, so a plan after a synth is quick."""
    from mlblueprints.cli import _err, _out
    from mlblueprints.pipeline import validate_paths
    from mlblueprints.plan.synth import (
        SynthError, TemplateCache, cdk_context, default_cache_dir, read_assembly, run_cdk_app,
    )

    report = validate_paths(args.paths)
    for diagnostic in report.diagnostics:
        _err(diagnostic.format_text())
    if report.has_errors:
        return EXIT_ERROR
    out = Path(args.out)
    context = cdk_context(Path("."))
    try:
        run_cdk_app([str(p) for p in args.paths], context, out)
    except SynthError as error:
        _err(f"mlbp synth: the CDK app failed:\n{error}")
        return EXIT_ERROR
    cache = TemplateCache(default_cache_dir(), context)
    files = {b.metadata.name: Path(b.file) for b in report.blueprints}
    for name, stacks in sorted(read_assembly(out).items()):
        if name in files:
            cache.put(files[name].read_bytes(), stacks)
        for stack in stacks:
            _out(f"{name}: {stack.stack_name} ({len(stack.template.get('Resources', {}))} resources)")
    _err(f"cloud assembly in {out}/ (deploy it with `npx cdk deploy --app {out} --all`)")
    return EXIT_OK


def _plan(args) -> int:
    from mlblueprints.cli import _err, _out
    from mlblueprints.plan import render
    from mlblueprints.plan.planner import Options, make_plan
    from mlblueprints.plan.synth import SynthError

    writers = {"text": render.format_text, "markdown": render.format_markdown, "json": render.format_json,
               "sarif": render.format_sarif}
    try:
        outputs = [_output(spec) for spec in args.output]
    except UsageError as error:
        _err(f"mlbp plan: error: {error}")
        return EXIT_ERROR
    try:
        plan = make_plan(Options(args.base, tuple(args.paths), args.cache_dir, tuple(args.allow_destroy)))
    except SynthError as error:
        _err(f"mlbp plan: the CDK app failed:\n{error}")
        return EXIT_ERROR
    except UsageError as error:  # not cli.py's exit 2, which would read as "changes"
        _err(f"mlbp plan: error: {error}")
        return EXIT_ERROR
    for fmt, target in outputs:
        target.write_text(_terminated(writers[fmt](plan)))
    text = writers[args.format](plan)
    if text:
        _out(text)
    return plan.exit_code


def _output(spec: str) -> tuple[str, Path]:
    fmt, _, file = spec.partition("=")
    if fmt not in PLAN_FORMATS or not file:
        raise UsageError(f"--output {spec}: write FORMAT=FILE with FORMAT one of {', '.join(PLAN_FORMATS)}")
    return fmt, Path(file)


def _terminated(text: str) -> str:
    return text + "\n" if text else ""


def _init(args) -> int:
    from mlblueprints.cli import _err, _out
    from mlblueprints.init_repo import scaffold

    for path, created in scaffold(Path(args.directory)):
        _out(f"{'created' if created else 'kept   '} {path}")
    _err("next: npm ci, then `mlbp validate blueprints` and `mlbp synth blueprints`")
    return EXIT_OK


def _app(args) -> int:
    import subprocess

    return subprocess.run([sys.executable, "-m", "mlblueprints.stacks.app"], check=False).returncode


def _ci_comment(args) -> int:
    from mlblueprints import github
    from mlblueprints.cli import _err, _out

    try:
        _out(github.sync_comment(args.body.read_text(), github.Context.from_environment()))
    except OSError as error:  # the file, or the API (urllib's errors are OSErrors: a read-only token, say)
        _err(f"mlbp ci-comment: {error}")
        return EXIT_ERROR
    return EXIT_OK


def _ci_deploy_targets(args) -> int:
    from mlblueprints import github
    from mlblueprints.cli import _err, _out

    try:
        _out(",".join(github.deploy_targets(args.plan.read_text())))
    except (OSError, ValueError, KeyError) as error:  # no file, not the plan's JSON
        _err(f"mlbp ci-deploy-targets: {args.plan}: not a plan from `mlbp plan --format json` ({error})")
        return EXIT_ERROR
    return EXIT_OK
