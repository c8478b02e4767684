"""The instance advisor: a scenario table against exhaustive search, properties, and binding constraints."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlblueprints import advisor
from mlblueprints.catalog import load_catalog
from mlblueprints.model.workload import InferenceGoal, ModelSpec, TrainingGoal, Workload
from mlblueprints.pricing import load_prices

CATALOG = load_catalog()
PRICES = load_prices()


def train(billions, tokens_b, *, precision="bf16", framework="pytorch", hours=None, tps=None, nodes=1, **caps):
    return Workload("training", ModelSpec(billions * 1e9, precision, framework),
                    training=TrainingGoal(tokens_b * 1e9, hours=hours, tokens_per_second=tps), max_nodes=nodes, **caps)


def serve(billions, rps, *, precision="bf16", framework="vllm", latency="standard", inp=512, out=256, replicas=100,
          kv=1.0, **caps):
    return Workload("inference", ModelSpec(billions * 1e9, precision, framework, kv_heads_ratio=kv),
                    inference=InferenceGoal(rps, latency, inp, out), max_nodes=replicas, **caps)


#: (id, workload, region, expected best instance, expected node count). Expectations are what the
#: throughput model of docs/cost.md gives with the committed prices; the advisor must also equal
#: the exhaustive search over every (type, node count) under the same model.
SCENARIOS = [
    ("small-train-1node", train(1, 5), "us-east-1", "g6e.xlarge", 1),
    ("small-train-deadline", train(1, 5, hours=2), "us-east-1", None, None),
    ("7b-train-72h-4nodes", train(7, 20, hours=72, nodes=4), "us-east-1", "p6-b200.48xlarge", 1),
    ("7b-train-fp8", train(7, 20, precision="fp8", hours=72, nodes=4), "us-east-1", None, None),
    ("7b-train-eu-no-p5", train(7, 20, hours=72, nodes=4), "eu-west-1", "p4d.24xlarge", 4),
    ("7b-train-spot", replace(train(7, 20, nodes=4), spot=True), "us-east-1", None, None),
    ("13b-train-tokens-per-second", train(13, 50, tps=50_000, nodes=8), "us-west-2", None, None),
    ("70b-train-large", train(70, 100, hours=336, nodes=16), "us-east-1", "p6-b200.48xlarge", 5),
    ("70b-train-us-west-2", train(70, 100, hours=24 * 30, nodes=16), "us-west-2", None, None),
    ("70b-train-single-node-fits-only-b200", train(70, 1), "us-east-1", "p6-b200.48xlarge", 1),
    ("7b-train-tight-total-budget", train(7, 20, nodes=4, usd_total=4_500), "us-east-1", None, None),
    ("7b-train-tight-hourly-budget", train(7, 2, nodes=4, usd_per_hour=30), "us-east-1", None, None),
    ("3b-train-hourly-cap-small-gpus", train(3, 1, usd_per_hour=6, nodes=2), "us-east-1", None, None),
    ("fp32-train-no-bf16-needed", train(1, 2, precision="fp32"), "us-east-1", None, None),
    ("fp16-train-v100-era", train(1, 2, precision="fp16"), "us-east-1", None, None),
    ("neuron-train-trn1", train(7, 20, framework="pytorch-neuronx", nodes=4), "us-east-1", "trn1.32xlarge", 1),
    ("neuron-train-us-west-2", train(7, 50, framework="pytorch-neuronx", hours=200, nodes=8), "us-west-2", "trn1.32xlarge", 3),
    ("jax-train-cuda-only", train(7, 20, framework="jax", nodes=2), "us-west-2", None, None),
    ("7b-serve-latency", serve(7, 5, latency="interactive"), "us-east-1", None, None),
    ("7b-serve-throughput", serve(7, 50, latency="batch"), "us-east-1", None, None),
    ("7b-serve-neuron", serve(7, 5, framework="tgi-neuronx"), "us-east-1", "inf2.xlarge", 3),
    ("7b-serve-neuron-eu", serve(7, 5, framework="tgi-neuronx"), "eu-west-1", None, None),
    ("8b-serve-gqa-long-prompts", serve(8, 10, kv=0.25, inp=4096, out=512), "us-west-2", None, None),
    ("70b-serve-int4", serve(70, 2, precision="int4"), "us-east-1", "g6e.12xlarge", 1),
    ("70b-serve-fp8-interactive", serve(70, 1, precision="fp8", latency="interactive"), "us-east-1", None, None),
    ("1b-serve-many-small", serve(1, 200, latency="batch"), "eu-west-1", "g5.xlarge", 22),
    ("7b-serve-tgi-budget", serve(7, 5, framework="tgi", usd_per_hour=10), "us-east-1", None, None),
    ("7b-serve-spot", replace(serve(7, 20), spot=True), "us-west-2", None, None),
]


@pytest.mark.parametrize("name, workload, region, instance, nodes", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_the_advisor_equals_the_exhaustive_search(name, workload, region, instance, nodes):
    recommendation = advisor.advise(workload, region, CATALOG, PRICES)
    reference = advisor.exhaustive(workload, region, CATALOG, PRICES)
    best = recommendation.best
    assert (best.instance, best.nodes) == (reference.instance, reference.nodes)
    assert best.usd_per_million / reference.usd_per_million == pytest.approx(1.0)
    if instance is not None:
        assert best.instance == instance
    if nodes is not None:
        assert best.nodes == nodes
    assert len({c.instance for c in recommendation.choices}) == len(recommendation.choices) <= 3
    assert [c.rank_key for c in recommendation.choices] == sorted(c.rank_key for c in recommendation.choices)
    assert best.why


def test_the_table_is_large_and_covers_every_kind_of_scenario():
    assert len(SCENARIOS) >= 25
    workloads = [s[1] for s in SCENARIOS]
    assert {w.task for w in workloads} == {"training", "inference"}
    assert {w.model.framework for w in workloads} >= {"pytorch-neuronx", "tgi-neuronx", "jax", "vllm"}
    assert any(w.usd_per_hour or w.usd_total for w in workloads) and any(w.spot for w in workloads)
    assert {s[2] for s in SCENARIOS} == {"us-east-1", "us-west-2", "eu-west-1"}


def test_why_compares_with_the_runner_up_for_the_model():
    recommendation = advisor.advise(serve(7, 5, framework="tgi-neuronx"), "us-east-1", CATALOG, PRICES)
    first, second = recommendation.choices[:2]
    ratio = second.usd_per_million / first.usd_per_million
    assert first.why.startswith(f"{ratio:.1f}x cheaper per million generated tokens than {second.instance} for a 7B model at bf16")


# --- hard constraints --------------------------------------------------------------------------


def _violations(choice: advisor.Choice, workload: Workload, region: str) -> list[str]:
    instance = CATALOG.get(choice.instance)
    specs = advisor.load_specs()
    framework = specs.frameworks[workload.model.framework]
    problems = []
    if instance.accelerator.model not in framework["accelerators"]:
        problems.append("framework")
    if not CATALOG.is_offered(instance.name, region):
        problems.append("region")
    if choice.memory_needed_gib > choice.memory_offered_gib:
        problems.append("memory")
    if workload.usd_per_hour is not None and choice.usd_per_hour > workload.usd_per_hour + 1e-9:
        problems.append("hourly budget")
    if workload.usd_total is not None and choice.usd_total is not None and choice.usd_total > workload.usd_total + 1e-6:
        problems.append("total budget")
    if workload.task == "training" and workload.training.hours is not None and choice.hours > workload.training.hours:
        problems.append("time")
    if workload.task == "inference" and choice.throughput < workload.inference.requests_per_second - 1e-9:
        problems.append("throughput")
    if choice.nodes > workload.max_nodes:
        problems.append("nodes")
    return problems


REGIONS = st.sampled_from(["us-east-1", "us-west-2", "eu-west-1"])
TRAINING = st.builds(
    lambda b, t, p, f, h, n, cap: train(b, t, precision=p, framework=f, hours=h, nodes=n, usd_per_hour=cap),
    st.sampled_from([0.5, 1, 3, 7, 13, 34, 70]), st.sampled_from([0.5, 2, 20, 100]),
    st.sampled_from(["bf16", "fp16", "fp8", "fp32"]), st.sampled_from(["pytorch", "jax", "pytorch-neuronx"]),
    st.one_of(st.none(), st.sampled_from([4.0, 24.0, 100.0, 1000.0])), st.integers(1, 8),
    st.one_of(st.none(), st.sampled_from([5.0, 30.0, 120.0, 500.0])),
)
INFERENCE = st.builds(
    lambda b, r, p, f, l, cap: serve(b, r, precision=p, framework=f, latency=l, usd_per_hour=cap),
    st.sampled_from([0.5, 1, 3, 7, 13, 70]), st.sampled_from([0.5, 2, 10, 100]),
    st.sampled_from(["bf16", "fp16", "fp8", "int8", "int4"]), st.sampled_from(["vllm", "tgi", "tgi-neuronx", "pytorch-neuron"]),
    st.sampled_from(["interactive", "standard", "batch"]), st.one_of(st.none(), st.sampled_from([2.0, 20.0, 200.0])),
)


@settings(max_examples=150, deadline=None)
@given(workload=st.one_of(TRAINING, INFERENCE), region=REGIONS)
def test_a_recommendation_never_violates_a_hard_constraint_and_matches_exhaustive_search(workload, region):
    try:
        recommendation = advisor.advise(workload, region, CATALOG, PRICES)
    except advisor.NothingFits as nothing:
        assert nothing.constraint in advisor.CONSTRAINTS and nothing.message and nothing.hint
        assert advisor.exhaustive(workload, region, CATALOG, PRICES) is None
        return
    for choice in recommendation.choices:
        assert _violations(choice, workload, region) == []
    reference = advisor.exhaustive(workload, region, CATALOG, PRICES)
    assert recommendation.best.rank_key == reference.rank_key


@settings(max_examples=100, deadline=None)
@given(workload=st.one_of(TRAINING, INFERENCE), region=REGIONS, low=st.floats(1, 300), factor=st.floats(1, 10))
def test_raising_the_budget_never_yields_a_more_expensive_choice_with_lower_throughput(workload, region, low, factor):
    def best(cap):
        try:
            return advisor.advise(replace(workload, usd_per_hour=cap), region, CATALOG, PRICES).best
        except advisor.NothingFits:
            return None

    tight, loose = best(low), best(low * factor)
    if tight is None:
        return
    assert loose is not None
    assert loose.usd_per_million <= tight.usd_per_million + 1e-12
    assert not (loose.usd_per_million > tight.usd_per_million and loose.throughput < tight.throughput)


def test_the_advisor_is_deterministic():
    workload = serve(7, 20)
    assert advisor.advise(workload, "us-east-1", CATALOG, PRICES) == advisor.advise(workload, "us-east-1", CATALOG, PRICES)


# --- binding constraints -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "workload, region, constraint, message, hint",
    [
        pytest.param(train(70, 1), "eu-west-1", "memory",
                     "needs 1,252 GiB of accelerator memory; the largest single node offered in eu-west-1 has 320 GiB",
                     "allow multi-node", id="memory-single-node"),
        pytest.param(train(400, 1, nodes=2), "us-east-1", "memory",
                     "needs 7,153 GiB of accelerator memory; 2 x p6-b200.48xlarge offer 2,578 GiB usable",
                     "raise `workload.max_nodes`", id="memory-multi-node"),
        pytest.param(serve(1000, 1), "us-east-1", "memory",
                     "needs 1,873 GiB of accelerator memory; the largest single node offered in us-east-1 has 1,432 GiB",
                     "quantise", id="memory-inference"),
        pytest.param(train(7, 20, framework="pytorch-neuronx"), "eu-west-1", "region",
                     "no pytorch-neuronx-compatible accelerator type is offered in eu-west-1", "us-east-1", id="region"),
        pytest.param(train(7, 20, precision="int8"), "us-east-1", "precision", "training does not run in int8",
                     "train in fp32, bf16, fp16, fp8", id="precision-training"),
        pytest.param(serve(7, 1, precision="fp8", framework="pytorch-neuron"), "us-east-1", "compatibility", "", "",
                     id="precision-before-compat-is-compat"),
        pytest.param(train(1, 1, precision="fp8", framework="pytorch-neuronx"), "us-east-1", None, "", "",
                     id="fp8-on-trainium-fits"),
        pytest.param(train(7, 2000, hours=1, nodes=2), "us-east-1", "target", "no type meets the target of 1 h within 2 node(s)",
                     "raise `workload.max_nodes`", id="target"),
        pytest.param(train(7, 20, usd_per_hour=1), "us-east-1", "budget",
                     "no type that meets the target fits the budget ($1/h); the cheapest choice that meets the target is",
                     "raise the budget", id="budget"),
        pytest.param(serve(7, 1, framework="pytorch-neuron"), "us-east-1", "compatibility",
                     "pytorch-neuron runs only on inferentia, which has no public memory-bandwidth figure",
                     "name the instance type", id="inf1-no-bandwidth-figure"),
    ],
)
def test_nothing_fits_names_the_binding_constraint(workload, region, constraint, message, hint):
    if constraint is None:
        assert advisor.advise(workload, region, CATALOG, PRICES).best
        return
    with pytest.raises(advisor.NothingFits) as nothing:
        advisor.advise(workload, region, CATALOG, PRICES)
    assert nothing.value.constraint == constraint
    assert message in nothing.value.message and hint in nothing.value.hint


def test_training_never_lands_on_inferentia_and_cuda_never_on_neuron():
    for framework, kinds in (("pytorch", {"gpu"}), ("pytorch-neuronx", {"neuron"})):
        recommendation = advisor.advise(train(1, 1, framework=framework, nodes=2), "us-east-1", CATALOG, PRICES, top=10)
        for choice in recommendation.choices:
            accelerator = CATALOG.get(choice.instance).accelerator
            assert accelerator.kind in kinds and not accelerator.model.startswith("inferentia")


def test_accelerator_kinds_can_be_limited_by_the_image():
    recommendation = advisor.advise(serve(7, 5, framework="tgi-neuronx"), "us-east-1", CATALOG, PRICES,
                                    allowed_kinds=frozenset({"neuron"}))
    assert all(CATALOG.get(c.instance).is_neuron for c in recommendation.choices)
    with pytest.raises(advisor.NothingFits) as nothing:
        advisor.advise(serve(7, 5, framework="tgi-neuronx"), "us-east-1", CATALOG, PRICES, allowed_kinds=frozenset({"gpu"}))
    assert nothing.value.constraint == "compatibility"
