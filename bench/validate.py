"""Validate 1,000 blueprints in one process and print the wall time.

Target: under 1 s on the 2-core CI machine, with no aws_cdk import.
Run: .venv/bin/python bench/validate.py [count]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlblueprints.pipeline import validate_paths  # noqa: E402


def write_blueprints(folder: Path, count: int) -> None:
    examples = sorted((ROOT / "blueprints").glob("*.yaml"))
    texts = [p.read_text() for p in examples]
    for i in range(count):
        text = texts[i % len(texts)]
        name = text.split("name: ", 1)[1].split("\n", 1)[0]
        (folder / f"bp{i:04d}.yaml").write_text(text.replace(f"name: {name}", f"name: bench-{i}", 1))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_blueprints(folder, count)
        start = time.perf_counter()
        report = validate_paths([folder])
        elapsed = time.perf_counter() - start
    errors = [d for d in report.diagnostics if d.level.value == "error"]
    assert not errors, errors[:3]
    assert len(report.blueprints) == count
    assert "aws_cdk" not in sys.modules and "constructs" not in sys.modules
    print(f"validate: {count} blueprints in {elapsed:.3f} s wall ({elapsed / count * 1000:.3f} ms each); "
          f"target < 1 s; aws_cdk imported: no")


if __name__ == "__main__":
    main()
