"""Real templates for the review pack's mutation tests: three examples, synthesized once per session.

Every stack of each example's app is kept (a blueprint may become more than one
stack), so a test asks for "a template that has these resource types" and does
not care how the stacks are split. Tests copy a template before they change it.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from mlblueprints.pipeline import validate_paths

EXAMPLES = Path(__file__).resolve().parents[2] / "blueprints"
#: Batch MNP with EFA, FSx and an external data bucket; autoscaled endpoints and
#: their log group; HyperPod with its execution role and lifecycle bucket; a Spot
#: Auto Scaling group.
MUTATED_EXAMPLES = ("ultra-p4d-batch.yaml", "chat-ab-g5.yaml", "ultra-hyperpod-p5.yaml", "spot-g6.yaml")


@pytest.fixture(scope="session")
def example_templates(cdk_context) -> dict[str, dict]:
    """``{stack name: template}`` for every stack of the examples in MUTATED_EXAMPLES."""
    import aws_cdk as cdk

    from stacks.assembly import add_blueprint_stack

    report = validate_paths([EXAMPLES / name for name in MUTATED_EXAMPLES])
    assert not report.has_errors, "\n".join(d.format_text() for d in report.diagnostics)
    templates = {}
    for blueprint in report.blueprints:
        app = cdk.App(context=cdk_context)
        add_blueprint_stack(app, blueprint)
        for stack in app.synth().stacks:
            templates[stack.stack_name] = stack.template
    return templates


@pytest.fixture
def real_template(example_templates):
    """``real_template(*types)``: a copy of the first example template holding every resource type given."""

    def find(*types: str) -> dict:
        for template in example_templates.values():
            present = {r["Type"] for r in template["Resources"].values()}
            if set(types) <= present:
                return copy.deepcopy(template)
        pytest.fail(f"no example template has all of {types}; stacks: {sorted(example_templates)}")

    return find
