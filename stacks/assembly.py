"""One stack per blueprint, of its kind's class: the single place app.py, tests and benchmarks build stacks."""

from __future__ import annotations

import aws_cdk as cdk

from mlblueprints.model import Blueprint
from mlblueprints.resolve import resolve
from .inference_fleet import InferenceFleetStack
from .naming import construct_id
from .training_cluster import TrainingClusterStack
from .ultracluster import UltraClusterStack

#: kind -> stack class. A new kind registers its stack here.
STACKS = {
    "TrainingCluster": TrainingClusterStack,
    "InferenceFleet": InferenceFleetStack,
    "UltraCluster": UltraClusterStack,
}


#: Context key naming the account to deploy into. Only the local emulator run sets it
#: (`make deploy-local`, tests/e2e): a real synth stays region-only and offline.
ACCOUNT_CONTEXT = "mlbp:account"


def add_blueprint_stack(app: cdk.App, blueprint: Blueprint, *, stack_id: str | None = None) -> cdk.Stack:
    """The stack for ``blueprint``: region-only env (no account, so no lookups), named ``mlbp-<name>``.

    With the ``mlbp:account`` context key set, the env names that account too.
    """
    account = app.node.try_get_context(ACCOUNT_CONTEXT)
    return STACKS[blueprint.kind](
        app,
        stack_id or construct_id(blueprint.metadata.name),
        resolved=resolve(blueprint),
        stack_name=blueprint.metadata.stack_name,
        env=cdk.Environment(account=str(account) if account else None, region=blueprint.spec.region),
    )
