"""`mlbp plan` on a repository of 200 blueprints where one changed, against synthesizing that
one blueprint alone. Target: plan < 3x the single synth, because only changed blueprints are
synthesized (base and head side by side) and templates are cached by content.

Prints the single synth, a cold plan (empty template cache) and a warm plan (base side cached,
as in CI with the cache restored). Run: .venv/bin/python bench/plan.py
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlblueprints.plan.planner import Options, make_plan  # noqa: E402
from mlblueprints.plan.synth import cdk_context, run_cdk_app  # noqa: E402

COUNT = 200
TEMPLATE = (ROOT / "blueprints" / "finetune-g5.yaml").read_text()


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def make_repo(repo: Path) -> None:
    (repo / "blueprints").mkdir(parents=True)
    for i in range(COUNT):
        text = TEMPLATE.replace("name: finetune-g5", f"name: team-{i:03d}").replace("prefix: finetune", f"prefix: t{i}")
        (repo / "blueprints" / f"team-{i:03d}.yaml").write_text(text)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "-c", "user.email=b@example.com", "-c", "user.name=bench", "add", "-A")
    git(repo, "-c", "user.email=b@example.com", "-c", "user.name=bench", "commit", "-qm", "base")


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mlbp-bench-plan-") as work:
        repo = Path(work) / "repo"
        make_repo(repo)
        changed = repo / "blueprints" / "team-100.yaml"
        changed.write_text(changed.read_text().replace("desired: 1, max: 1", "desired: 1, max: 2"))
        context = cdk_context(ROOT)
        single = timed(lambda: run_cdk_app([str(changed)], context, Path(work) / "single.out"))
        cache = Path(work) / "cache"
        with contextlib.chdir(repo):
            cold = timed(lambda: make_plan(Options("main", cache_dir=cache)))
            changed.write_text(changed.read_text().replace("max: 2}", "max: 3}"))  # a new head; base is cached
            warm = timed(lambda: make_plan(Options("main", cache_dir=cache)))
    print(f"single-blueprint synth: {single:6.1f} s")
    print(f"plan, cold cache:       {cold:6.1f} s  ({cold / single:.1f}x single synth; target < 3x)")
    print(f"plan, base cached:      {warm:6.1f} s  ({warm / single:.1f}x single synth)")
    return 0 if cold < 3 * single else 1


if __name__ == "__main__":
    sys.exit(main())
