"""Every identifier the stacks derive from blueprint names, derived in one place.

The stacks name their constructs and physical resources with these functions, and
BP107 checks with :func:`derived_names` that no two of them collide across all the
blueprints validated together, so the check cannot drift from what synth produces.

Each derived name has a *scope*, the space in which it must be unique:

* ``app``: construct ids of stacks (one CDK app holds every blueprint's stack);
* ``stack <id>`` / ``stack <id> endpoint <id>``: construct ids inside one stack;
* ``region <region>``: physical names unique per account and region (stack names,
  SageMaker endpoints and clusters, log groups); synth knows no account, so every
  blueprint is assumed to deploy into the same one;
* ``global``: S3 bucket names (none is derived from names alone today: the HyperPod
  lifecycle bucket carries its data stack's id).

To add a derived name, add its function
here, call it from the stack, and yield it from the matching ``_*_names`` below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:  # the model imports this module for stack names
    from mlblueprints.model import Blueprint

#: Every stack is named ``mlbp-<metadata.name>``.
STACK_PREFIX = "mlbp-"

#: SageMaker writes endpoint logs here (SageMaker Developer Guide, "Log groups and streams that SageMaker sends");
#: the stack creates the group first.
ENDPOINT_LOG_GROUP_PREFIX = "/aws/sagemaker/Endpoints/"

JsonPath = tuple[str | int, ...]


def construct_id(name: str) -> str:
    """``llm-pretrain-p4d`` -> ``LlmPretrainP4d``: stable for a name (``a--b`` and ``a-b`` both give ``AB``)."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("-") if part)


def stack_name(blueprint_name: str) -> str:
    return STACK_PREFIX + blueprint_name


#: Each blueprint's data stack (network, key, buckets, file system) is its stack name plus this.
DATA_SUFFIX = "-data"


def data_stack_name(stack_name_: str) -> str:
    return stack_name_ + DATA_SUFFIX


def data_construct_id(compute_id: str) -> str:
    """The data stack's construct id beside the compute stack's ``compute_id``."""
    return compute_id + "Data"


def node_name(blueprint_name: str) -> str:
    """The ``Name`` tag of a cluster's instances."""
    return f"{stack_name(blueprint_name)}-node"


def endpoint_name(fleet_name: str, endpoint: str) -> str:
    """The SageMaker endpoint of a fleet's endpoint: ``<metadata.name>-<endpoint name>``."""
    return f"{fleet_name}-{endpoint}"


def endpoint_log_group(endpoint: str) -> str:
    return ENDPOINT_LOG_GROUP_PREFIX + endpoint


def variant_construct_id(variant: str) -> str:
    """Variants are unique without case (BP313), so their construct ids ignore it too."""
    return construct_id(variant.lower())


def hyperpod_cluster_name(blueprint_name: str) -> str:
    return blueprint_name


@dataclass(frozen=True)
class DerivedName:
    #: What it names, for messages: "stack construct id", "SageMaker endpoint name", ...
    kind: str
    #: Where it must be unique (see the module docstring).
    scope: str
    value: str
    #: The blueprint field it is derived from, where a collision is reported, and its text.
    path: JsonPath
    source: str
    #: SageMaker compares its resource names without case.
    case_insensitive: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        return self.kind, self.scope, self.value.lower() if self.case_insensitive else self.value


NAME = ("metadata", "name")


def _every_blueprint(blueprint: Blueprint) -> Iterable[DerivedName]:
    name, region = blueprint.metadata.name, blueprint.spec.region
    # Both stacks of a blueprint share one kind each, so `foo-data`'s compute stack collides with `foo`'s data stack.
    yield DerivedName("stack construct id", "app", construct_id(name), NAME, name)
    yield DerivedName("stack construct id", "app", data_construct_id(construct_id(name)), NAME, name)
    yield DerivedName("stack name", f"region {region}", stack_name(name), NAME, name)
    yield DerivedName("stack name", f"region {region}", data_stack_name(stack_name(name)), NAME, name)


def _fleet(blueprint: Blueprint) -> Iterable[DerivedName]:
    name, region = blueprint.metadata.name, blueprint.spec.region
    stack = construct_id(name)
    for endpoint in blueprint.spec.endpoints:
        at = endpoint.path + ("name",)
        physical = endpoint_name(name, endpoint.name)
        yield DerivedName("SageMaker endpoint name", f"region {region}", physical, at, endpoint.name, True)
        yield DerivedName("log group name", f"region {region}", endpoint_log_group(physical), at, endpoint.name)
        yield DerivedName("endpoint construct id", f"stack {stack}", construct_id(endpoint.name), at, endpoint.name)
        variants = list(endpoint.variants) + ([endpoint.shadow] if endpoint.shadow is not None else [])
        for index, variant in enumerate(variants):
            path = endpoint.path + (("variants", index, "name") if index < len(endpoint.variants) else ("shadow", "name"))
            yield DerivedName(
                "variant construct id", f"stack {stack} endpoint {endpoint.name}", variant_construct_id(variant.name),
                path, variant.name,
            )


def _ultracluster(blueprint: Blueprint) -> Iterable[DerivedName]:
    spec = blueprint.spec
    name = blueprint.metadata.name
    if spec.orchestrator == "hyperpod":
        yield DerivedName(
            "SageMaker HyperPod cluster name", f"region {spec.region}", hyperpod_cluster_name(name), NAME, name, True,
        )


#: kind -> what its stack names beyond what every stack names. A new kind registers here.
KIND_NAMES: dict[str, Callable[[Blueprint], Iterable[DerivedName]]] = {
    "TrainingCluster": lambda blueprint: (),
    "InferenceFleet": _fleet,
    "UltraCluster": _ultracluster,
}


def derived_names(blueprint: Blueprint) -> list[DerivedName]:
    """Every identifier the blueprint's stack derives from names, with where each must be unique."""
    return [*_every_blueprint(blueprint), *KIND_NAMES[blueprint.kind](blueprint)]
