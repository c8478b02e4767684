"""Synthesize blueprints into CloudFormation templates, through a cache.

The CDK app (``mlblueprints.stacks.app``) runs in a child process, so this
package never imports aws_cdk. One run synthesizes every blueprint that is not
cached. A template is cached under a key made of the blueprint's text, the CDK
context and a fingerprint of the tool itself (its code and data files and the
aws-cdk-lib and cdk-nag versions), so an unchanged blueprint costs nothing and
a new tool version never reuses an old template.

Each blueprint maps to its stacks through the cloud assembly's manifest.json
(the ``mlblueprints:blueprint`` stack tag), however many stacks a kind makes.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from mlblueprints.diagnostics import UsageError

#: The stack tag naming a stack's blueprint (stacks/blueprint_stack.py writes it).
BLUEPRINT_TAG = "mlblueprints:blueprint"
CACHE_ENV = "MLBP_CACHE_DIR"
#: cdk.json written by `mlbp init`: feature flags for projects that have no cdk.json of their own.
DEFAULT_CDK_JSON = Path(__file__).resolve().parent.parent / "scaffold" / "cdk.json"


@dataclass(frozen=True)
class NagFinding:
    rule: str
    level: str
    logical_id: str
    info: str


@dataclass
class StackTemplate:
    """One synthesized stack of a blueprint."""

    stack_name: str
    template: dict
    nag: list[NagFinding] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"stack_name": self.stack_name, "template": self.template, "nag": [vars(n) for n in self.nag]}

    @classmethod
    def from_json(cls, data: dict) -> "StackTemplate":
        return cls(data["stack_name"], data["template"], [NagFinding(**n) for n in data["nag"]])


class SynthError(Exception):
    """The CDK app failed: exit code 1 with its output."""


def cdk_context(project: Path) -> dict:
    """The ``context`` of the project's cdk.json, or of the one `mlbp init` writes."""
    cdk_json = project / "cdk.json"
    source = cdk_json if cdk_json.is_file() else DEFAULT_CDK_JSON
    try:
        return dict(json.loads(source.read_text()).get("context", {}))
    except (OSError, json.JSONDecodeError) as error:
        raise UsageError(f"{source}: cannot read the CDK context: {error}") from error


@functools.cache
def tool_fingerprint() -> str:
    """A digest of this tool's code and data and of the CDK libraries it drives (the plan's own code aside)."""
    digest = hashlib.sha256()
    for package in ("mlblueprints", "mlblueprints.stacks"):
        spec = importlib.util.find_spec(package)
        for folder in spec.submodule_search_locations or ():
            for path in sorted(Path(folder).rglob("*")):
                relative = path.relative_to(folder)
                if path.suffix in (".py", ".json", ".sh", ".yaml") and not {"__pycache__", "plan"} & set(relative.parts):
                    digest.update(str(relative).encode() + b"\0" + path.read_bytes())
    for distribution in ("aws-cdk-lib", "cdk-nag", "constructs"):
        try:
            digest.update(f"{distribution}=={importlib.metadata.version(distribution)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{distribution} missing".encode())
    return digest.hexdigest()


def cache_key(text: bytes, context: dict) -> str:
    digest = hashlib.sha256(tool_fingerprint().encode())
    digest.update(json.dumps(context, sort_keys=True).encode())
    digest.update(text)
    return digest.hexdigest()


def default_cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "mlblueprints" / "templates"


class TemplateCache:
    """Synthesized stacks per blueprint text, on disk (one JSON file per key)."""

    def __init__(self, folder: Path, context: dict) -> None:
        self.folder = folder
        self.context = context

    def _file(self, text: bytes) -> Path:
        return self.folder / f"{cache_key(text, self.context)}.json"

    def get(self, text: bytes) -> list[StackTemplate] | None:
        try:
            data = json.loads(self._file(text).read_text())
        except (OSError, json.JSONDecodeError):
            return None
        return [StackTemplate.from_json(s) for s in data]

    def put(self, text: bytes, stacks: list[StackTemplate]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self._file(text)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps([s.as_json() for s in stacks]))
        partial.replace(target)  # atomic: a concurrent run never reads half a file


def synthesize(sides: list[dict[str, bytes]], cache: TemplateCache) -> list[dict[str, list[StackTemplate]]]:
    """For each side (blueprint name -> text), name -> its stacks.

    Cached blueprints are read from the cache; the rest of each side is synthesized by
    one run of the CDK app, all sides at once (a name may appear on two sides, so each
    side is its own app).
    """
    results: list[dict[str, list[StackTemplate]]] = []
    runs = []
    with tempfile.TemporaryDirectory(prefix="mlbp-synth-") as work:
        for index, texts in enumerate(sides):
            found: dict[str, list[StackTemplate]] = {}
            missing: dict[str, bytes] = {}
            for name, text in texts.items():
                cached = cache.get(text)
                if cached is None:
                    missing[name] = text
                else:
                    found[name] = cached
            results.append(found)
            if missing:
                folder = Path(work) / str(index)
                runs.append((found, missing, folder / "cdk.out", start_app(missing, cache.context, folder)))
        for found, missing, outdir, process in runs:
            _finish(process)
            for name, stacks in read_assembly(outdir).items():
                if name in missing:
                    cache.put(missing[name], stacks)
                    found[name] = stacks
    return results


def start_app(texts: dict[str, bytes], context: dict, folder: Path) -> subprocess.Popen:
    """Start the CDK app on ``texts`` (written into ``folder``); the assembly goes to ``folder/cdk.out``."""
    files = []
    for index, text in enumerate(texts.values()):
        path = folder / "blueprints" / f"{index}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text)
        files.append(str(path))
    return start_cdk_app(files, context, folder / "cdk.out")


def start_cdk_app(paths: list[str], context: dict, outdir: Path) -> subprocess.Popen:
    """``python -m mlblueprints.stacks.app`` on ``paths``, writing the cloud assembly to ``outdir``."""
    if importlib.util.find_spec("aws_cdk") is None:
        raise UsageError("synthesizing needs the CDK libraries: pip install 'mlblueprints[cdk]'")
    env = dict(os.environ)
    env["CDK_OUTDIR"] = str(outdir)
    env["CDK_CONTEXT_JSON"] = json.dumps({**context, "blueprints": paths})
    env.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
    return subprocess.Popen(
        [sys.executable, "-m", "mlblueprints.stacks.app"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def run_cdk_app(paths: list[str], context: dict, outdir: Path) -> None:
    _finish(start_cdk_app(paths, context, outdir))


def _finish(process: subprocess.Popen) -> None:
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise SynthError((stderr or stdout).strip())


def read_assembly(outdir: Path) -> dict[str, list[StackTemplate]]:
    """Blueprint name -> its stacks, from ``outdir/manifest.json``."""
    manifest = json.loads((outdir / "manifest.json").read_text())
    by_blueprint: dict[str, list[StackTemplate]] = {}
    for artifact_id, artifact in manifest.get("artifacts", {}).items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        properties = artifact.get("properties", {})
        name = properties.get("tags", {}).get(BLUEPRINT_TAG)
        if name is None:
            continue
        template = json.loads((outdir / properties["templateFile"]).read_text())
        stack_name = properties.get("stackName", artifact_id)
        stack = StackTemplate(stack_name, template, _nag_findings(outdir, artifact_id, stack_name))
        by_blueprint.setdefault(name, []).append(stack)
    return by_blueprint


def _nag_findings(outdir: Path, artifact_id: str, stack_name: str) -> list[NagFinding]:
    """Unsuppressed cdk-nag findings of one stack, by logical id (its reports name construct paths)."""
    reports = [p for p in outdir.glob("*-NagReport.csv") if p.name.endswith(f"-{stack_name}-NagReport.csv")]
    if not reports:
        return []
    logical_ids = _logical_ids(outdir / f"{artifact_id}.metadata.json")
    findings = []
    for report in reports:
        with report.open(newline="") as stream:
            for row in csv.DictReader(stream):
                if row.get("Compliance") != "Non-Compliant":
                    continue
                logical_id = logical_ids.get("/" + row["Resource ID"], row["Resource ID"])
                findings.append(NagFinding(row["Rule ID"], row["Rule Level"].lower(), logical_id, row["Rule Info"]))
    return findings


def _logical_ids(metadata_file: Path) -> dict[str, str]:
    try:
        metadata = json.loads(metadata_file.read_text())
    except (OSError, json.JSONDecodeError):
        return {}
    return {
        path: entry["data"]
        for path, entries in metadata.items()
        for entry in entries
        if entry.get("type") == "aws:cdk:logicalId"
    }
