"""The review pack as cfn-lint and users load it: ids, documentation, both ways of loading, `mlbp review`."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cfnlint.config import ConfigMixIn
from cfnlint.rules import Rules
from cfnlint.runner import Runner

from mlblueprints.cli import main
from mlblueprints.review import RULES_DIR, RULES_MODULE
from mlblueprints.review.rules import RULES
from tests.review.handwritten import batch_mnp, gid

REVIEW = Path(RULES_DIR).parent
#: A template with one pack error (E9501) and nothing cfn-lint itself calls an error.
BROKEN = batch_mnp(ce_groups=[gid("NodeGroup")])


def test_ids_are_unique_in_our_range_and_clear_of_cfn_lints_own():
    ids = [rule.id for rule in RULES]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[EW]95\d\d", i) for i in ids), ids
    builtin = set(Rules.create_from_module("cfnlint.rules"))
    assert not builtin & set(ids)
    assert not any(i.startswith(("E9", "W9")) for i in builtin)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_each_rule_says_what_it_prevents_where_that_is_written_and_how_to_fix_it(rule):
    assert rule.shortdesc and rule.prevents
    assert rule.source_url.startswith("https://")
    assert rule.description.endswith(f"Prevents: {rule.prevents}")
    assert "mlblueprints" in rule.tags
    source = Path(sys.modules[rule.__module__].__file__).read_text()
    assert "Fix: " in source  # every match message carries the fix hint


def test_the_rules_folder_and_the_module_load_the_same_rules():
    from_folder = Rules.create_from_directory(str(RULES_DIR))
    from_module = Rules.create_from_module(RULES_MODULE)
    assert sorted(from_folder) == sorted(from_module) == sorted(r.id for r in RULES)


def test_no_aws_cdk_anywhere_in_the_pack():
    for path in REVIEW.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] in ("aws_cdk", "constructs") for n in names), path


@pytest.mark.parametrize("append", [str(RULES_DIR), RULES_MODULE], ids=["folder", "module"])
def test_cfn_lint_runs_the_pack_both_ways(tmp_path, append):
    template = tmp_path / "template.json"
    template.write_text(json.dumps(BROKEN))
    ids = [m.rule.id for m in Runner(ConfigMixIn(["--append-rules", append, "--", str(template)])).run()]
    assert "E9501" in ids


def test_mlbp_review_prints_the_folder_for_append_rules(capsys):
    assert main(["review", "--rules-path"]) == 0
    assert capsys.readouterr().out.strip() == str(RULES_DIR)


def test_python_m_prints_the_folder_for_append_rules():
    result = subprocess.run([sys.executable, "-m", "mlblueprints.review", "--path"], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == str(RULES_DIR)


def _assembly(tmp_path: Path, region: str) -> Path:
    template = batch_mnp(ce_groups=[gid("NodeGroup")])
    template["Resources"]["Nodes"]["Properties"]["LaunchTemplateData"]["InstanceType"] = "trn1.32xlarge"
    (tmp_path / "Demo.template.json").write_text(json.dumps(template))
    manifest = {
        "artifacts": {
            "Tree": {"type": "cdk:tree"},
            "Demo": {
                "type": "aws:cloudformation:stack",
                "environment": f"aws://unknown-account/{region}",
                "properties": {"templateFile": "Demo.template.json"},
            },
        }
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    return tmp_path


def test_mlbp_review_points_at_the_line_and_gives_the_hint(tmp_path, capsys):
    template = tmp_path / "template.yaml"
    template.write_text(json.dumps(BROKEN, indent=1))
    assert main(["review", str(template)]) == 1
    out = capsys.readouterr().out
    head, hint = [line for line in out.splitlines() if "E9501" in line or line.startswith("  hint")][:2]
    assert re.match(rf"{re.escape(str(template))}:\d+:\d+: error\[E9501\]: Compute environment Compute sets SecurityGroupIds", head)
    assert hint.startswith("  hint: keep the groups on the launch template's interfaces")


def test_mlbp_review_of_a_cloud_assembly_lints_each_stack_for_its_region(tmp_path, capsys):
    assembly = _assembly(tmp_path, "eu-west-1")
    # trn1.32xlarge is not offered in eu-west-1 (cfn-lint's own region-aware rules), but it is in us-east-1.
    assert main(["review", str(assembly), "--format", "json"]) == 1
    eu_west_1 = {d["code"] for d in json.loads(capsys.readouterr().out)}
    assert main(["review", str(assembly), "--format", "json", "--regions", "us-east-1"]) == 1
    us_east_1 = {d["code"] for d in json.loads(capsys.readouterr().out)}
    assert "E9501" in eu_west_1 & us_east_1
    assert eu_west_1 - us_east_1  # the instance type finding


def test_mlbp_review_passes_a_clean_template(tmp_path):
    template = tmp_path / "template.json"
    template.write_text(json.dumps(batch_mnp()))
    assert main(["review", str(template)]) == 0


@pytest.mark.parametrize("paths", [["missing.json"], ["."], []], ids=["missing", "folder-without-manifest", "none"])
def test_mlbp_review_usage_errors(paths, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["review", *paths]) == 2
    assert "mlbp: error:" in capsys.readouterr().err
