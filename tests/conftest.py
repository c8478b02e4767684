"""Shared test setup.

jsii must run on a supported Node, chosen before anything imports aws_cdk, and
the repository root must be importable so tests can reach ``stacks`` (which is
not an installed package).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from stacks.runtime import use_supported_node  # noqa: E402

use_supported_node()


@pytest.fixture(scope="session")
def cdk_context() -> dict:
    """The feature flags `cdk synth` passes to app.py (cdk.json), so tests synthesize what users deploy."""
    return json.loads((ROOT / "cdk.json").read_text())["context"]


@pytest.fixture(scope="session")
def build_stack(cdk_context):
    """``build(blueprint, construct_id="Unit") -> BlueprintStacks``: one App per blueprint, as app.py builds
    it (a data and a compute stack), with cdk-nag.

    Each blueprint gets its own App because assertions re-synthesize the whole App on
    every ``Template.from_stack``/``Annotations.from_stack`` call.
    """
    import aws_cdk as cdk

    from stacks.assembly import add_blueprint_stack
    from stacks.nag import add_checks

    def build(blueprint, construct_id: str = "Unit"):
        app = cdk.App(context=cdk_context)
        stacks = add_blueprint_stack(app, blueprint, stack_id=construct_id)
        add_checks(app)
        return stacks

    return build
