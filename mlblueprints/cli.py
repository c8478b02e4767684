"""The ``mlbp`` command.

Exit codes: 0 valid, 1 invalid blueprint, 2 usage error (bad flags, missing
path). No subcommand here starts Node or imports aws_cdk.
"""

from __future__ import annotations

import argparse
import json
import sys

from mlblueprints import __version__
from mlblueprints.diagnostics import Level, format_json
from mlblueprints.pipeline import Report, UsageError, validate_paths
from mlblueprints.resolve import resolve
from mlblueprints.rules import ALL_RULES
from mlblueprints.schema_check import schema_text

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UsageError as error:
        print(f"mlbp: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `mlbp schema | head` is fine
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mlbp", description="Validate and explain ML compute blueprints.")
    parser.add_argument("--version", action="version", version=f"mlbp {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check blueprints offline (files or folders)")
    validate.add_argument("paths", nargs="+", metavar="PATH", help="blueprint files, or folders to search for *.yaml/*.yml")
    validate.add_argument("--format", choices=("text", "json", "github"), default="text")
    validate.set_defaults(run=_validate)

    show = commands.add_parser("show", help="validate, then print what each blueprint resolves to")
    show.add_argument("paths", nargs="+", metavar="PATH")
    show.set_defaults(run=_show)

    schema = commands.add_parser("schema", help="print the blueprint JSON Schema (2020-12)")
    schema.set_defaults(run=lambda args: _print(schema_text(), end=""))

    rules = commands.add_parser("rules", help="list the semantic rules")
    rules.set_defaults(run=_rules)

    doctor = commands.add_parser(
        "doctor", help="check the set-up: Node for jsii, CDK CLI vs aws-cdk-lib, cfn-lint, AWS credentials"
    )
    doctor.add_argument("--project", default=".", metavar="DIR", help="the checkout to look in (default: .)")
    doctor.set_defaults(run=_doctor)
    return parser


def _validate(args) -> int:
    report = validate_paths(args.paths)
    if args.format == "json":
        print(format_json(report.diagnostics))
    else:
        for diagnostic in report.diagnostics:
            print(diagnostic.format_github() if args.format == "github" else diagnostic.format_text())
        if args.format == "text":
            print(_summary(report), file=sys.stderr)
    return EXIT_INVALID if report.has_errors else EXIT_OK


def _show(args) -> int:
    report = validate_paths(args.paths)
    for diagnostic in report.diagnostics:
        print(diagnostic.format_text(), file=sys.stderr)
    if report.has_errors:
        return EXIT_INVALID
    for blueprint in report.blueprints:
        shown = {
            "file": blueprint.file,
            "kind": blueprint.kind,
            "stack": blueprint.metadata.stack_name,
            "region": blueprint.spec.region,
        }
        fields = SHOWN_FIELDS.get(blueprint.kind)
        if fields is not None:
            shown.update(fields(resolve(blueprint)))
        print(json.dumps(shown, indent=2))
    return EXIT_OK


def _accelerators(instance) -> str | None:
    return f"{instance.accelerator.count}x {instance.accelerator.model}" if instance and instance.accelerator else None


def _training_cluster_fields(resolved) -> dict:
    instance = resolved.instance
    return {
        "instance_type": instance.name,
        "accelerators": _accelerators(instance),
        "on_demand_usd_per_hour": instance.on_demand_usd_per_hour,
        "ami_ssm_parameter": resolved.machine_image.ssm_parameter,
        "ami_id": resolved.machine_image.ami_id,
        "container_uri": resolved.container.uri if resolved.container else None,
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


def _doctor(args) -> int:
    """One line per finding; exit 1 if any is a problem (each problem line carries its fix)."""
    from pathlib import Path

    from mlblueprints import doctor

    findings = doctor.diagnose(doctor.Setup.from_environment(Path(args.project)))
    for finding in findings:
        print(finding.format())
    return EXIT_INVALID if any(f.level is doctor.Level.PROBLEM for f in findings) else EXIT_OK


def _rules(args) -> int:
    for rule in sorted(ALL_RULES.values(), key=lambda r: r.id):
        print(f"{rule.id}  {rule.level.value:<7}  {rule.summary}\n         {rule.source_url}")
    return EXIT_OK


def _summary(report: Report) -> str:
    errors = sum(d.level is Level.ERROR for d in report.diagnostics)
    warnings = len(report.diagnostics) - errors
    return f"{len(report.files)} blueprint(s) checked: {errors} error(s), {warnings} warning(s)"


def _print(text: str, end: str = "\n") -> int:
    sys.stdout.write(text + end)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
