"""`mlbp advise`, `mlbp show` and the stack's metadata for a TrainingCluster with `instance: auto`."""

from __future__ import annotations

import json

import pytest

from mlblueprints.cli import main
from tests.blueprint_factory import DELETE, patched, to_yaml
from tests.synthesized import valid

AUTO = {
    "spec": {
        "instance": "auto",
        "nodes": DELETE,
        "workload": {
            "task": "training",
            "model": {"parameters_billions": 7, "precision": "bf16", "framework": "pytorch"},
            "training": {"tokens_billions": 20},
            "max_nodes": 4,
        },
    }
}


def write(tmp_path, patch) -> str:
    path = tmp_path / "auto.yaml"
    path.write_text(to_yaml(patched(patch)))
    return str(path)


def test_advise_prints_the_top_three_with_nodes_price_time_and_why(tmp_path, capsys):
    assert main(["advise", write(tmp_path, AUTO)]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.lstrip().startswith(("1.", "2.", "3."))]
    assert len(lines) == 3
    assert lines[0].lstrip().startswith("1. 3 x g6e.xlarge (on-demand): $")
    assert " h, $" in lines[0] and "per million training tokens" in lines[0]
    assert out.count("why: ") == 3 and "cheaper per million training tokens than" in out


def test_advise_json_and_nothing_fits(tmp_path, capsys):
    assert main(["advise", write(tmp_path, AUTO), "--format", "json"]) == 0
    (advice,) = json.loads(capsys.readouterr().out)
    assert [c["instance_type"] for c in advice["choices"]][0] == "g6e.xlarge"
    assert advice["choices"][0]["nodes"] == 3
    tight = patched(AUTO, patched({"spec": {"budget": {"usd_per_hour": 0.5}}}))
    path = tmp_path / "tight.yaml"
    path.write_text(to_yaml(tight))
    assert main(["advise", str(path)]) == 1  # BP402 makes it invalid
    captured = capsys.readouterr()
    assert "error[BP402]: no instance fits (budget)" in captured.err


def test_show_records_the_choice(tmp_path, capsys):
    assert main(["show", write(tmp_path, AUTO)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["instance_type"] == "g6e.xlarge"
    assert shown["nodes"] == {"min": 0, "desired": 3, "max": 3}
    assert shown["advisor"]["why"] and len(shown["advisor"]["runners_up"]) == 2


def test_advise_says_when_nothing_is_auto(capsys):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    assert main(["advise", str(root / "blueprints" / "finetune-g5.yaml")]) == 0
    assert "no blueprint here uses `instance: auto`" in capsys.readouterr().err


@pytest.mark.cdk
def test_the_stack_carries_the_advisors_choice_in_its_metadata_and_node_counts(build_stack):
    from aws_cdk.assertions import Template

    stack = build_stack(valid(patched(AUTO))).compute
    template = Template.from_stack(stack).to_json()
    advice = template["Metadata"]["mlblueprints:advisor"]
    assert (advice["instance_type"], advice["nodes"]) == ("g6e.xlarge", 3)
    group = next(r for r in template["Resources"].values() if r["Type"] == "AWS::AutoScaling::AutoScalingGroup")
    assert (group["Properties"]["MinSize"], group["Properties"]["MaxSize"], group["Properties"]["DesiredCapacity"]) == ("0", "3", "3")
    (launch,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::EC2::LaunchTemplate"]
    assert launch["Properties"]["LaunchTemplateData"]["InstanceType"] == "g6e.xlarge"


def test_the_plan_cost_hook_counts_the_advisors_nodes():
    from pathlib import Path

    from mlblueprints.catalog import load_catalog
    from mlblueprints.pipeline import validate_paths
    from mlblueprints.plan import hooks

    root = Path(__file__).resolve().parents[1]
    (blueprint,) = validate_paths([root / "blueprints" / "finetune-auto.yaml"]).blueprints
    price = load_catalog().get("g6e.xlarge").on_demand_usd_per_hour
    assert hooks.hourly_cost(blueprint).usd_per_hour == pytest.approx(2 * price)
