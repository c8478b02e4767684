"""`mlbp validate --format sarif`: valid SARIF 2.1.0 (the vendored OASIS schema), stable fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from mlblueprints import sarif
from mlblueprints.cli import main

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
BROKEN = """apiVersion: mlblueprints/v1
kind: TrainingCluster
metadata: {name: broken, owner: ml@example.com}
spec:
  region: us-east-1
  regoin: us-east-1
  instance: {type: g5.2xlarge}
  nodes: {min: 0, desired: 5, max: 2}
  image: {dlami: base-gpu}
"""


def run_validate(tmp_path, capsys, text: str) -> tuple[int, dict]:
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    code = main(["validate", "--format", "sarif", str(path)])
    return code, json.loads(capsys.readouterr().out)


def test_validate_sarif_is_valid_and_located(tmp_path, capsys):
    code, document = run_validate(tmp_path, capsys, BROKEN)
    assert code == 1
    jsonschema.Draft4Validator(SCHEMA).validate(document)
    (run,) = document["runs"]
    results = run["results"]
    assert {r["ruleId"] for r in results} >= {"BP020"}
    for result in results:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("broken.yaml")
        assert region["startLine"] >= 1 and result["level"] in ("error", "warning")
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_a_clean_file_is_an_empty_run(tmp_path, capsys):
    example = (Path(__file__).resolve().parents[1] / "blueprints" / "finetune-g5.yaml").read_text()
    code, document = run_validate(tmp_path, capsys, example)
    assert code == 0 and document["runs"][0]["results"] == []
    jsonschema.Draft4Validator(SCHEMA).validate(document)


def test_fingerprints_survive_moved_lines_but_not_other_findings():
    result = sarif.Result("mlbp", "BP106", "error", "desired 5 is above max 2", "b.yaml", 8, 3, "spec.nodes.desired")
    moved = sarif.Result("mlbp", "BP106", "error", "desired 5 is above max 2", "b.yaml", 12, 3, "spec.nodes.desired")
    other = sarif.Result("mlbp", "BP106", "error", "desired 5 is above max 2", "c.yaml", 8, 3, "spec.nodes.desired")
    assert sarif.fingerprint(result) == sarif.fingerprint(moved) != sarif.fingerprint(other)
