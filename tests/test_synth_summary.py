"""The one-line-per-stack summary `make synth` prints after `cdk synth`."""

from __future__ import annotations

import json
from pathlib import Path

from scripts.synth_summary import summarize


def _assembly(tmp_path: Path, resources: dict) -> Path:
    (tmp_path / "Demo.template.json").write_text(json.dumps({"Resources": resources}))
    manifest = {
        "artifacts": {
            "Tree": {"type": "cdk:tree"},
            "Demo": {
                "type": "aws:cloudformation:stack",
                "environment": "aws://unknown-account/eu-west-1",
                "properties": {"templateFile": "Demo.template.json", "stackName": "mlbp-demo"},
            },
        }
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    return tmp_path


def test_counts_stateful_resources_and_what_is_retained(tmp_path):
    resources = {
        "Data": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain"},
        "Logs": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Delete"},
        "Key": {"Type": "AWS::KMS::Key", "DeletionPolicy": "Retain"},
        "Nodes": {
            "Type": "AWS::AutoScaling::AutoScalingGroup",
            "Properties": {"MinSize": "0", "DesiredCapacity": "2", "MaxSize": "8"},
        },
    }
    [line] = summarize(_assembly(tmp_path, resources))
    assert line == (
        "mlbp-demo (eu-west-1): 4 resources | nodes min/desired/max 0/2/8"
        " | stateful: 2 buckets, 1 KMS key (2 retained on delete)"
    )


def test_endpoint_stack_names_endpoints_and_variant_bounds(tmp_path):
    resources = {
        "Endpoint": {"Type": "AWS::SageMaker::Endpoint", "Properties": {"EndpointName": "chat"}},
        "Target": {
            "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
            "Properties": {"ResourceId": "endpoint/chat/variant/blue", "MinCapacity": 2, "MaxCapacity": 10},
        },
    }
    [line] = summarize(_assembly(tmp_path, resources))
    assert line == "mlbp-demo (eu-west-1): 2 resources | endpoints chat (variants scaling blue 2-10) | stateful: none (0 retained on delete)"


def test_a_data_stack_comes_first_and_says_it_is_protected(tmp_path):
    (tmp_path / "Demo.template.json").write_text(json.dumps({"Resources": {}}))
    (tmp_path / "DemoData.template.json").write_text(
        json.dumps({"Resources": {"Data": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain"}}})
    )
    environment = "aws://unknown-account/eu-west-1"
    manifest = {
        "artifacts": {
            "Demo": {
                "type": "aws:cloudformation:stack",
                "environment": environment,
                "properties": {"templateFile": "Demo.template.json", "stackName": "mlbp-demo"},
                "dependencies": ["DemoData"],
            },
            "DemoData": {
                "type": "aws:cloudformation:stack",
                "environment": environment,
                "properties": {
                    "templateFile": "DemoData.template.json",
                    "stackName": "mlbp-demo-data",
                    "terminationProtection": True,
                },
            },
        }
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    assert summarize(tmp_path) == [
        "mlbp-demo-data (eu-west-1): 1 resources | stateful: 1 bucket (1 retained on delete) | termination-protected",
        "mlbp-demo (eu-west-1): 0 resources | stateful: none (0 retained on delete)",
    ]
