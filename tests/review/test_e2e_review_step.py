"""The local deploy reviews the synthesized templates first, and deploys nothing when the pack finds errors."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("boto3", reason="the e2e extra is not installed: pip install -e '.[e2e]' (make test does)")

from e2e.deploy import Assembly, LocalDeployment, ReviewError  # noqa: E402
from tests.review.handwritten import batch_mnp, gid  # noqa: E402


def _deployment(tmp_path, template: dict) -> LocalDeployment:
    out = tmp_path / "cdk.out"
    out.mkdir()
    (out / "Demo.template.json").write_text(json.dumps(template))
    manifest = {
        "artifacts": {
            "Demo": {
                "type": "aws:cloudformation:stack",
                "environment": "aws://123456789012/us-east-1",
                "properties": {"templateFile": "Demo.template.json", "stackName": "mlbp-demo"},
            }
        }
    }
    (out / "manifest.json").write_text(json.dumps(manifest))
    deployment = LocalDeployment(emulator=None, workdir=tmp_path / "work")
    deployment.assembly = Assembly.read(out)
    return deployment


def test_errors_stop_the_deploy_and_are_shown(tmp_path):
    deployment = _deployment(tmp_path, batch_mnp(ce_groups=[gid("NodeGroup")]))
    with pytest.raises(ReviewError, match=r"error\[E9501\]"):
        deployment.review()


def test_a_clean_assembly_passes(tmp_path):
    assert not [d for d in _deployment(tmp_path, batch_mnp()).review() if d.level.value == "error"]
