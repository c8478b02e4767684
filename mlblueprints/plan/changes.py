"""Which blueprints changed between a git ref and the working tree.

Blueprints are paired by ``metadata.name``, not by path: the name decides the
stack, so a file moved or renamed with the same name and content is no change,
and a changed name is a removal of the old stack plus an addition of the new one.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from mlblueprints.loader import LoadedDocument, load_text
from mlblueprints.diagnostics import UsageError
from mlblueprints.pipeline import BLUEPRINT_SUFFIXES, find_blueprint_files


@dataclass(frozen=True)
class Version:
    """One side of a blueprint: its path (relative to the current folder), text and parsed document."""

    path: str
    text: bytes
    document: LoadedDocument

    @property
    def name(self) -> str:
        data = self.document.data or {}
        metadata = data.get("metadata") if isinstance(data, dict) else None
        name = metadata.get("name") if isinstance(metadata, dict) else None
        return name if isinstance(name, str) else f"<{self.path}>"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text).hexdigest()


@dataclass(frozen=True)
class Change:
    """A blueprint name present on either side; ``base`` or ``head`` is None when added or removed."""

    name: str
    base: Version | None
    head: Version | None

    @property
    def status(self) -> str:
        if self.base is None:
            return "added"
        if self.head is None:
            return "removed"
        if self.base.digest != self.head.digest:
            return "modified"
        return "moved" if self.base.path != self.head.path else "unchanged"


def git(*args: str, cwd: Path | None = None) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as error:
        raise UsageError("git is not installed; `mlbp plan` compares against a git ref") from error
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise UsageError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return result.stdout


def changed_blueprints(base: str, paths: list[str], head: list[Version] | None = None) -> list[Change]:
    """Every blueprint name under ``paths`` whose stack may differ between ``base`` and the working tree.

    Unchanged and moved blueprints are left out. Paths are relative to the current folder;
    ``head`` is the working tree's versions when the caller has read them already.
    """
    root = Path(git("rev-parse", "--show-toplevel").decode().strip())
    git("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    prefix = Path.cwd().resolve().relative_to(root.resolve())
    base_side = _by_name(_base_versions(base, paths, root, prefix))
    head_side = _by_name(head_versions(paths) if head is None else head)
    changes = [Change(name, base_side.get(name), head_side.get(name)) for name in sorted(base_side | head_side)]
    return [c for c in changes if c.status not in ("unchanged", "moved")]


def _base_versions(base: str, paths: list[str], root: Path, prefix: Path) -> list[Version]:
    in_repo = [str((prefix / p)) if str(prefix) != "." else p for p in paths]
    listing = git("ls-tree", "-r", "-z", "--name-only", base, "--", *in_repo, cwd=root).decode()
    versions = []
    for repo_path in filter(None, listing.split("\0")):
        if not repo_path.endswith(BLUEPRINT_SUFFIXES):
            continue
        text = git("show", f"{base}:{repo_path}", cwd=root)
        local = str(Path(repo_path).relative_to(prefix)) if str(prefix) != "." else repo_path
        versions.append(Version(local, text, load_text(text, local)))
    return versions


def head_versions(paths: list[str]) -> list[Version]:
    """Every blueprint under ``paths`` in the working tree; a path that is gone holds none."""
    versions = []
    for path in find_blueprint_files([p for p in paths if Path(p).exists()]):
        text = path.read_bytes()
        versions.append(Version(str(path), text, load_text(text, str(path))))
    return versions


def _by_name(versions: list[Version]) -> dict[str, Version]:
    """Name -> version; a name twice on one side keeps the first (validation reports the duplicate)."""
    named: dict[str, Version] = {}
    for version in versions:
        named.setdefault(version.name, version)
    return named
