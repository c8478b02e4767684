"""`mlbp show` and `mlbp rules` for UltraCluster blueprints."""

import json
from pathlib import Path

from mlblueprints.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "blueprints"


def test_show_prints_the_efa_layout_host_image_and_fsx_sizing(capsys):
    assert main(["show", str(EXAMPLES / "ultra-p4d-batch.yaml")]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["node_type"] == "p4d.24xlarge" and shown["nodes"] == 16
    assert shown["efa_interfaces"][:2] == ["card 0 device 0: interface", "card 0 device 1: efa-only"]
    assert shown["host_ami_ssm_parameter"].endswith("/amazon-linux-2023/gpu/recommended/image_id")
    assert shown["fsx"] == {"capacity_gib": 26400, "throughput_per_tib": 1000, "throughput_mbps": 25781,
                            "asked_mbps": 25600, "efa": False}


def test_show_resolves_accelerator_wording_for_a_capacity_block(capsys):
    assert main(["show", str(EXAMPLES / "ultra-p5-capacity-block.yaml")]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["node_type"], shown["capacity"], shown["placement_group"]) == ("p5.48xlarge", "capacity-block", False)
    assert len(shown["efa_interfaces"]) == 32 + 8


def test_show_hyperpod(capsys):
    assert main(["show", str(EXAMPLES / "ultra-hyperpod-p5.yaml")]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["orchestrator"], shown["node_type"], shown["host_ami_ssm_parameter"]) == ("hyperpod", "ml.p5.48xlarge", None)


def test_rules_lists_every_ultracluster_rule(capsys):
    assert main(["rules"]) == 0
    listed = capsys.readouterr().out
    assert all(f"BP2{n:02d}" in listed for n in range(1, 15))
