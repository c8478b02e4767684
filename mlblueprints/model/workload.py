"""What a blueprint with ``instance: auto`` asks the advisor for, and the spending caps of any blueprint.

Defaults live here (and nowhere else): a training workload runs on one node unless
``max_nodes`` allows more; an inference workload may use up to 100 replicas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping

Task = Literal["training", "inference"]
LatencyClass = Literal["interactive", "standard", "batch"]

DEFAULT_MAX_NODES = {"training": 1, "inference": 100}
DEFAULT_LATENCY_CLASS = "standard"
DEFAULT_INPUT_TOKENS = 512
DEFAULT_OUTPUT_TOKENS = 256
DEFAULT_BUDGET_LEVEL = "desired"


@dataclass(frozen=True)
class Budget:
    """``spec.budget``: USD caps on the blueprint's estimate at ``at`` (desired or max)."""

    usd_per_hour: float | None = None
    usd_per_30_days: float | None = None
    at: Literal["desired", "max"] = DEFAULT_BUDGET_LEVEL


@dataclass(frozen=True)
class ModelSpec:
    parameters: float  # count, not billions
    precision: str  # fp32 | bf16 | fp16 | fp8 | int8 | int4
    framework: str
    layers: int | None = None
    hidden_size: int | None = None
    #: KV heads / attention heads (grouped-query attention shrinks the KV cache); 1 without GQA.
    kv_heads_ratio: float = 1.0


@dataclass(frozen=True)
class TrainingGoal:
    tokens: float
    hours: float | None = None
    tokens_per_second: float | None = None
    batch_tokens: int | None = None
    activation_gib: float | None = None


@dataclass(frozen=True)
class InferenceGoal:
    requests_per_second: float
    latency: LatencyClass = DEFAULT_LATENCY_CLASS
    input_tokens: int = DEFAULT_INPUT_TOKENS
    output_tokens: int = DEFAULT_OUTPUT_TOKENS


@dataclass(frozen=True)
class Workload:
    task: Task
    model: ModelSpec
    training: TrainingGoal | None = None
    inference: InferenceGoal | None = None
    #: Caps on the advisor's choice: USD per hour of compute, USD for the whole training run.
    usd_per_hour: float | None = None
    usd_total: float | None = None
    max_nodes: int = 1
    #: Price with spot (the blueprint's ``capacity.purchase: spot``).
    spot: bool = False


def build_budget(raw: Mapping | None) -> Budget | None:
    if raw is None:
        return None
    return Budget(raw.get("usd_per_hour"), raw.get("usd_per_30_days"), raw.get("at", DEFAULT_BUDGET_LEVEL))


def build_workload(raw: Mapping | None, *, spot: bool = False) -> Workload | None:
    if raw is None:
        return None
    model = raw["model"]
    training = raw.get("training")
    inference = raw.get("inference")
    caps = raw.get("budget", {})
    return Workload(
        task=raw["task"],
        model=ModelSpec(
            parameters=model["parameters_billions"] * 1e9,
            precision=model["precision"],
            framework=model["framework"],
            layers=model.get("layers"),
            hidden_size=model.get("hidden_size"),
            kv_heads_ratio=model.get("kv_heads_ratio", 1.0),
        ),
        training=None if training is None else TrainingGoal(
            tokens=training["tokens_billions"] * 1e9,
            hours=training.get("hours"),
            tokens_per_second=training.get("tokens_per_second"),
            batch_tokens=training.get("batch_tokens"),
            activation_gib=training.get("activation_gib"),
        ),
        inference=None if inference is None else InferenceGoal(
            requests_per_second=inference["requests_per_second"],
            latency=inference.get("latency", DEFAULT_LATENCY_CLASS),
            input_tokens=inference.get("input_tokens", DEFAULT_INPUT_TOKENS),
            output_tokens=inference.get("output_tokens", DEFAULT_OUTPUT_TOKENS),
        ),
        usd_per_hour=caps.get("usd_per_hour"),
        usd_total=caps.get("usd_total"),
        max_nodes=raw.get("max_nodes", DEFAULT_MAX_NODES[raw["task"]]),
        spot=spot,
    )
