"""The ``mlbp`` command.

Exit codes (docs/cli.md): 0 valid, 1 invalid (the report holds an error), 2 usage or
output error, 130 interrupted (Ctrl-C), 141 broken pipe (the reader of the output went
away). No subcommand here starts Node or imports aws_cdk; `mlbp synth`, `plan` and `app`
(gitops.py) run the CDK app in a child process, and `plan` has exit codes of its own
(docs/plan.md: 0 no change, 2 changes, 3 guard tripped, 1 error).
"""

from __future__ import annotations

import argparse
import errno
import io
import json
import os
import signal
import sys

from mlblueprints import __version__
from mlblueprints.diagnostics import Level, UsageError, format_json, printable

# The pipeline (jsonschema, the catalog, the rules) takes about a second to import; each
# command imports what it needs inside main(), so Ctrl-C during that second is handled too.

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
# 128 + the signal's number: what a shell reports for a process that signal ended,
# so `set -o pipefail` and `$?` read the same as for grep or git.
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE


class _OutputError(Exception):
    """Writing to standard output or standard error failed."""

    def __init__(self, stream, error: OSError):
        super().__init__(error)
        self.stream = stream
        self.error = error


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            # A terminal or a pipe that cannot encode a character gets `\u2026`, not a traceback.
            stream.reconfigure(errors="backslashreplace")
    try:
        args = _parse(argv)
        status = args.run(args)
        _flush(sys.stdout)
        return status
    except UsageError as error:
        return _fail(f"error: {error}", EXIT_USAGE)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
    except _OutputError as failure:
        # Output that did not arrive must not end in success: a CI step that pipes
        # `mlbp validate` into a reader that quits early must not pass.
        _discard(failure.stream)
        if isinstance(failure.error, BrokenPipeError):
            return EXIT_BROKEN_PIPE  # silent, as grep and git are when the reader has gone
        if failure.stream is sys.stderr:
            return EXIT_USAGE
        return _fail(f"error: cannot write the output: {failure.error.strerror or failure.error}", EXIT_USAGE)


def _out(text: str, end: str = "\n") -> None:
    _write(sys.stdout, text, end)


def _err(text: str) -> None:
    _write(sys.stderr, text, "\n")


def _write(stream, text: str, end: str) -> None:
    """Everything mlbp prints goes through here: line by line through ``printable``, so no
    echoed name or value can add a line or drive the terminal, and a failed write ends
    the run with its own exit code instead of a traceback."""
    _check_open(stream)
    try:
        stream.write("\n".join(printable(line) for line in text.split("\n")) + end)
    except OSError as error:
        raise _OutputError(stream, error) from error


def _flush(stream) -> None:
    _check_open(stream)
    try:
        stream.flush()
    except OSError as error:
        raise _OutputError(stream, error) from error


def _check_open(stream) -> None:
    if stream is None:  # Python started with that descriptor closed (`mlbp ... >&-`)
        raise _OutputError(stream, OSError(errno.EBADF, os.strerror(errno.EBADF)))


def _fail(message: str, status: int) -> int:
    try:
        _err(printable(f"mlbp: {message}"))  # one line, even if it echoes a path with a newline
        _flush(sys.stderr)
    except _OutputError as failure:
        _discard(failure.stream)
    return status


def _discard(stream) -> None:
    """Point a stream that failed at /dev/null, so Python's own flush at exit cannot fail again."""
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):  # closed from the start, or not a real file (pytest's capture)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        """argparse echoes the offending argument as typed; escape it like every other output."""
        super().error(printable(message))


def _parse(argv: list[str] | None):
    try:
        return _parser().parse_args(argv)
    except SystemExit as stop:  # `mlbp plan` means "changes" by 2: its usage errors exit 1
        from mlblueprints.gitops import usage_exit_code

        raise SystemExit(usage_exit_code(sys.argv[1:] if argv is None else argv, stop.code)) from None


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mlbp", description="Validate and explain ML compute blueprints.")
    parser.add_argument("--version", action="version", version=f"mlbp {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate", help="check blueprints offline (files, folders, or - for standard input)"
    )
    validate.add_argument(
        "paths", nargs="+", metavar="PATH",
        help="blueprint files, folders to search for *.yaml/*.yml, or - for standard input",
    )
    validate.add_argument("--format", choices=("text", "json", "github", "sarif"), default="text")
    validate.set_defaults(run=_validate)

    show = commands.add_parser("show", help="validate, then print what each blueprint resolves to")
    show.add_argument("paths", nargs="+", metavar="PATH", help="as for validate")
    show.set_defaults(run=_show)

    schema = commands.add_parser("schema", help="print the blueprint JSON Schema (2020-12)")
    schema.set_defaults(run=_schema)

    rules = commands.add_parser("rules", help="list the semantic rules")
    rules.set_defaults(run=_rules)

    review = commands.add_parser(
        "review",
        help="lint CloudFormation templates (files, or cdk.out folders) with cfn-lint and the deploy-hazard pack",
        description="cfn-lint's rules plus the review pack (E95xx/W95xx, docs/review.md) on each template; a "
        "cdk.out folder is linted stack by stack for the stack's own region. Exit 1 on any error.",
    )
    review.add_argument("paths", nargs="*", metavar="PATH", help="template files or cloud assembly folders (cdk.out)")
    review.add_argument("--format", choices=("text", "json", "github"), default="text")
    review.add_argument("--regions", nargs="+", metavar="REGION", help="lint for these regions instead of each stack's own")
    review.add_argument("--ignore-checks", nargs="+", default=[], metavar="ID", help="rule ids (or prefixes) to skip, as cfn-lint's")
    review.add_argument("--rules-path", action="store_true", help="print the pack's folder for `cfn-lint --append-rules` and exit")
    review.set_defaults(run=_review)

    cost = commands.add_parser("cost", help="hourly and 30-day cost of each blueprint, by line item (offline)")
    cost.add_argument("paths", nargs="+", metavar="PATH", help="as for validate")
    cost.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    _assumption_flags(cost)
    cost.set_defaults(run=_cost)

    advise = commands.add_parser("advise", help="rank instance choices for blueprints with `instance: auto`")
    advise.add_argument("paths", nargs="+", metavar="PATH", help="as for validate")
    advise.add_argument("--format", choices=("text", "json"), default="text")
    advise.add_argument("--prices", metavar="FILE", help="price overrides (default: `prices:` in .mlbp.yaml)")
    advise.set_defaults(run=_advise)

    doctor = commands.add_parser(
        "doctor", help="check the set-up: Node for jsii, CDK CLI vs aws-cdk-lib, cfn-lint, AWS credentials, age of the AWS facts"
    )
    doctor.add_argument("--project", default=".", metavar="DIR", help="the checkout to look in (default: .)")
    doctor.set_defaults(run=_doctor)

    from mlblueprints import gitops  # synth, plan, init, app and the CI helpers (docs/plan.md)

    gitops.add_commands(commands)
    return parser


def _validate(args) -> int:
    from mlblueprints.pipeline import validate_paths

    report = validate_paths(args.paths)
    if args.format == "json":
        _out(format_json(report.diagnostics))
    elif args.format == "sarif":
        from mlblueprints import sarif
        from mlblueprints.rules import ALL_RULES

        _out(sarif.format_sarif(sarif.from_diagnostics(report.diagnostics, ALL_RULES)))
    else:
        for diagnostic in report.diagnostics:
            _out(diagnostic.format_github() if args.format == "github" else diagnostic.format_text())
        if args.format == "text":
            _err(_summary(report))
    return EXIT_INVALID if report.has_errors else EXIT_OK


def _show(args) -> int:
    from mlblueprints.pipeline import validate_paths
    from mlblueprints.resolve import resolve

    report = validate_paths(args.paths)
    for diagnostic in report.diagnostics:
        _err(diagnostic.format_text())
    if report.has_errors:
        return EXIT_INVALID
    for blueprint in report.blueprints:
        shown = {
            "file": printable(blueprint.file),
            "kind": blueprint.kind,
            "stack": blueprint.metadata.stack_name,
            "region": blueprint.spec.region,
        }
        fields = SHOWN_FIELDS.get(blueprint.kind)
        if fields is not None:
            shown.update(fields(resolve(blueprint)))
        _out(json.dumps(shown, indent=2))
    return EXIT_OK


def _accelerators(instance) -> str | None:
    return f"{instance.accelerator.count}x {instance.accelerator.model}" if instance and instance.accelerator else None


def _training_cluster_fields(resolved) -> dict:
    from mlblueprints.advisor import advice_metadata

    instance = resolved.instance
    return {
        "instance_type": instance.name,
        "accelerators": _accelerators(instance),
        "on_demand_usd_per_hour": instance.on_demand_usd_per_hour,
        "ami_ssm_parameter": resolved.machine_image.ssm_parameter,
        "ami_id": resolved.machine_image.ami_id,
        "container_uri": resolved.container.uri if resolved.container else None,
        "nodes": {"min": resolved.nodes.min, "desired": resolved.nodes.desired, "max": resolved.nodes.max},
        # instance: auto: what the advisor chose and why (also in the stack's template metadata).
        "advisor": advice_metadata(resolved.advice) if resolved.advice is not None else None,
        "efa_interfaces": [f"card {i.card} device {i.device}: {i.interface_type}" for i in resolved.efa_layout],
        "cluster_placement_group": resolved.cluster_placement,
    }


def _inference_fleet_fields(resolved) -> dict:
    def variant(v) -> dict:
        return {
            "name": v.variant.name,
            "instance_type": v.instance.name if v.instance else None,
            "accelerators": _accelerators(v.instance),
            "container_uri": v.container.uri,
            "environment": dict(v.environment),
            # Production-variant start-up settings: the blueprint's, else the container family's (None: SageMaker's).
            "startup_health_check_timeout_seconds": v.variant.hosting.startup_health_check_timeout_seconds,
            "model_download_timeout_seconds": v.variant.hosting.model_download_timeout_seconds,
            "volume_size_gb": v.variant.hosting.volume_size_gb,
        }

    endpoints = []
    for e in resolved.endpoints:
        spec = e.endpoint
        scaling = spec.autoscaling
        endpoints.append(
            {
                "endpoint_name": e.name,
                "mode": spec.mode,
                "network_isolation": spec.network_isolation,
                "vpc": spec.vpc,
                "volume_kms_key": e.encrypts_volume,
                "variants": [variant(v) for v in e.variants],
                "shadow": variant(e.shadow) if e.shadow else None,
                # Key prefixes under the fleet's bucket prefix: callers upload requests to input_path.
                "async": None if spec.async_inference is None else {
                    "input_path": spec.async_inference.input_path,
                    "output_path": spec.async_inference.output_path,
                    "failure_path": spec.async_inference.failure_path,
                },
                "autoscaling": None if scaling is None else {
                    "min": scaling.min,
                    "max": scaling.max,
                    # The SageMakerVariantInvocationsPerInstance target counts per minute.
                    "invocations_per_instance_per_minute": scaling.invocations_per_minute,
                    "backlog_per_instance": scaling.backlog_per_instance,
                },
            }
        )
    return {"tier": resolved.blueprint.spec.tier, "endpoints": endpoints}


def _ultracluster_fields(resolved) -> dict:
    spec = resolved.blueprint.spec
    instance = resolved.instance
    lustre = resolved.lustre
    return {
        "orchestrator": spec.orchestrator,
        "availability_zone": spec.availability_zone,
        "node_type": resolved.node_type,
        "nodes": spec.nodes,
        "accelerators_per_node": _accelerators(instance),
        "capacity": spec.capacity.source,
        "placement_group": spec.placement_group,
        "efa_interfaces": [f"card {i.card} device {i.device}: {i.interface_type}" for i in resolved.efa_layout],
        "host_ami_ssm_parameter": resolved.host_image.ssm_parameter if resolved.host_image else None,
        "container_uri": resolved.container.uri if resolved.container else None,
        "fsx": (
            {"existing": lustre.existing.file_system_id}
            if lustre.existing
            else {
                "capacity_gib": lustre.size.capacity_gib,
                "throughput_per_tib": lustre.size.throughput_per_tib,
                "throughput_mbps": round(lustre.size.throughput_mbps),
                "asked_mbps": lustre.needed_mbps,
                "efa": lustre.efa,
            }
        ),
    }


#: kind -> the resolved fields `mlbp show` prints after file, kind, stack and region.
SHOWN_FIELDS = {
    "TrainingCluster": _training_cluster_fields,
    "InferenceFleet": _inference_fleet_fields,
    "UltraCluster": _ultracluster_fields,
}


def _assumption_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--prices", metavar="FILE", help="price overrides (default: `prices:` in .mlbp.yaml)")
    parser.add_argument("--s3-gib", type=float, metavar="GB", help="price the S3 bucket at this size")
    parser.add_argument("--serverless-rph", type=float, default=3600, metavar="N", help="serverless requests per hour (default 3600)")
    parser.add_argument("--serverless-ms", type=float, default=200, metavar="MS", help="serverless mean duration (default 200 ms)")
    parser.add_argument("--async-busy-hours", type=float, default=8, metavar="H", help="hours a day a scale-to-zero async endpoint runs (default 8)")
    parser.add_argument("--block-days", type=float, metavar="D", help="a Capacity Block's duration in days, to price the whole block")


def _prices_for(args):
    """blueprint -> its price book: the --prices file, else its repository's .mlbp.yaml (as validation reads it)."""
    from mlblueprints.pricing import PriceOverrideError, price_book
    from mlblueprints.resolve import blueprint_prices

    try:
        explicit = price_book(args.prices) if args.prices else None
    except (PriceOverrideError, OSError) as error:
        raise UsageError(str(error)) from error

    def prices(blueprint):
        try:
            return explicit or blueprint_prices(blueprint)
        except (PriceOverrideError, OSError) as error:
            raise UsageError(str(error)) from error

    return prices


def _cost(args) -> int:
    from mlblueprints import cost, cost_report
    from mlblueprints.pipeline import validate_paths

    prices = _prices_for(args)
    report = validate_paths(args.paths)
    for diagnostic in report.diagnostics:
        _err(diagnostic.format_text())
    assumptions = cost.Assumptions(
        s3_gib=args.s3_gib,
        serverless_requests_per_hour=args.serverless_rph,
        serverless_duration_ms=args.serverless_ms,
        async_busy_hours_per_day=args.async_busy_hours,
        capacity_block_days=args.block_days,
    )
    estimates = [cost.estimate(b, prices(b), assumptions) for b in report.blueprints]
    render = {"text": cost_report.format_text, "json": cost_report.format_json, "markdown": cost_report.format_markdown}
    _out(render[args.format](estimates))
    return EXIT_INVALID if report.has_errors else EXIT_OK


def _advise(args) -> int:
    from mlblueprints import advisor
    from mlblueprints.pipeline import validate_paths

    prices = _prices_for(args)
    report = validate_paths(args.paths)
    for diagnostic in report.diagnostics:
        _err(diagnostic.format_text())
    results = [(b, advisor.advise_blueprint(b, prices(b))) for b in report.blueprints if advisor.is_auto(b)]
    if args.format == "json":
        _out(json.dumps([advisor.advice_dict(b, advice) for b, advice in results], indent=2))
    else:
        for blueprint, advice in results:
            _out(advisor.format_advice(blueprint, advice))
        if not results and not report.has_errors:
            _err("no blueprint here uses `instance: auto`")
    return EXIT_INVALID if report.has_errors else EXIT_OK


def _doctor(args) -> int:
    """One line per finding; exit 1 if any is a problem (each problem line carries its fix)."""
    from pathlib import Path

    from mlblueprints import doctor

    findings = doctor.diagnose(doctor.Setup.from_environment(Path(args.project)))
    for finding in findings:
        _out(printable(finding.format()))
    return EXIT_INVALID if any(f.level is doctor.Level.PROBLEM for f in findings) else EXIT_OK


def _review(args) -> int:
    from mlblueprints.review import RULES_DIR
    from mlblueprints.review.run import ReviewUsageError, review, targets

    if args.rules_path:
        _out(str(RULES_DIR))
        return EXIT_OK
    if not args.paths:
        raise UsageError("review: give a template file or a cloud assembly folder (cdk.out)")
    try:
        found = targets(args.paths)
    except ReviewUsageError as error:
        raise UsageError(str(error)) from None
    diagnostics = review(found, regions=args.regions, ignore=args.ignore_checks)
    if args.format == "json":
        _out(format_json(diagnostics))
    else:
        for diagnostic in diagnostics:
            _out(diagnostic.format_github() if args.format == "github" else diagnostic.format_text())
        if args.format == "text":
            errors = sum(d.level is Level.ERROR for d in diagnostics)
            _err(f"{len(found)} template(s) reviewed: {errors} error(s), {len(diagnostics) - errors} warning(s)")
    return EXIT_INVALID if any(d.level is Level.ERROR for d in diagnostics) else EXIT_OK


def _schema(args) -> int:
    from mlblueprints.schema_check import schema_text

    _out(schema_text(), end="")
    return EXIT_OK


def _rules(args) -> int:
    from mlblueprints.rules import ALL_RULES

    for rule in sorted(ALL_RULES.values(), key=lambda r: r.id):
        _out(f"{rule.id}  {rule.level.value:<7}  {rule.summary}\n         {rule.source_url}")
    return EXIT_OK


def _summary(report) -> str:
    errors = sum(d.level is Level.ERROR for d in report.diagnostics)
    warnings = len(report.diagnostics) - errors
    return f"{len(report.files)} blueprint(s) checked: {errors} error(s), {warnings} warning(s)"


if __name__ == "__main__":
    sys.exit(main())
