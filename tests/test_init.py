"""`mlbp init`: a working repository layout that never overwrites a file, and scaffold files in step."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mlblueprints.cli import main
from mlblueprints.init_repo import FILES, scaffold
from mlblueprints.pipeline import validate_paths

ROOT = Path(__file__).resolve().parents[1]


def test_init_writes_every_file(tmp_path, capsys):
    assert main(["init", str(tmp_path)]) == 0
    for target in FILES:
        assert (tmp_path / target).is_file(), target
    assert json.loads((tmp_path / "cdk.json").read_text())["app"] == "mlbp app"
    report = validate_paths([tmp_path / "blueprints"])
    assert report.files and not report.diagnostics
    assert "created" in capsys.readouterr().out


def test_init_never_overwrites(tmp_path):
    (tmp_path / "README.md").write_text("mine\n")
    (tmp_path / "blueprints").mkdir()
    (tmp_path / "blueprints" / "example.yaml").write_text("also mine\n")
    done = dict(scaffold(tmp_path))
    assert done[tmp_path / "README.md"] is False and done[tmp_path / "blueprints" / "example.yaml"] is False
    assert (tmp_path / "README.md").read_text() == "mine\n"
    assert all(created is False for created in dict(scaffold(tmp_path)).values())  # a second run keeps everything


def test_lockfile_pins_the_same_cdk_cli_as_this_checkout(tmp_path):
    scaffold(tmp_path)
    ours = json.loads((ROOT / "package-lock.json").read_text())["packages"]["node_modules/aws-cdk"]
    theirs_lock = json.loads((tmp_path / "package-lock.json").read_text())
    theirs_package = json.loads((tmp_path / "package.json").read_text())
    assert theirs_lock["packages"]["node_modules/aws-cdk"] == ours
    assert theirs_lock["name"] == theirs_package["name"] == theirs_lock["packages"][""]["name"]
    assert theirs_lock["packages"][""]["devDependencies"] == theirs_package["devDependencies"]


def test_scaffold_files_are_rebuilt_from_this_checkout():
    result = subprocess.run([sys.executable, "scripts/refresh_scaffold.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
