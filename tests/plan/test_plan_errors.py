"""`mlbp plan` stops with exit 1, before synthesizing anything, when it cannot compare."""

from __future__ import annotations

import contextlib

from mlblueprints.cli import main
from mlblueprints.plan import render
from mlblueprints.plan.planner import Options, make_plan
from tests.plan.gitrepo import example, make_repo, write

FINETUNE = example("finetune-g5.yaml")


def test_an_invalid_blueprint_stops_the_plan(tmp_path):
    repo = make_repo(tmp_path / "repo", {"blueprints/a.yaml": FINETUNE})
    write(repo, "blueprints/a.yaml", FINETUNE.replace("region: us-east-1", "regoin: us-east-1"))
    with contextlib.chdir(repo):
        plan = make_plan(Options("main", cache_dir=tmp_path / "cache"))
    assert plan.exit_code == 1 and not plan.blueprints
    assert "Not planned against main" in render.format_text(plan)
    assert "[!WARNING]" in render.format_markdown(plan)  # the comment says why the check failed


def test_no_change_is_exit_0_and_an_empty_comment(tmp_path, capsys):
    repo = make_repo(tmp_path / "repo", {"blueprints/a.yaml": FINETUNE})
    with contextlib.chdir(repo):
        assert main(["plan", "--base", "main", "--format", "markdown", "--cache-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out == ""


def test_an_unknown_ref_is_exit_1(tmp_path, capsys):
    repo = make_repo(tmp_path / "repo", {"blueprints/a.yaml": FINETUNE})
    with contextlib.chdir(repo):
        assert main(["plan", "--base", "no-such-branch"]) == 1
    assert "no-such-branch" in capsys.readouterr().err
