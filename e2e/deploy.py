"""Deploy the CDK app into the local emulator, check it, update it, destroy it, re-create it, twice.

The life cycle of docs/lifecycle.md, end to end: ``cdk deploy --all``; checks;
a node-count update; ``cdk destroy --all``, which must delete every compute
stack and stop at the termination-protected data stacks; the deliberate data
delete (termination protection off, as the ``DeleteDataCommand`` output does,
then ``cdk destroy --all`` again); ``cdk deploy --all`` again onto what the
deletes left behind, with the same checks. The delete and re-create cycle runs
twice in a row, with no clean-up in between.

``make deploy-local`` runs ``python -m e2e.deploy``; ``tests/e2e`` drives the same
steps one by one. Everything goes through the pinned CDK CLI exactly as a real
deploy would (``cdk bootstrap``, ``cdk deploy --all --method=direct``,
``cdk destroy --all``); only the endpoint, the credentials, the account and the
blueprints differ:

* ``AWS_ENDPOINT_URL=http://localhost:PORT``, dummy credentials and a throw-away
  ``HOME``, so nothing reads or writes a real AWS profile;
* ``-c mlbp:account=123456789012`` (moto's account) so stacks name an account
  as the bootstrap stack and the direct method expect; the CLI then looks up the
  zones of each region, answered by the emulator, into the work directory's
  ``cdk.context.json``, never the repository's;
* the blueprints in ``e2e/blueprints/``, which avoid what moto cannot create
  (README, "Deploy locally").

The work directory is a CDK project of its own: a copy of the repository's
``cdk.json`` (same feature flags) whose ``app`` runs the repository's ``app.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from e2e import checks, emulator
from mlblueprints.diagnostics import Diagnostic, Level
from mlblueprints.review.run import assembly_targets, review

ROOT = Path(__file__).resolve().parents[1]
BLUEPRINTS = ROOT / "e2e" / "blueprints"
ACCOUNT_CONTEXT = "mlbp:account"  # stacks.assembly.ACCOUNT_CONTEXT, not imported: no aws_cdk here
SSM_TYPE = re.compile(r"^AWS::SSM::Parameter::Value<(?P<value>.+)>$")
IMAGE_ID = "AWS::EC2::Image::Id"
#: Public parameters live under /aws/; /cdk-bootstrap/... is written by `cdk bootstrap` itself.
PUBLIC_PREFIX = "/aws/"
#: The CLI prints this after each stack it deployed ("✨  Deployment time: 1.2s").
DEPLOY_TIME = re.compile(r"Deployment time: (?P<seconds>[\d.]+)s")
DEPLOYED = re.compile(r"✅\s+(?P<artifact>\S+)")
#: The blueprint whose node count the update step changes (a TrainingCluster).
UPDATED_BLUEPRINT = "train-g5.yaml"


@dataclass(frozen=True)
class StackArtifact:
    """One stack of a cloud assembly, as the manifest and its template describe it."""

    artifact_id: str
    stack_name: str
    region: str
    template: dict

    @property
    def public_parameters(self) -> dict[str, str]:
        """SSM-typed template parameters read from public paths: default path -> value type."""
        found = {}
        for parameter in self.template.get("Parameters", {}).values():
            match = SSM_TYPE.match(parameter.get("Type", ""))
            default = parameter.get("Default", "")
            if match and default.startswith(PUBLIC_PREFIX):
                found[default] = match["value"]
        return found


@dataclass(frozen=True)
class Assembly:
    path: Path
    stacks: tuple[StackArtifact, ...]

    @classmethod
    def read(cls, path: Path) -> Assembly:
        manifest = json.loads((path / "manifest.json").read_text())
        stacks = []
        for artifact_id, artifact in sorted(manifest["artifacts"].items()):
            if artifact["type"] != "aws:cloudformation:stack":
                continue
            properties = artifact["properties"]
            stacks.append(
                StackArtifact(
                    artifact_id=artifact_id,
                    stack_name=properties.get("stackName", artifact_id),
                    region=artifact["environment"].rsplit("/", 1)[-1],
                    template=json.loads((path / properties["templateFile"]).read_text()),
                )
            )
        return cls(path=path, stacks=tuple(stacks))

    @property
    def regions(self) -> list[str]:
        return sorted({stack.region for stack in self.stacks})

    def stack(self, stack_name: str) -> StackArtifact:
        return next(s for s in self.stacks if s.stack_name == stack_name)

    def replace(self, stack: StackArtifact) -> Assembly:
        """This assembly with ``stack`` in place of the stack of the same name."""
        return Assembly(self.path, tuple(stack if s.stack_name == stack.stack_name else s for s in self.stacks))


@dataclass
class StepTimes:
    deploy: dict[str, float] = field(default_factory=dict)
    update: dict[str, float] = field(default_factory=dict)
    destroy_seconds: float | None = None


class CdkError(RuntimeError):
    pass


class ReviewError(CdkError):
    """The review pack (or cfn-lint) found errors in the synthesized templates: nothing is deployed."""


@dataclass
class LocalDeployment:
    """The emulator, a work directory, and the CLI pointed at them. Steps run in order:

    ``synth`` -> ``review`` -> ``seed_public_parameters`` -> ``bootstrap`` -> ``deploy`` -> ``verify``
    -> ``update_node_count`` -> ``destroy_compute`` -> ``delete_data`` -> ``deploy`` (re-create) ...
    """

    emulator: emulator.Emulator
    workdir: Path
    blueprints: Path = BLUEPRINTS
    assembly: Assembly | None = None
    images: dict[tuple[str, str], str] = field(default_factory=dict)  # (region, parameter) -> AMI id
    times: StepTimes = field(default_factory=StepTimes)

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "home").mkdir(exist_ok=True)
        config = json.loads((ROOT / "cdk.json").read_text())
        config["app"] = f"{sys.executable} {ROOT / 'app.py'}"
        config.pop("watch", None)
        (self.workdir / "cdk.json").write_text(json.dumps(config, indent=1))

    # --- the CLI ---------------------------------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        node_bin = ROOT / ".venv" / "node-bin"
        env = {
            key: value
            for key, value in os.environ.items()
            # Nothing from a real AWS set-up may leak in.
            if not key.startswith(("AWS_", "CDK_")) or key in ("CDK_DISABLE_CLI_TELEMETRY",)
        }
        env.update(emulator.DUMMY_CREDENTIALS)
        env.update(
            {
                "AWS_ENDPOINT_URL": self.emulator.url,
                "AWS_REGION": "us-east-1",
                "AWS_DEFAULT_REGION": "us-east-1",
                "HOME": str(self.workdir / "home"),
                "CDK_DISABLE_CLI_TELEMETRY": "true",
                # moto answers on loopback only; never route it through a proxy.
                "NO_PROXY": "localhost,127.0.0.1",
                "no_proxy": "localhost,127.0.0.1",
            }
        )
        if node_bin.is_dir():
            env["PATH"] = f"{node_bin}{os.pathsep}{env.get('PATH', '')}"
            env.setdefault("JSII_NODE", str(node_bin / "node"))
        return env

    def cdk(self, *args: str, log_name: str) -> str:
        """Run the pinned CDK CLI in the work directory; return its output, raise with its tail on failure."""
        command = [str(ROOT / "node_modules" / ".bin" / "cdk"), "--no-notices", "--no-version-reporting", *args]
        log_path = self.workdir / f"{log_name}.log"
        with open(log_path, "w") as log:
            result = subprocess.run(
                command,
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=emulator.die_with_parent,
            )
        output = log_path.read_text()
        if result.returncode != 0:
            tail = "\n".join(output.splitlines()[-25:])
            raise CdkError(f"`cdk {' '.join(args[:2])}` failed ({result.returncode}); {log_path}:\n{tail}")
        return output

    # --- the steps -------------------------------------------------------------------

    def synth(self, blueprints: Path | None = None, *, name: str = "cdk.out") -> Assembly:
        out = self.workdir / name
        shutil.rmtree(out, ignore_errors=True)
        self.cdk(
            "synth", "--quiet",
            "--context", f"blueprints={blueprints or self.blueprints}",
            "--context", f"{ACCOUNT_CONTEXT}={emulator.ACCOUNT_ID}",
            "--output", str(out),
            log_name=f"synth-{name}",
        )
        self.assembly = Assembly.read(out)
        return self.assembly

    def review(self) -> list[Diagnostic]:
        """cfn-lint and the review pack (docs/review.md) on every template; raise before deploying on errors.

        The emulator accepts templates that AWS rejects (moto does not check Batch's
        security-group rules, for one), so this is the step that stands in for AWS.
        """
        diagnostics = review(assembly_targets(self.assembly.path))
        errors = [d for d in diagnostics if d.level is Level.ERROR]
        if errors:
            raise ReviewError(
                f"the review found {len(errors)} error(s); not deploying:\n"
                + "\n".join(d.format_text() for d in errors)
            )
        return diagnostics

    def seed_public_parameters(self) -> dict[tuple[str, str], str]:
        """Register one fake AMI per public image parameter the templates read, and publish the parameter."""
        for stack in self.assembly.stacks:
            ec2 = checks.client("ec2", stack.region, self.emulator.url)
            for path, value_type in sorted(stack.public_parameters.items()):
                if (stack.region, path) in self.images:
                    continue
                if value_type != IMAGE_ID:
                    raise ValueError(f"{stack.stack_name}: public parameter {path} of type {value_type} has no seed")
                image = ec2.register_image(
                    Name=f"mlbp-e2e{path.replace('/', '-')}"[:128],
                    Description=f"stands in for {path}",
                    Architecture="arm64" if "/arm64/" in path else "x86_64",
                    RootDeviceName="/dev/sda1",
                )["ImageId"]
                self.emulator.publish_parameter(region=stack.region, name=path, value=image)
                self.images[(stack.region, path)] = image
        return self.images

    def bootstrap(self) -> None:
        environments = [f"aws://{emulator.ACCOUNT_ID}/{region}" for region in self.assembly.regions]
        self.cdk("bootstrap", *environments, "--app", str(self.assembly.path), log_name="bootstrap")

    def deploy(self, *stacks: str, log_name: str = "deploy") -> dict[str, float]:
        """``cdk deploy`` (all stacks unless named) with the direct method; seconds per stack from the CLI."""
        selection = list(stacks) or ["--all"]
        output = self.cdk(
            "deploy", *selection,
            "--app", str(self.assembly.path),
            "--method=direct",
            "--require-approval=never",
            "--progress=events",
            "--outputs-file", str(self.workdir / f"{log_name}-outputs.json"),
            log_name=log_name,
        )
        return _deploy_seconds(output, self.assembly)

    def verify(self) -> dict[str, list[checks.Result]]:
        return {
            stack.stack_name: checks.verify(checks.DeployedStack.describe(stack, self.emulator.url, self.images))
            for stack in self.assembly.stacks
        }

    def update_node_count(self, blueprint: str = UPDATED_BLUEPRINT) -> tuple[str, int]:
        """Raise ``nodes.desired`` (and ``max`` if needed) of one TrainingCluster by one; redeploy its stack.

        Only the changed blueprint is synthesized again; the updated stack then stands
        in for the old one in ``self.assembly``, so later checks and destroy see it.
        """
        document = yaml.safe_load((self.blueprints / blueprint).read_text())
        nodes = document["spec"]["nodes"]
        nodes["desired"] = nodes.get("desired", nodes.get("min", 0)) + 1
        nodes["max"] = max(nodes["max"], nodes["desired"])
        changed = self.workdir / "blueprints-updated"
        shutil.rmtree(changed, ignore_errors=True)
        changed.mkdir(parents=True)
        (changed / blueprint).write_text(yaml.safe_dump(document, sort_keys=False))
        stack_name = f"mlbp-{document['metadata']['name']}"
        everything = self.assembly
        updated = self.synth(changed, name="cdk.out.updated")
        started = time.monotonic()
        self.deploy(updated.stack(stack_name).artifact_id, log_name="update")
        self.times.update[stack_name] = time.monotonic() - started
        self.assembly = everything.replace(updated.stack(stack_name))
        return stack_name, nodes["desired"]

    def destroy_compute(self, *, log_name: str = "destroy") -> str:
        """``cdk destroy --all``: deletes the compute stacks, then fails on the first termination-protected data
        stack. Returns the CLI's output; it is an error if the CLI succeeds (a data stack was deleted)."""
        started = time.monotonic()
        try:
            output = self.cdk("destroy", "--all", "--force", "--app", str(self.assembly.path), log_name=log_name)
        except CdkError as error:
            if "TerminationProtection" not in str(error):
                raise
            output = str(error)
        else:
            raise CdkError(f"`cdk destroy --all` deleted a termination-protected data stack:\n{output[-2000:]}")
        self.times.destroy_seconds = time.monotonic() - started
        return output

    def delete_data(self, *, log_name: str = "delete-data") -> None:
        """The deliberate second step: termination protection off (the data stacks' DeleteDataCommand), then
        ``cdk destroy --all`` again."""
        for stack in self.assembly.stacks:
            if stack.stack_name.endswith(checks.DATA_SUFFIX):
                checks.client("cloudformation", stack.region, self.emulator.url).update_termination_protection(
                    StackName=stack.stack_name, EnableTerminationProtection=False
                )
        self.cdk("destroy", "--all", "--force", "--app", str(self.assembly.path), log_name=log_name)


def _deploy_seconds(output: str, assembly: Assembly) -> dict[str, float]:
    """Pair each "✅  <artifact>" line with the "Deployment time" line that follows it."""
    seconds, current = {}, None
    names = {stack.artifact_id: stack.stack_name for stack in assembly.stacks}
    for line in output.splitlines():
        deployed = DEPLOYED.search(line)
        if deployed and deployed["artifact"] in names:
            current = names[deployed["artifact"]]
            continue
        timed = DEPLOY_TIME.search(line)
        if timed and current is not None:
            seconds[current] = float(timed["seconds"])
            current = None
    return seconds


def summary_lines(deployment: LocalDeployment, results: dict[str, list[checks.Result]]) -> list[str]:
    lines = []
    for stack in deployment.assembly.stacks:
        described = checks.DeployedStack.describe(stack, deployment.emulator.url, deployment.images)
        skipped = Counter(
            stack.template["Resources"][logical]["Type"] for logical in described.skipped_logical_ids
        )
        stack_results = results.get(stack.stack_name, [])
        failed = [r for r in stack_results if not r.ok]
        seconds = deployment.times.deploy.get(stack.stack_name)
        line = f"{stack.stack_name} ({stack.region}): {len(described.resources)} resources created"
        line += f", {sum(skipped.values())} skipped by the emulator"
        if skipped:
            line += " (" + ", ".join(f"{n} {t}" for t, n in sorted(skipped.items())) + ")"
        line += f" | deployed in {seconds:.1f} s" if seconds is not None else " | deploy time not reported"
        line += f" | checks: {len(stack_results) - len(failed)}/{len(stack_results)} passed"
        if stack.stack_name in deployment.times.update:
            line += f" | updated in {deployment.times.update[stack.stack_name]:.1f} s"
        lines.append(line)
    return lines


#: How many delete-and-re-create cycles follow the first deploy (issue: twice in a row, no clean-up).
RECREATE_CYCLES = 2


def retained_everywhere(deployment: LocalDeployment, url: str) -> list[tuple[str, str, str]]:
    """What the deployed stacks retain on delete, read before deleting them."""
    return [
        item
        for stack in deployment.assembly.stacks
        for item in checks.retained(checks.DeployedStack.describe(stack, url, deployment.images))
    ]


def delete_and_recreate(deployment: LocalDeployment, url: str, cycle: int, say) -> list[checks.Result]:
    """``cdk destroy --all`` (stops at the data), the deliberate data delete, ``cdk deploy --all``, the checks."""
    results = []
    kept = retained_everywhere(deployment, url)
    deployment.destroy_compute(log_name=f"destroy-{cycle}")
    results.append(checks.compute_destroyed(deployment.assembly, url))
    deployment.delete_data(log_name=f"delete-data-{cycle}")
    results.append(checks.destroyed(deployment.assembly, url, kept))
    # The re-create deploys the blueprints as first synthesized (the node-count update was to the old stack).
    deployment.assembly = Assembly.read(deployment.assembly.path)
    deployment.deploy(log_name=f"recreate-{cycle}")
    for stack in deployment.assembly.stacks:
        described = checks.DeployedStack.describe(stack, url, deployment.images)
        results += [
            checks.Result(f"re-create {cycle}: {stack.stack_name}: {r.name}", r.ok, r.detail)
            for r in checks.verify(described)
        ]
    for result in results:
        say(f"{'ok  ' if result.ok else 'FAIL'} cycle {cycle}: {result.name}: {result.detail}")
    return results


def run(*, pid_file: Path | None, workdir: Path | None, keep: bool) -> int:
    workdir = workdir or Path(tempfile.mkdtemp(prefix="mlbp-deploy-local-"))
    say = lambda text: print(f"deploy-local: {text}", flush=True)  # noqa: E731
    started = time.monotonic()
    with emulator.start(pid_file=pid_file, log_file=workdir / "emulator.log") as running:
        say(f"emulator on {running.url} (pid {running.process.pid}); work directory {workdir}")
        deployment = LocalDeployment(emulator=running, workdir=workdir)
        try:
            step = time.monotonic()
            assembly = deployment.synth()
            say(f"synthesized {len(assembly.stacks)} stack(s) in {time.monotonic() - step:.1f} s")
            warnings = deployment.review()
            say(f"reviewed every template (cfn-lint and the review pack): no errors, {len(warnings)} warning(s)")
            images = deployment.seed_public_parameters()
            for (region, path), image in sorted(images.items()):
                say(f"seeded {region} {path} -> {image}")
            step = time.monotonic()
            deployment.bootstrap()
            say(f"bootstrapped {', '.join(assembly.regions)} in {time.monotonic() - step:.1f} s")
            step = time.monotonic()
            deployment.times.deploy = deployment.deploy()
            say(f"deployed --all in {time.monotonic() - step:.1f} s")
            results = deployment.verify()
            for stack_name, stack_results in results.items():
                for result in stack_results:
                    say(f"{'ok  ' if result.ok else 'FAIL'} {stack_name}: {result.name}: {result.detail}")
            stack_name, desired = deployment.update_node_count()
            update = checks.node_count(
                checks.DeployedStack.describe(deployment.assembly.stack(stack_name), running.url, deployment.images),
                desired,
            )
            results.setdefault(stack_name, []).append(update)
            say(f"{'ok  ' if update.ok else 'FAIL'} {stack_name}: {update.name}: {update.detail}")
            lines = summary_lines(deployment, results)
            if not keep:
                results.setdefault("(all)", [])
                for cycle in range(1, RECREATE_CYCLES + 1):
                    results["(all)"] += delete_and_recreate(deployment, running.url, cycle, say)
                kept = retained_everywhere(deployment, running.url)
                deployment.destroy_compute(log_name="destroy-final")
                deployment.delete_data(log_name="delete-data-final")
                gone = checks.destroyed(deployment.assembly, running.url, kept)
                say(f"{'ok  ' if gone.ok else 'FAIL'} final: {gone.name}: {gone.detail}")
                results["(all)"].append(gone)
        except CdkError as error:
            say(str(error))
            say(f"emulator log: {workdir / 'emulator.log'}")
            return 1
        print("\nper stack:")
        for line in lines:
            print(f"  {line}")
        failed = sum(not r.ok for rs in results.values() for r in rs)
        print(f"\n{'all checks passed' if not failed else f'{failed} check(s) failed'}"
              f" in {time.monotonic() - started:.0f} s (logs in {workdir})")
        if keep:
            input("stacks left deployed; press Enter to stop the emulator ")
        return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m e2e.deploy", description=__doc__.splitlines()[0])
    parser.add_argument("--pid-file", type=Path, help="write the emulator's PID here (for the caller's trap)")
    parser.add_argument("--workdir", type=Path, help="keep logs and assemblies here (default: a new temp dir)")
    parser.add_argument("--keep", action="store_true", help="skip destroy and wait, to poke at the emulator")
    args = parser.parse_args(argv)
    return run(pid_file=args.pid_file, workdir=args.workdir, keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
