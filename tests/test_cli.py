"""`mlbp` as a user runs it: exit codes, formats, no tracebacks, no aws_cdk."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlblueprints.cli import main
from tests.blueprint_factory import patched, to_yaml

EXAMPLES = Path(__file__).parent.parent / "blueprints"


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(to_yaml(patched()))
    return path


@pytest.fixture
def bad(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(to_yaml(patched({"spec": {"nodes": {"min": 3, "desired": 3, "max": 2}}})))
    return path


def test_examples_are_valid(capsys):
    assert main(["validate", str(EXAMPLES)]) == 0


def test_invalid_blueprint_exits_1_with_file_line_col(bad, capsys):
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:11:10: error[BP106]: min (3) is greater than max (2)" in out
    assert "\n  hint: raise `max` or lower `min`" in out


def test_missing_path_is_a_usage_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_bad_flag_is_a_usage_error(good):
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "--format", "xml", str(good)])
    assert exit_info.value.code == 2


def test_folders_are_searched_recursively(tmp_path, capsys):
    nested = tmp_path / "team" / "vision"
    nested.mkdir(parents=True)
    (nested / "a.yml").write_text(to_yaml(patched({"metadata": {"name": "a"}})))
    (nested / "b.yaml").write_text(to_yaml(patched({"metadata": {"name": "b"}})))
    (nested / "notes.txt").write_text("not a blueprint")
    assert main(["validate", str(tmp_path)]) == 0
    assert "2 blueprint(s) checked" in capsys.readouterr().err


def test_json_format(bad, capsys):
    main(["validate", "--format", "json", str(bad)])
    findings = json.loads(capsys.readouterr().out)
    assert {(f["code"], f["line"], f["col"], f["level"]) for f in findings} == {
        ("BP106", 11, 10, "error"),
        ("BP110", 11, 10, "warning"),
    }


def test_github_format_writes_workflow_annotations(bad, capsys):
    main(["validate", "--format", "github", str(bad)])
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith(f"::error file={bad},line=11,col=10,title=BP106::")


def test_schema_command_prints_the_schema(capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "mlblueprints blueprint"


def test_rules_command_lists_every_rule(capsys):
    main(["rules"])
    out = capsys.readouterr().out
    for rule_id in ("BP101", "BP150", "BP103", "BP104", "BP105", "BP106", "BP107"):
        assert rule_id in out


def test_show_resolves_accelerator_wording(capsys):
    assert main(["show", str(EXAMPLES / "p4d-fsx.yaml")]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["instance_type"] == "p4d.24xlarge"
    assert shown["ami_ssm_parameter"].startswith("/aws/service/deeplearning/ami/x86_64/")
    assert shown["container_uri"].startswith("763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.6")


def test_validate_never_imports_aws_cdk(good):
    code = (
        "import sys; from mlblueprints.cli import main; rc = main(['validate', sys.argv[1]]);"
        "assert 'aws_cdk' not in sys.modules and 'constructs' not in sys.modules; sys.exit(rc)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(good)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_hostile_file_gets_a_diagnostic_not_a_traceback(tmp_path, capsys):
    path = tmp_path / "laughs.yaml"
    path.write_text("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n")
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert "BP006" in captured.out
