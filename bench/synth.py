"""Synthesize N = 1, 10 and 50 blueprints in one process; print the marginal seconds per
blueprint (target < 0.15 s) and the peak RSS.

Each N is a fresh App in the same process (jsii's Node process is started once,
by the warm-up), synthesized with cdk-nag as app.py does. The marginal cost is
the slope between N = 10 and N = 50, so start-up does not flatter it.
Run: .venv/bin/python bench/synth.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stacks.runtime import use_supported_node  # noqa: E402

use_supported_node()

import aws_cdk as cdk  # noqa: E402

from mlblueprints.loader import load_text  # noqa: E402
from mlblueprints.pipeline import validate_documents  # noqa: E402
from stacks.assembly import add_blueprint_stack  # noqa: E402
from stacks.nag import add_checks  # noqa: E402

CONTEXT = json.loads((ROOT / "cdk.json").read_text())["context"]


def blueprints(count: int):
    examples = sorted((ROOT / "blueprints").rglob("*.yaml"))
    documents = []
    for i in range(count):
        text = examples[i % len(examples)].read_text()
        name = text.split("\n  name: ", 1)[1].split("\n", 1)[0]
        documents.append(load_text(text.replace(f"name: {name}", f"name: bench-{i}", 1), f"bench-{i}.yaml"))
    report = validate_documents(documents)
    assert not report.has_errors, report.diagnostics[:3]
    return report.blueprints


def synth_seconds(count: int) -> float:
    models = blueprints(count)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        app = cdk.App(context=CONTEXT, outdir=out)
        for blueprint in models:
            add_blueprint_stack(app, blueprint)
        add_checks(app)
        app.synth()
        return time.perf_counter() - start


def peak_rss_mib() -> dict[str, float]:
    """Peak resident memory (VmHWM) of this process and its descendants: jsii runs a Node
    launcher that starts the Node process doing the work."""
    parents = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            parents[pid] = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError):
            continue  # the process ended while we looked
    family, frontier = [], [str(os.getpid())]
    while frontier:
        children = [pid for pid, ppid in parents.items() if ppid in frontier]
        family.extend(children)
        frontier = children
    peaks = {"python": _vm_hwm_mib("self")}
    peaks.update({f"node {pid}": _vm_hwm_mib(pid) for pid in family})
    return peaks


def _vm_hwm_mib(pid: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    synth_seconds(1)  # warm-up: starts Node and loads aws-cdk-lib
    timings = {n: synth_seconds(n) for n in (1, 10, 50)}
    for n, seconds in timings.items():
        print(f"synth: N={n:>2}: {seconds:6.2f} s ({seconds / n:.3f} s per blueprint)")
    marginal = (timings[50] - timings[10]) / 40
    print(f"synth: marginal {marginal:.3f} s per blueprint (N=10 -> 50); target < 0.15 s")
    peaks = peak_rss_mib()
    print("synth: peak RSS " + ", ".join(f"{name} {mib:.0f} MiB" for name, mib in peaks.items())
          + f"; total {sum(peaks.values()):.0f} MiB")


if __name__ == "__main__":
    main()
