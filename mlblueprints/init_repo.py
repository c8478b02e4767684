"""`mlbp init [DIR]`: the files a repository of blueprints needs, copied from mlblueprints/scaffold/.

An existing file is never overwritten (it is reported as kept), so init is safe to
run again after an upgrade to add only what is new.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: Target path in the user's repository -> file under mlblueprints/scaffold/ (dot files are stored without the dot).
FILES = {
    "cdk.json": "cdk.json",
    "package.json": "package.json",
    "package-lock.json": "package-lock.json",
    "requirements.txt": "requirements.txt",
    "blueprints/example.yaml": "blueprints/example.yaml",
    ".github/workflows/blueprints.yml": "github/workflows/blueprints.yml",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    ".gitignore": "gitignore",
    "README.md": "README.md",
}


def scaffold(directory: Path) -> list[tuple[Path, bool]]:
    """Write every missing file under ``directory``; (path, created) for each."""
    source = resources.files("mlblueprints").joinpath("scaffold")
    done = []
    for target, name in FILES.items():
        path = directory / target
        if path.exists():
            done.append((path, False))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as stream:  # "x": never clobber a file that appeared meanwhile
            stream.write(source.joinpath(name).read_bytes())
        done.append((path, True))
    return done
