"""Throwaway git repositories for plan tests: a base commit on `main`, then working-tree edits."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "blueprints"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def make_repo(path: Path, files: dict[str, str]) -> Path:
    """A repository at ``path`` whose `main` holds ``files`` (repo path -> text)."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "test@example.com")
    git(path, "config", "user.name", "test")
    for name, text in files.items():
        write(path, name, text)
    git(path, "add", "-A")
    git(path, "commit", "-qm", "base")
    return path


def write(repo: Path, name: str, text: str) -> None:
    target = repo / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def example(name: str) -> str:
    return (EXAMPLES / name).read_text()


def copy_example(repo: Path, name: str, target: str) -> None:
    shutil.copy(EXAMPLES / name, repo / target)
