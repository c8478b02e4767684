"""The stacks of one blueprint, of its kind's classes: the single place app.py, tests and benchmarks build them.

Every blueprint becomes two stacks (docs/lifecycle.md, "Stack layout"):

* the data stack ``<stack_name>-data`` (construct id ``<Id>Data``): network,
  key, buckets, file system; termination-protected;
* the compute stack ``<stack_name>`` (construct id ``<Id>``): nodes, cluster or
  endpoints; depends on the data stack and reads it through SSM parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk

from mlblueprints.model import Blueprint
from mlblueprints.names import data_construct_id, data_stack_name
from mlblueprints.resolve import resolve
from .inference_fleet import InferenceFleetDataStack, InferenceFleetStack
from .naming import construct_id
from .training_cluster import TrainingClusterDataStack, TrainingClusterStack
from .ultracluster import UltraClusterDataStack, UltraClusterStack

#: kind -> (data stack class, compute stack class). A new kind registers its stacks here.
STACKS = {
    "TrainingCluster": (TrainingClusterDataStack, TrainingClusterStack),
    "InferenceFleet": (InferenceFleetDataStack, InferenceFleetStack),
    "UltraCluster": (UltraClusterDataStack, UltraClusterStack),
}

#: Context key naming the account to deploy into. Only the local emulator run sets it
#: (`make deploy-local`, tests/e2e): a real synth stays region-only and offline.
ACCOUNT_CONTEXT = "mlbp:account"
@dataclass(frozen=True)
class BlueprintStacks:
    """The stacks of one blueprint: ``data`` (long-lived state) and ``compute`` (everything else)."""

    data: cdk.Stack
    compute: cdk.Stack

    @property
    def all(self) -> tuple[cdk.Stack, cdk.Stack]:
        """In deploy order."""
        return (self.data, self.compute)


def add_blueprint_stack(app: cdk.App, blueprint: Blueprint, *, stack_id: str | None = None) -> BlueprintStacks:
    """Both stacks of ``blueprint``: region-only env (no account, so no lookups), named ``mlbp-<name>``
    and ``mlbp-<name>-data``.

    With the ``mlbp:account`` context key set, the env names that account too.
    """
    account = app.node.try_get_context(ACCOUNT_CONTEXT)
    env = cdk.Environment(account=str(account) if account else None, region=blueprint.spec.region)
    resolved = resolve(blueprint)
    data_class, compute_class = STACKS[blueprint.kind]
    compute_id = stack_id or construct_id(blueprint.metadata.name)
    stack_name = blueprint.metadata.stack_name
    data = data_class(app, data_construct_id(compute_id), resolved=resolved, stack_name=data_stack_name(stack_name), env=env)
    compute = compute_class(app, compute_id, resolved=resolved, data=data, stack_name=stack_name, env=env)
    return BlueprintStacks(data=data, compute=compute)
