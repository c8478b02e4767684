"""The instance advisor: for ``instance: auto``, the cheapest hardware per unit of work.

``advise(workload, region, ...)`` filters the catalog by hard constraints, in this order,
and names the first one that leaves nothing (the *binding* constraint):

  1. framework x accelerator compatibility and the task (Neuron frameworks on Trainium
     and Inferentia, CUDA frameworks on NVIDIA GPUs, Inferentia for inference only);
  2. the precision runs on the device (no bf16 on T4 or V100);
  3. the type is offered in the region (cfn-lint's data) and has a price there;
  4. memory fit (weights + gradients + optimizer state + activations for training,
     sharded over every accelerator of every node; weights + KV cache for inference,
     within one node);
  5. the throughput target (time-to-train, tokens/s, or requests/s within ``max_nodes``);
  6. the budget caps.

Then it ranks what is left by cost per unit of work (USD per million training tokens,
or per million generated tokens) with the throughput model of docs/cost.md, whose device
numbers are data (``data/accelerators.json``, from public datasheets). Ties go to higher
throughput, then to the name: the choice is deterministic.

``evaluate(instance, nodes, ...)`` scores one (type, node count); the tests compare
``advise`` with an exhaustive search over every (type, count) using the same function.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from mlblueprints.catalog import Catalog, InstanceType, load_catalog
from mlblueprints.model.workload import Workload
from mlblueprints.pricing import PriceBook

DATA_FILE = Path(__file__).with_name("data") / "accelerators.json"
GIB = 1024**3
BYTES = {"fp32": 4, "bf16": 2, "fp16": 2, "fp8": 1, "int8": 1, "int4": 0.5}
#: Weight-only quantised inference computes in 16 bits.
COMPUTE_PRECISION = {"int4": "fp16", "int8": "int8"}
#: Weight-only quantisation (int8, int4) is for serving; training keeps float weights.
TRAINING_PRECISIONS = ("fp32", "bf16", "fp16", "fp8")
#: The constraints in the order they are applied; the first that empties the field binds.
CONSTRAINTS = ("compatibility", "precision", "region", "price", "memory", "target", "budget")
#: params ~= 12 x layers x hidden^2 with hidden = 128 x layers (GPT-style aspect ratio) when not given.
ASPECT = 128


@dataclass(frozen=True)
class Device:
    model: str
    dense_tflops: dict
    memory_bandwidth_gbs: float | None
    bandwidth_by_memory_gib: dict
    source: str

    def bandwidth(self, memory_gib: float) -> float | None:
        return self.bandwidth_by_memory_gib.get(str(int(memory_gib)), self.memory_bandwidth_gbs)


@dataclass(frozen=True, eq=False)  # hashed by identity: the loaded specs key the candidates cache
class Specs:
    devices: dict
    frameworks: dict
    inference_only: frozenset
    model: dict


@functools.cache
def load_specs() -> Specs:
    doc = json.loads(DATA_FILE.read_text())
    devices = {
        name: Device(name, e["dense_tflops"], e["memory_bandwidth_gbs"], e.get("bandwidth_by_memory_gib", {}), e["source"])
        for name, e in doc["accelerators"].items()
    }
    return Specs(devices, doc["frameworks"], frozenset(doc["inference_only"]), doc["model"])


@dataclass(frozen=True)
class Choice:
    instance: str
    nodes: int
    purchase: str
    usd_per_hour: float
    #: Training: hours to process the tokens; inference: None.
    hours: float | None
    #: Training: tokens/s; inference: requests/s the nodes can serve.
    throughput: float
    throughput_unit: str
    usd_per_million: float
    unit: str
    memory_needed_gib: float
    memory_offered_gib: float
    usd_total: float | None = None
    why: str = ""

    @property
    def rank_key(self) -> tuple:
        return (round(self.usd_per_million, 9), -self.throughput, self.instance, self.nodes)


@dataclass(frozen=True)
class Rejection:
    constraint: str
    detail: str
    #: For a budget rejection: what the choice would cost per hour, and which it was.
    usd_per_hour: float | None = None
    choice: str = ""


@dataclass(frozen=True)
class Recommendation:
    choices: tuple[Choice, ...]
    region: str
    considered: int
    rejected: dict = field(default_factory=dict)

    @property
    def best(self) -> Choice:
        return self.choices[0]


class NothingFits(Exception):
    """No instance meets the constraints; ``constraint`` is the binding one."""

    def __init__(self, constraint: str, message: str, hint: str):
        super().__init__(message)
        self.constraint = constraint
        self.message = message
        self.hint = hint


# --- the model ---------------------------------------------------------------------------------


def shape(workload: Workload) -> tuple[int, int]:
    """(layers, hidden size): given, or estimated from the parameter count (docs/cost.md)."""
    m = workload.model
    layers = m.layers or max(1, round((m.parameters / (12 * ASPECT**2)) ** (1 / 3)))
    return layers, m.hidden_size or ASPECT * layers


def training_memory_gib(workload: Workload, specs: Specs) -> float:
    m = workload.model
    weight = BYTES[m.precision]
    gradient = 4 if m.precision == "fp32" else 2
    optimizer = 8 if m.precision == "fp32" else specs.model["optimizer_bytes_per_parameter"]
    states = m.parameters * (weight + gradient + optimizer) / GIB
    activations = workload.training.activation_gib
    if activations is None:
        activations = states * specs.model["activation_fraction"]
    return states + activations


def kv_bytes_per_sequence(workload: Workload) -> float:
    layers, hidden = shape(workload)
    goal = workload.inference
    kv_element = 1 if workload.model.precision in ("fp8",) else 2
    per_token = 2 * layers * hidden * kv_element * workload.model.kv_heads_ratio
    return per_token * (goal.input_tokens + goal.output_tokens)


def _compute_precision(workload: Workload) -> str:
    return COMPUTE_PRECISION.get(workload.model.precision, workload.model.precision)


def evaluate(instance: InstanceType, nodes: int, usd_per_node_hour: float, purchase: str,
             workload: Workload, specs: Specs | None = None) -> Choice | Rejection:
    """Score ``nodes`` x ``instance`` for the workload, or say which constraint it breaks (4-6)."""
    specs = specs or load_specs()
    device = specs.devices[instance.accelerator.model]
    if workload.task == "training":
        return _training(instance, nodes, usd_per_node_hour, purchase, workload, specs, device)
    return _inference(instance, nodes, usd_per_node_hour, purchase, workload, specs, device)


def _training(instance, nodes, price, purchase, workload, specs, device) -> Choice | Rejection:
    goal, m, p = workload.training, workload.model, specs.model
    needed = training_memory_gib(workload, specs)
    offered = nodes * instance.total_accelerator_memory_gib * p["usable_memory_fraction"]
    if needed > offered:
        return Rejection("memory", f"needs {needed:,.0f} GiB, {nodes} node(s) offer {offered:,.0f} GiB usable")
    flops = 6 * m.parameters * goal.tokens
    node_flops = instance.accelerator.count * device.dense_tflops[_compute_precision(workload)] * 1e12 * p["training_mfu"]
    seconds = flops / (nodes * node_flops)
    if nodes > 1:
        steps = goal.tokens / (goal.batch_tokens or p["default_batch_tokens"])
        gradient_bytes = m.parameters * (4 if m.precision == "fp32" else 2)
        allreduce = 2 * (nodes - 1) / nodes * gradient_bytes
        link = instance.network_gbps / 8 * 1e9 * p["network_efficiency"]
        seconds += steps * allreduce / link
    hours = seconds / 3600
    tokens_per_second = goal.tokens / seconds
    if goal.hours is not None and hours > goal.hours:
        return Rejection("target", f"{hours:,.1f} h > {goal.hours:g} h")
    if goal.tokens_per_second is not None and tokens_per_second < goal.tokens_per_second:
        return Rejection("target", f"{tokens_per_second:,.0f} tokens/s < {goal.tokens_per_second:g}")
    per_hour = nodes * price
    total = per_hour * hours
    over = f"{nodes} x {instance.name}"
    if workload.usd_per_hour is not None and per_hour > workload.usd_per_hour:
        return Rejection("budget", f"${per_hour:,.2f}/h > ${workload.usd_per_hour:,.2f}/h", per_hour, over)
    if workload.usd_total is not None and total > workload.usd_total:
        return Rejection("budget", f"${total:,.0f} in total > ${workload.usd_total:,.0f}", per_hour, over)
    return Choice(
        instance.name, nodes, purchase, per_hour, hours, tokens_per_second, "tokens/s",
        total / goal.tokens * 1e6, "USD per million training tokens", needed, offered, usd_total=total,
    )


@dataclass(frozen=True)
class Replica:
    """One model replica on one node: what it needs, what it has, and the requests/s it serves."""

    needed_gib: float
    usable_gib: float
    requests_per_second: float


def replica(instance: InstanceType, workload: Workload, specs: Specs | None = None) -> Replica | Rejection:
    """The throughput of one replica at the largest batch that fits in memory and the latency class.

    Decoding one step reads the weights and every sequence's KV cache (memory-bound) or does
    2 x params FLOPs per sequence (compute-bound), whichever is slower; a request also pays its
    prefill. Requests/s = batch / (prefill + output tokens x step) grows with the batch, so the
    largest feasible batch is the best one.
    """
    specs = specs or load_specs()
    device = specs.devices[instance.accelerator.model]
    goal, m, p = workload.inference, workload.model, specs.model
    bandwidth = device.bandwidth(instance.accelerator.memory_gib)
    if bandwidth is None:
        return Rejection("memory", f"{device.model} has no public memory-bandwidth figure to model decoding")
    weights = m.parameters * BYTES[m.precision]
    kv = kv_bytes_per_sequence(workload)
    usable = instance.total_accelerator_memory_gib * GIB * p["usable_memory_fraction"]
    if weights + kv > usable:
        return Rejection("memory", f"needs {(weights + kv) / GIB:,.0f} GiB, one node offers {usable / GIB:,.0f} GiB usable")
    latency = p["latency_classes"][goal.latency]
    flops = instance.accelerator.count * device.dense_tflops[_compute_precision(workload)] * 1e12 * p["prefill_mfu"]
    read = instance.accelerator.count * bandwidth * 1e9 * p["decode_bandwidth_efficiency"]
    batch = min(latency["max_batch"], math.floor((usable - weights) / kv))
    limit = latency["max_ms_per_token"]
    if limit is not None:
        seconds = limit / 1000
        batch = min(batch, math.floor((seconds * read - weights) / kv), math.floor(seconds * flops / (2 * m.parameters)))
    if batch < 1:
        return Rejection("target", f"one sequence takes longer than {limit} ms per token ({goal.latency})")
    step = max((weights + batch * kv) / read, 2 * m.parameters * batch / flops)
    prefill = 2 * m.parameters * goal.input_tokens * batch / flops
    return Replica((weights + kv) / GIB, usable / GIB, batch / (prefill + goal.output_tokens * step))


def _inference(instance, nodes, price, purchase, workload, specs, device, one: Replica | Rejection | None = None):
    goal = workload.inference
    one = one if one is not None else replica(instance, workload, specs)
    if isinstance(one, Rejection):
        return one
    if nodes * one.requests_per_second < goal.requests_per_second:
        return Rejection("target", f"{nodes} x {one.requests_per_second:,.2f} requests/s < {goal.requests_per_second:g}")
    per_hour = nodes * price
    if workload.usd_per_hour is not None and per_hour > workload.usd_per_hour:
        return Rejection("budget", f"${per_hour:,.2f}/h > ${workload.usd_per_hour:,.2f}/h", per_hour, f"{nodes} x {instance.name}")
    tokens_per_hour = goal.requests_per_second * goal.output_tokens * 3600
    return Choice(
        instance.name, nodes, purchase, per_hour, None, nodes * one.requests_per_second, "requests/s",
        per_hour / tokens_per_hour * 1e6, "USD per million generated tokens", one.needed_gib, one.usable_gib,
    )


# --- the search --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    instance: InstanceType
    usd_per_node_hour: float
    purchase: str


@functools.lru_cache(maxsize=4096)
def _offered(framework_name: str, task: str, model_precision: str, region: str, catalog: Catalog, specs: Specs,
             allowed_kinds: frozenset[str] | None) -> tuple[tuple[str, list[InstanceType]], ...]:
    """Constraints 1-3 without prices (cached: they depend only on these arguments)."""
    framework = specs.frameworks[framework_name]
    precision = COMPUTE_PRECISION.get(model_precision, model_precision)
    stages: dict[str, list[InstanceType]] = {}
    pool = [t for t in (catalog.get(n) for n in catalog.names()) if t.accelerator and not t.is_sagemaker]
    pool = [
        t for t in pool
        if t.accelerator.model in framework["accelerators"] and task in framework["tasks"]
        and not (task == "training" and t.accelerator.model in specs.inference_only)
        and (allowed_kinds is None or t.accelerator.kind in allowed_kinds)
        # Decoding is modelled from memory bandwidth; a device without a public figure cannot be ranked.
        and not (task == "inference" and specs.devices[t.accelerator.model].memory_bandwidth_gbs is None)
    ]
    stages["compatibility"] = pool
    trainable = task == "inference" or model_precision in TRAINING_PRECISIONS
    pool = [t for t in pool if trainable and precision in specs.devices[t.accelerator.model].dense_tflops]
    stages["precision"] = pool
    pool = [t for t in pool if catalog.is_offered(t.name, region)]
    stages["region"] = pool
    return tuple(stages.items())


def candidates(workload: Workload, region: str, catalog: Catalog, prices: PriceBook,
               specs: Specs | None = None, *, allowed_kinds: frozenset[str] | None = None):
    """Constraints 1-3 and the price: (priced candidates, the types left after each constraint)."""
    specs = specs or load_specs()
    stages = dict(_offered(workload.model.framework, workload.task, workload.model.precision, region, catalog, specs,
                           allowed_kinds))
    pool = stages["region"]
    priced = []
    for t in pool:
        on_demand = prices.get(f"ec2/{region}/{t.name}")
        if workload.spot:
            spot = prices.get(f"ec2-spot/{region}/{t.name}")
            # Spot never exceeds on-demand; without a spot snapshot the on-demand rate is the bound.
            price = spot.high if spot is not None else (on_demand.usd if on_demand else None)
            purchase = "spot"
        else:
            price, purchase = (on_demand.usd if on_demand else None), "on-demand"
        if price is not None:
            priced.append(Candidate(t, price, purchase))
    stages["price"] = [c.instance for c in priced]
    return priced, stages


def advise(workload: Workload, region: str, catalog: Catalog | None = None, prices: PriceBook | None = None,
           *, top: int = 3, allowed_kinds: frozenset[str] | None = None) -> Recommendation:
    """The ``top`` cheapest choices per unit of work, best first; NothingFits names the binding constraint.

    Per type, cost grows with the node count (more nodes add all-reduce time and never
    remove work), so the smallest count that meets every constraint is that type's best.
    """
    from mlblueprints.pricing import load_prices

    catalog = catalog or load_catalog()
    prices = prices or load_prices()
    specs = load_specs()
    pool, stages = candidates(workload, region, catalog, prices, specs, allowed_kinds=allowed_kinds)
    for constraint in ("compatibility", "precision", "region", "price"):
        if not stages[constraint]:
            raise _nothing(constraint, workload, region, catalog, {**stages, "allowed_kinds": allowed_kinds}, specs)
    best: list[Choice] = []
    rejected: dict[str, int] = {}
    over_budget: list[Rejection] = []
    for candidate in pool:
        outcome = _best_for(candidate, workload, specs)
        if isinstance(outcome, Choice):
            best.append(outcome)
        else:
            rejected[outcome.constraint] = rejected.get(outcome.constraint, 0) + 1
            if outcome.constraint == "budget":
                over_budget.append(outcome)
    if not best:
        raise _nothing(_binding_from_rejections(rejected), workload, region, catalog, stages, specs, pool=pool,
                       over_budget=over_budget)
    ranked = sorted(best, key=lambda c: c.rank_key)[:top]
    return Recommendation(tuple(_explain(ranked, workload)), region, len(pool), rejected)


def _binding_from_rejections(rejected: dict[str, int]) -> str:
    """The latest constraint (in CONSTRAINTS order) that rejected a type: the types it rejected met every
    earlier one, so relaxing it is what would let a choice through."""
    return next((c for c in reversed(CONSTRAINTS) if rejected.get(c)), "memory")


def _best_for(candidate: Candidate, workload: Workload, specs: Specs) -> Choice | Rejection:
    """A type's cheapest choice, or the constraint that rules the type out."""
    if workload.task == "inference":
        return _inference_choice(candidate, workload, specs)
    outcome: Choice | Rejection = Rejection("memory", f"does not fit in {workload.max_nodes} node(s)")
    for nodes in _node_counts(candidate, workload, specs):
        outcome = evaluate(candidate.instance, nodes, candidate.usd_per_node_hour, candidate.purchase, workload, specs)
        if isinstance(outcome, Choice) or outcome.constraint == "budget":
            break  # more nodes only cost more per hour and in total
    return outcome


def _inference_choice(candidate: Candidate, workload: Workload, specs: Specs) -> Choice | Rejection:
    """Replicas are independent: the fewest that serve the target rate are the type's cheapest choice."""
    one = replica(candidate.instance, workload, specs)
    if isinstance(one, Rejection):
        return one
    nodes = max(1, math.ceil(workload.inference.requests_per_second / one.requests_per_second - 1e-12))
    if nodes > workload.max_nodes:
        return Rejection("target", f"needs {nodes} replicas, more than max_nodes {workload.max_nodes}")
    device = specs.devices[candidate.instance.accelerator.model]
    return _inference(candidate.instance, nodes, candidate.usd_per_node_hour, candidate.purchase, workload, specs, device, one)


def _node_counts(candidate: Candidate, workload: Workload, specs: Specs) -> range:
    if workload.task == "training":
        # Fewer nodes than the memory needs can never fit: start there.
        per_node = candidate.instance.total_accelerator_memory_gib * specs.model["usable_memory_fraction"]
        first = max(1, math.ceil(training_memory_gib(workload, specs) / per_node - 1e-9)) if per_node else 1
        return range(min(first, workload.max_nodes + 1), workload.max_nodes + 1)
    return range(1, workload.max_nodes + 1)


def exhaustive(workload: Workload, region: str, catalog: Catalog, prices: PriceBook,
               *, allowed_kinds: frozenset[str] | None = None) -> Choice | None:
    """Every (type, node count) scored, the best kept: the reference the advisor must equal."""
    specs = load_specs()
    pool, _ = candidates(workload, region, catalog, prices, specs, allowed_kinds=allowed_kinds)
    found = [
        r for c in pool for n in range(1, workload.max_nodes + 1)
        if isinstance(r := evaluate(c.instance, n, c.usd_per_node_hour, c.purchase, workload, specs), Choice)
    ]
    return min(found, key=lambda c: c.rank_key) if found else None


# --- words -------------------------------------------------------------------------------------


def _model_words(workload: Workload) -> str:
    billions = workload.model.parameters / 1e9
    return f"a {billions:g}B model at {workload.model.precision}"


def _explain(ranked: list[Choice], workload: Workload) -> list[Choice]:
    from dataclasses import replace

    unit = "per million training tokens" if workload.task == "training" else "per million generated tokens"
    out = []
    for index, choice in enumerate(ranked):
        fits = f"fits in {choice.memory_offered_gib:,.0f} GiB (needs {choice.memory_needed_gib:,.0f})"
        if index == 0 and len(ranked) > 1:
            other = ranked[1]
            ratio = other.usd_per_million / choice.usd_per_million if choice.usd_per_million else 1
            why = f"{ratio:.1f}x cheaper {unit} than {other.instance} for {_model_words(workload)}; {fits}"
        elif index == 0:
            why = f"the only type that meets every constraint for {_model_words(workload)}; {fits}"
        else:
            ratio = choice.usd_per_million / ranked[0].usd_per_million if ranked[0].usd_per_million else 1
            speed = ("as fast" if math.isclose(choice.throughput, ranked[0].throughput, rel_tol=1e-9)
                     else "faster" if choice.throughput > ranked[0].throughput else "slower")
            why = f"{ratio:.1f}x the cost {unit} of {ranked[0].instance}, {speed}; {fits}"
        out.append(replace(choice, why=why))
    return out


def _nothing(constraint: str, workload: Workload, region: str, catalog: Catalog, stages: dict, specs: Specs,
             pool=None, over_budget=()) -> NothingFits:
    framework = workload.model.framework
    if constraint == "compatibility":
        runs_on = specs.frameworks[framework]["accelerators"]
        unmodelled = [a for a in runs_on if specs.devices[a].memory_bandwidth_gbs is None]
        if workload.task == "inference" and unmodelled and set(unmodelled) == set(runs_on):
            return NothingFits(constraint, f"{framework} runs only on {', '.join(unmodelled)}, which has no public memory-bandwidth "
                               "figure, so the throughput model cannot rank it",
                               "name the instance type instead of `auto`, or choose another framework")
        allowed = stages.get("allowed_kinds")
        limit = f"; the blueprint's image and container allow {' and '.join(sorted(allowed)) or 'no accelerator'}" if allowed is not None else ""
        return NothingFits(constraint, f"{framework} {workload.task} runs on {', '.join(runs_on)}{limit}",
                           "choose a framework, image and container for the same hardware (docs/cost.md, compatibility table)")
    if constraint == "precision":
        if workload.task == "training" and workload.model.precision not in TRAINING_PRECISIONS:
            return NothingFits(constraint, f"training does not run in {workload.model.precision} (weight-only quantisation is for inference)",
                               f"train in {', '.join(TRAINING_PRECISIONS)}")
        return NothingFits(constraint, f"no {framework}-compatible accelerator runs {workload.model.precision}",
                           "choose another precision (bf16 or fp16)")
    if constraint == "region":
        regions = sorted({r for t in stages["precision"] for r in catalog.regions_offering(t.name)})
        return NothingFits(constraint, f"no {framework}-compatible accelerator type is offered in {region}",
                           f"use another region (offered in: {', '.join(regions[:8])}{', ...' if len(regions) > 8 else ''})")
    if constraint == "price":
        names = ", ".join(t.name for t in stages["region"][:5])
        return NothingFits(constraint, f"no price in {region} for any compatible type ({names}, ...)",
                           "supply prices with --prices (docs/cost.md)")
    if constraint == "memory":
        return _memory_error(workload, region, pool, specs)
    if constraint == "target":
        goal = workload.training or workload.inference
        wanted = (
            f"{goal.hours:g} h" if workload.task == "training" and goal.hours else
            f"{goal.tokens_per_second:g} tokens/s" if workload.task == "training" else
            f"{goal.requests_per_second:g} requests/s ({goal.latency})"
        )
        return NothingFits(constraint, f"no type meets the target of {wanted} within {workload.max_nodes} node(s) in {region}",
                           "raise `workload.max_nodes`, relax the target, or choose a lower precision")
    caps = ", ".join(
        c for c in (
            f"${workload.usd_per_hour:g}/h" if workload.usd_per_hour is not None else "",
            f"${workload.usd_total:g} in total" if workload.usd_total is not None else "",
        ) if c
    )
    cheapest = min(over_budget, key=lambda r: (r.usd_per_hour, r.choice), default=None)
    cheap = (f"; the cheapest choice that meets the target is {cheapest.choice} at ${cheapest.usd_per_hour:,.2f}/h ({cheapest.detail})"
             if cheapest is not None else "")
    return NothingFits("budget", f"no type that meets the target fits the budget ({caps}){cheap}",
                       "raise the budget (`workload.budget`, or `spec.budget`, which caps the nodes too) or relax the target")


def _memory_error(workload: Workload, region: str, pool, specs: Specs) -> NothingFits:
    fraction = specs.model["usable_memory_fraction"]
    if workload.task == "training":
        needed = training_memory_gib(workload, specs)
    else:
        needed = (workload.model.parameters * BYTES[workload.model.precision] + kv_bytes_per_sequence(workload)) / GIB
    biggest = max(pool, key=lambda c: c.instance.total_accelerator_memory_gib).instance
    largest = biggest.total_accelerator_memory_gib
    if workload.task == "training" and workload.max_nodes > 1:
        where = f"{workload.max_nodes} x {biggest.name} offer {workload.max_nodes * largest * fraction:,.0f} GiB usable"
        hint = "raise `workload.max_nodes`, or choose a lower precision or another region"
    else:
        where = f"the largest single node offered in {region} has {largest:,.0f} GiB ({biggest.name}, {fraction:.0%} usable)"
        hint = ("allow multi-node (`workload.max_nodes`) or another region" if workload.task == "training"
                else "quantise (int8/int4), shorten the sequences, or use another region")
    return NothingFits("memory", f"needs {needed:,.0f} GiB of accelerator memory; {where}", hint)


def format_choice(choice: Choice, rank: int) -> str:
    time = f"{choice.hours:,.1f} h, ${choice.usd_total:,.0f} in total" if choice.hours is not None else ""
    rate = f"{choice.throughput:,.0f} {choice.throughput_unit}" if choice.throughput >= 10 else f"{choice.throughput:,.2f} {choice.throughput_unit}"
    return (
        f"  {rank}. {choice.nodes} x {choice.instance} ({choice.purchase}): ${choice.usd_per_hour:,.2f}/h, "
        f"{rate}{', ' + time if time else ''}, ${choice.usd_per_million:,.4g} {choice.unit.removeprefix('USD ')}\n"
        f"     why: {choice.why}"
    )


# --- blueprints --------------------------------------------------------------------------------


def is_auto(blueprint) -> bool:
    return blueprint.kind == "TrainingCluster" and blueprint.spec.instance.auto


def advise_blueprint(blueprint, prices: PriceBook) -> Recommendation | NothingFits:
    from mlblueprints.resolve import advise_training_cluster

    try:
        return advise_training_cluster(blueprint, load_catalog(), prices)
    except NothingFits as nothing:
        return nothing


def advice_metadata(advice: Recommendation) -> dict:
    """What the stack's template metadata and `mlbp show` record about the choice.

    Amounts are text: CloudFormation template metadata takes no floating-point numbers (cfn-lint E4002).
    """
    best = advice.best
    return {
        "instance_type": best.instance,
        "nodes": best.nodes,
        "purchase": best.purchase,
        "usd_per_hour": f"{best.usd_per_hour:.4f}",
        "estimate": (f"{best.hours:,.1f} h" if best.hours is not None else f"{best.throughput:,.2f} {best.throughput_unit}"),
        "usd_per_million": f"{best.usd_per_million:.4g}",
        "unit": best.unit,
        "why": best.why,
        "runners_up": [f"{c.nodes} x {c.instance}: {c.why}" for c in advice.choices[1:]],
    }


def advice_dict(blueprint, advice: Recommendation | NothingFits) -> dict:
    head = {"file": blueprint.file, "name": blueprint.metadata.name, "region": blueprint.spec.region}
    if isinstance(advice, NothingFits):
        return {**head, "error": {"constraint": advice.constraint, "message": advice.message, "hint": advice.hint}}
    return {
        **head,
        "considered": advice.considered,
        "rejected": advice.rejected,
        "choices": [
            {
                "instance_type": c.instance, "nodes": c.nodes, "purchase": c.purchase,
                "usd_per_hour": round(c.usd_per_hour, 4), "hours": None if c.hours is None else round(c.hours, 2),
                "usd_total": None if c.usd_total is None else round(c.usd_total, 2),
                "throughput": round(c.throughput, 3), "throughput_unit": c.throughput_unit,
                "usd_per_million": round(c.usd_per_million, 6), "unit": c.unit, "why": c.why,
            }
            for c in advice.choices
        ],
    }


def format_advice(blueprint, advice: Recommendation | NothingFits) -> str:
    head = f"{blueprint.file}: {blueprint.metadata.name} ({blueprint.spec.region})"
    if isinstance(advice, NothingFits):
        return f"{head}: nothing fits: {advice.message}\n  hint: {advice.hint}"
    rejected = ", ".join(f"{n} by {c}" for c, n in sorted(advice.rejected.items(), key=lambda kv: CONSTRAINTS.index(kv[0])))
    lines = [f"{head}: {advice.considered} priced types considered" + (f" (rejected: {rejected})" if rejected else "")]
    lines += [format_choice(c, i + 1) for i, c in enumerate(advice.choices)]
    return "\n".join(lines)
