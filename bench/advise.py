"""Advise 1,000 workloads in one process and print the wall time.

Target: under 1 s on the 2-core CI machine, with no aws_cdk import. Not a timed test.
Run: .venv/bin/python bench/advise.py [count]
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlblueprints import advisor  # noqa: E402
from mlblueprints.catalog import load_catalog  # noqa: E402
from mlblueprints.model.workload import InferenceGoal, ModelSpec, TrainingGoal, Workload  # noqa: E402
from mlblueprints.pricing import load_prices  # noqa: E402

REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
SIZES = (0.5, 1, 3, 7, 13, 34, 70)


def workloads(count: int) -> list[tuple[Workload, str]]:
    """A deterministic mix of training and inference workloads over sizes, frameworks and regions."""
    training = [
        (Workload("training", ModelSpec(b * 1e9, p, f), training=TrainingGoal(t * 1e9, hours=h), max_nodes=n), r)
        for b, p, f, t, h, n, r in itertools.product(
            SIZES, ("bf16", "fp8"), ("pytorch", "pytorch-neuronx"), (2, 50), (None, 100.0), (1, 8), REGIONS)
    ]
    inference = [
        (Workload("inference", ModelSpec(b * 1e9, p, f), inference=InferenceGoal(rps, latency), max_nodes=100), r)
        for b, p, f, rps, latency, r in itertools.product(
            SIZES, ("bf16", "int4"), ("vllm", "tgi-neuronx"), (1, 20), ("interactive", "batch"), REGIONS)
    ]
    mixed = [w for pair in itertools.zip_longest(training, inference) for w in pair if w is not None]
    return list(itertools.islice(itertools.cycle(mixed), count))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    cases = workloads(count)
    catalog, prices = load_catalog(), load_prices()
    advisor.load_specs()
    start = time.perf_counter()
    advised = nothing = 0
    for workload, region in cases:
        try:
            advisor.advise(workload, region, catalog, prices)
            advised += 1
        except advisor.NothingFits:
            nothing += 1
    elapsed = time.perf_counter() - start
    assert "aws_cdk" not in sys.modules and "constructs" not in sys.modules
    print(f"advise: {count} workloads in {elapsed:.3f} s wall ({elapsed / count * 1000:.3f} ms each; "
          f"{advised} advised, {nothing} with nothing that fits); target < 1 s; aws_cdk imported: no")


if __name__ == "__main__":
    main()
