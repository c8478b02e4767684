"""The `mlbp:account` context key: only the emulator run names an account; a real synth stays region-only."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from stacks.assembly import ACCOUNT_CONTEXT, add_blueprint_stack
from tests.blueprint_factory import check, patched, to_yaml

pytestmark = pytest.mark.cdk

#: Zones pinned: a stack that names an account looks zones up unless they are given.
BLUEPRINT = patched({"spec": {"availability_zones": ["us-east-1a", "us-east-1b"]}})


def stacks_with(context: dict) -> tuple[cdk.Stack, ...]:
    (blueprint,) = check(to_yaml(BLUEPRINT)).blueprints
    return add_blueprint_stack(cdk.App(context=context), blueprint, stack_id="Unit").all


def test_default_synth_names_no_account(cdk_context):
    for stack in stacks_with(cdk_context):
        assert cdk.Token.is_unresolved(stack.account)
        assert stack.region == "us-east-1"
        assert "123456789012" not in str(Template.from_stack(stack).to_json())


def test_emulator_context_names_its_account(cdk_context):
    for stack in stacks_with({**cdk_context, ACCOUNT_CONTEXT: "123456789012"}):
        assert stack.account == "123456789012"
        assert stack.region == "us-east-1"


def test_e2e_keeps_the_context_key_in_step_with_the_assembly():
    from e2e import deploy

    assert deploy.ACCOUNT_CONTEXT == ACCOUNT_CONTEXT
