"""What a blueprint costs: line items per resource, hourly and over 30 days, at min, desired and max.

The pure API ``estimate(blueprint, prices, assumptions) -> Estimate`` reads only the
model, the resolvers and a ``PriceBook`` (mlblueprints.pricing): no Node, no aws_cdk,
no network. Rules (budgets), ``mlbp cost`` and the plan command all call it.

Conventions (docs/cost.md):
  * an amount is a ``Usd`` range (low, high): equal ends for list prices, the per-zone
    spread for spot;
  * ``min``/``desired``/``max`` are the autoscaled sizes; fixed resources have the same
    amount at all three;
  * storage priced per GB-month is billed per hour as ``price / 730`` (AWS's month of
    730 hours); "30 days" is 720 hours of the hourly figure;
  * a line item without a price is *unpriced*: it carries the missing key and the reason,
    totals leave it out, and every output names it. Nothing is ever guessed;
  * a line item priced from a ``verified: false`` row is marked unverified.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Iterable

from mlblueprints.catalog import Catalog, InstanceType, load_catalog
from mlblueprints.model import Blueprint, Nodes
from mlblueprints.pricing import Price, PriceBook

if TYPE_CHECKING:  # resolve imports this module
    from mlblueprints.resolve import LustrePlan

HOURS_30_DAYS = 720
HOURS_PER_MONTH = 730
LEVELS = ("min", "desired", "max")


@dataclass(frozen=True)
class Usd:
    low: float
    high: float

    @staticmethod
    def of(value: float) -> "Usd":
        return Usd(value, value)

    def __add__(self, other: "Usd") -> "Usd":
        return Usd(self.low + other.low, self.high + other.high)

    def __mul__(self, factor: float) -> "Usd":
        return Usd(self.low * factor, self.high * factor)

    @property
    def is_range(self) -> bool:
        return abs(self.high - self.low) > 1e-12


ZERO = Usd(0.0, 0.0)


@dataclass(frozen=True)
class Levels:
    """Hourly USD at the three sizes of an autoscaled resource."""

    min: Usd
    desired: Usd
    max: Usd

    def __add__(self, other: "Levels") -> "Levels":
        return Levels(self.min + other.min, self.desired + other.desired, self.max + other.max)

    def at(self, level: str) -> Usd:
        return getattr(self, level)

    @staticmethod
    def fixed(amount: Usd) -> "Levels":
        return Levels(amount, amount, amount)


ZERO_LEVELS = Levels.fixed(ZERO)


@dataclass(frozen=True)
class Counts:
    """How many units run at each size (instances, nodes, gateways)."""

    min: float
    desired: float
    max: float

    @staticmethod
    def fixed(n: float) -> "Counts":
        return Counts(n, n, n)


@dataclass(frozen=True)
class LineItem:
    #: What it belongs to: ``compute``, ``endpoint chat / variant blue``, ``network``.
    resource: str
    #: compute | spot | reservation | capacity-block | hosting | serverless | async | fsx | ebs | nat | s3
    category: str
    description: str
    price_key: str
    #: Hourly USD at min/desired/max; None when unpriced.
    hourly: Levels | None
    counts: Counts
    unpriced_reason: str = ""
    unverified: bool = False
    source: str = ""
    notes: tuple[str, ...] = ()

    @property
    def unpriced(self) -> bool:
        return self.hourly is None


@dataclass(frozen=True)
class Estimate:
    name: str
    file: str
    kind: str
    region: str
    items: tuple[LineItem, ...]
    #: Traffic and size assumptions the figures rest on, in words.
    assumptions: tuple[str, ...] = ()
    prices_as_of: str = ""
    #: Price override files applied on top of data/prices.json.
    price_overrides: tuple[str, ...] = ()

    @property
    def hourly(self) -> Levels:
        """Sum of the priced line items (unpriced ones are listed in ``unpriced``)."""
        total = ZERO_LEVELS
        for item in self.items:
            if item.hourly is not None:
                total = total + item.hourly
        return total

    def thirty_days(self, level: str) -> Usd:
        return self.hourly.at(level) * HOURS_30_DAYS

    @property
    def unpriced(self) -> tuple[LineItem, ...]:
        return tuple(i for i in self.items if i.unpriced)

    @property
    def unverified(self) -> tuple[LineItem, ...]:
        return tuple(i for i in self.items if i.unverified and not i.unpriced)

    @property
    def complete(self) -> bool:
        return not self.unpriced


@dataclass(frozen=True)
class Assumptions:
    """What the blueprint cannot say; every figure that rests on one says so."""

    #: S3 is estimated only from a stated size.
    s3_gib: float | None = None
    #: Serverless traffic: requests per hour at "desired", and mean duration per request.
    serverless_requests_per_hour: float = 3600.0
    serverless_duration_ms: float = 200.0
    #: Async endpoints that scale to zero run their instances this many hours a day at "desired".
    async_busy_hours_per_day: float = 8.0
    #: A Capacity Block's duration in days, to price the whole block (paid up front).
    capacity_block_days: float | None = None


class _Pricer:
    """Builds line items from a price book, naming every missing key."""

    def __init__(self, prices: PriceBook):
        self.prices = prices

    def item(
        self, resource: str, category: str, description: str, key: str, counts: Counts,
        per_unit_hourly: Callable[[Price], Usd] | None = None, *, missing: str = "", notes: Iterable[str] = (),
    ) -> LineItem:
        price = self.prices.get(key)
        if price is None:
            reason = missing or f"no price for {key}; supply one with --prices (docs/cost.md)"
            return LineItem(resource, category, description, key, None, counts, unpriced_reason=reason, notes=tuple(notes))
        unit = per_unit_hourly(price) if per_unit_hourly else Usd(price.usd, price.high)
        hourly = Levels(unit * counts.min, unit * counts.desired, unit * counts.max)
        return LineItem(
            resource, category, description, key, hourly, counts,
            unverified=not price.verified, source=f"{price.source} ({price.as_of})", notes=tuple(notes),
        )


def _per_gb_month(size_gb: float) -> Callable[[Price], Usd]:
    return lambda p: Usd(p.usd, p.high) * (size_gb / HOURS_PER_MONTH)


class CannotEstimate(LookupError):
    """The blueprint's hardware does not resolve (an unknown type, nothing fits ``instance: auto``);
    the validation rules say why, so the budget check skips it."""


def estimate(
    blueprint: Blueprint, prices: PriceBook, assumptions: Assumptions | None = None, catalog: Catalog | None = None,
) -> Estimate:
    """The cost of one blueprint whose hardware resolves (else CannotEstimate).

    Only the hardware is resolved (instance types, node counts, the FSx size), not images or
    containers, so a blueprint whose image is wrong still gets a figure.
    """
    assumptions = assumptions or Assumptions()
    catalog = catalog or load_catalog()
    pricer = _Pricer(prices)
    build = {"TrainingCluster": _training_cluster, "UltraCluster": _ultracluster, "InferenceFleet": _inference_fleet}
    items, notes = build[blueprint.kind](blueprint, _hardware(blueprint, catalog, prices), pricer, assumptions)
    if assumptions.s3_gib is None:
        notes.append("S3 storage is not estimated: pass --s3-gib SIZE to price the bucket")
    return Estimate(
        name=blueprint.metadata.name, file=blueprint.file, kind=blueprint.kind, region=blueprint.spec.region,
        items=tuple(items), assumptions=tuple(notes), prices_as_of=prices.as_of, price_overrides=prices.origins,
    )


@dataclass(frozen=True)
class _Hardware:
    """What a blueprint runs on, as far as cost needs it."""

    instance: InstanceType | None = None
    nodes: Nodes | None = None
    #: UltraCluster: what the orchestrator launches (``ml.<type>`` on HyperPod).
    node_type: str = ""
    lustre: LustrePlan | None = None
    #: InferenceFleet: per endpoint (endpoint, its SageMaker name, ((variant, ml type), ...), (shadow, ml type) or None).
    endpoints: tuple = ()


def _hardware(blueprint: Blueprint, catalog: Catalog, prices: PriceBook) -> _Hardware:
    from mlblueprints import advisor, fsx_sizing, resolve  # resolve imports this module: import late

    spec = blueprint.spec
    if blueprint.kind == "TrainingCluster":
        if spec.instance.auto:
            try:
                best = resolve.advise_training_cluster(blueprint, catalog, prices).best
            except advisor.NothingFits as nothing:
                raise CannotEstimate(nothing.message) from nothing
            instance, nodes = catalog.get(best.instance), Nodes(0, best.nodes, best.nodes)
        else:
            instance, nodes = resolve.resolve_instance(spec.instance, spec.region, catalog), spec.nodes
        if instance is None:
            raise CannotEstimate("the instance type does not resolve")
        return _Hardware(instance=instance, nodes=nodes)
    if blueprint.kind == "UltraCluster":
        instance = resolve.ultracluster_instance(spec, catalog)
        if instance is None:
            raise CannotEstimate("the instance type does not resolve")
        try:
            lustre = resolve.lustre_plan(spec, instance)
        except fsx_sizing.CannotSize as error:
            raise CannotEstimate(str(error)) from error
        node_type = instance.name if spec.orchestrator == "batch" else f"ml.{instance.name}"
        return _Hardware(instance=instance, node_type=node_type, lustre=lustre)
    endpoints = []
    for e in spec.endpoints:
        name = resolve.endpoint_name(blueprint, e)
        for v in (*e.variants, *((e.shadow,) if e.shadow else ())):
            if v.instance_type is not None and catalog.get(v.instance_type) is None:
                raise CannotEstimate(f"{v.instance_type} is not in the catalog")
        endpoints.append((e, name, tuple((v, v.instance_type) for v in e.variants),
                          (e.shadow, e.shadow.instance_type) if e.shadow else None))
    return _Hardware(endpoints=tuple(endpoints))


def _nat(blueprint, pricer: _Pricer, creates_network: bool) -> list[LineItem]:
    if not creates_network:
        return []
    region = blueprint.spec.region
    return [
        pricer.item(
            "network", "nat", "1 NAT gateway (hours; data processed per GB is not estimated)",
            f"natgateway/{region}/hour", Counts.fixed(1),
            missing=f"no offline NAT gateway price for {region}: pass the AmazonEC2 offer file to "
            f"scripts/refresh_prices.py or set natgateway/{region}/hour in --prices",
        )
    ]


def _s3(blueprint, pricer: _Pricer, assumptions: Assumptions) -> list[LineItem]:
    if assumptions.s3_gib is None:
        return []
    region = blueprint.spec.region
    return [
        pricer.item(
            "storage", "s3", f"S3 Standard, {assumptions.s3_gib:g} GB (stated size)",
            f"s3/{region}/standard", Counts.fixed(1), _per_gb_month(assumptions.s3_gib),
        )
    ]


def _ebs(pricer: _Pricer, region: str, gib: int, counts: Counts, what: str) -> LineItem:
    return pricer.item(
        "compute", "ebs", f"{what}: {gib} GiB gp3 per node", f"ebs/{region}/gp3", counts, _per_gb_month(gib)
    )


def _compute(pricer: _Pricer, region: str, instance: str, counts: Counts, purchase: str) -> LineItem:
    if purchase == "spot":
        notes = ["spot prices are a snapshot, not a forecast; interruptions are not priced"]
        on_demand = pricer.prices.get(f"ec2/{region}/{instance}")
        if pricer.prices.get(f"ec2-spot/{region}/{instance}") is None and on_demand is not None:
            notes.append(f"spot never exceeds the on-demand rate: at most ${on_demand.usd:,.2f}/h per node")
        return pricer.item(
            "compute", "spot", f"{instance} spot (range over the region's zones)", f"ec2-spot/{region}/{instance}",
            counts, missing=f"no spot price for {instance} in {region} in the snapshot (ec2_spot_by_az.csv)",
            notes=notes,
        )
    return pricer.item(
        "compute", "compute", f"{instance} on-demand", f"ec2/{region}/{instance}", counts,
        missing=f"no public on-demand price for {instance} in {region}",
    )


def _reservation(pricer: _Pricer, region: str, instance: str, count: int, reservation: str) -> LineItem:
    return pricer.item(
        "compute", "reservation", f"On-Demand Capacity Reservation {reservation}: {count}x {instance}",
        f"ec2/{region}/{instance}", Counts.fixed(count),
        notes=(
            "an On-Demand Capacity Reservation bills at the on-demand rate whether instances run in it or not",
            f"its size is not in the blueprint; assumed {count} instance(s)",
        ),
    )


def _fsx(pricer: _Pricer, region: str, deployment: str, tier: int | None, capacity_gib: int) -> LineItem:
    key = f"fsx/{region}/{deployment}" + (f"/{tier}" if tier else "")
    what = f"FSx for Lustre {deployment}" + (f" {tier} MB/s/TiB" if tier else "") + f", {capacity_gib:,} GiB"
    # FSx bills storage per GB-month; the capacity is given in GiB (1 GiB = 1.073741824 GB).
    return pricer.item("storage", "fsx", what, key, Counts.fixed(1), _per_gb_month(capacity_gib * 1.073741824))


def _training_cluster(blueprint, resolved, pricer: _Pricer, assumptions: Assumptions):
    spec = blueprint.spec
    nodes = resolved.nodes
    counts = Counts(nodes.min, nodes.desired, nodes.max)
    name = resolved.instance.name
    items = []
    if spec.capacity.capacity_reservation_id:
        items.append(_reservation(pricer, spec.region, name, nodes.max, spec.capacity.capacity_reservation_id))
    else:
        items.append(_compute(pricer, spec.region, name, counts, spec.capacity.purchase))
    items.append(_ebs(pricer, spec.region, spec.storage.root_volume_gib, counts, "root volume"))
    if spec.storage.fsx is not None:
        fsx = spec.storage.fsx
        items.append(_fsx(pricer, spec.region, fsx.deployment_type, fsx.throughput_per_tib, fsx.storage_capacity_gib))
    items += _nat(blueprint, pricer, not spec.network.is_existing)
    items += _s3(blueprint, pricer, assumptions)
    return items, []


def _ultracluster(blueprint, resolved, pricer: _Pricer, assumptions: Assumptions):
    spec = blueprint.spec
    region, n = spec.region, spec.nodes
    instance = resolved.instance.name
    notes: list[str] = []
    items = []
    if spec.orchestrator == "hyperpod":
        counts = Counts.fixed(n)
        for group, ml_type, count in (("workers", resolved.node_type, n), ("controller", spec.hyperpod.controller_type, 1)):
            items.append(
                pricer.item(
                    f"hyperpod {group}", "hosting", f"{count}x {ml_type} (HyperPod bills while the cluster exists)",
                    f"sagemaker/{region}/{ml_type}/cluster", Counts.fixed(count),
                    missing=f"no SageMaker price for {ml_type} in {region} offline; supply "
                    f"sagemaker/{region}/{ml_type}/cluster with --prices or the AmazonSageMaker offer file",
                )
            )
        notes.append("HyperPod instances bill from creation to deletion, whether jobs run or not")
    elif spec.capacity.source == "reservation":
        counts = Counts.fixed(n)
        items.append(_reservation(pricer, region, instance, n, spec.capacity.reservation_id))
    elif spec.capacity.source == "capacity-block":
        counts = Counts.fixed(n)
        block = pricer.item(
            "compute", "capacity-block", f"Capacity Block {spec.capacity.reservation_id}: {n}x {instance}",
            f"ec2-capacity-block/{region}/{instance}", counts,
            missing="Capacity Block prices are set per offering and block duration and are not in the offline data; "
            f"set ec2-capacity-block/{region}/{instance} (USD per instance-hour) with --prices",
            notes=("a Capacity Block is paid up front for its whole duration, used or not",),
        )
        days = assumptions.capacity_block_days
        if days is not None and block.hourly is not None:
            upfront = block.hourly.max.high * 24 * days
            block = replace(block, notes=block.notes + (f"a {days:g}-day block costs ${upfront:,.2f} up front (--block-days)",))
        elif days is None:
            notes.append("the Capacity Block's duration is not in the blueprint: pass --block-days to price the whole block")
        items.append(block)
    else:
        # Batch's compute environment scales from 0 vCPUs; nodes run while a job does.
        counts = Counts(0, n, n)
        items.append(_compute(pricer, region, instance, counts, "on-demand"))
        notes.append(f"AWS Batch scales to zero: 'min' is an idle cluster, 'desired' and 'max' a running {n}-node job")
    what = "EBS volume" if spec.orchestrator == "hyperpod" else "root volume"
    items.append(_ebs(pricer, region, spec.storage.root_volume_gib, counts, what))
    lustre = resolved.lustre
    if lustre.existing is not None:
        items.append(
            LineItem("storage", "fsx", f"existing FSx for Lustre {lustre.existing.file_system_id}", "", ZERO_LEVELS,
                     Counts.fixed(0), notes=("billed where it was created, not by this stack",))
        )
    else:
        items.append(_fsx(pricer, region, "PERSISTENT_2", lustre.size.throughput_per_tib, lustre.size.capacity_gib))
    items += _nat(blueprint, pricer, not spec.network.is_existing)
    items += _s3(blueprint, pricer, assumptions)
    return items, notes


def _inference_fleet(blueprint, resolved, pricer: _Pricer, assumptions: Assumptions):
    spec = blueprint.spec
    region = spec.region
    items: list[LineItem] = []
    notes: list[str] = []
    for e, endpoint_name, variants, shadow in resolved.endpoints:
        if e.mode == "serverless":
            items += _serverless(pricer, region, e, endpoint_name, assumptions, notes)
            continue
        scaling = e.autoscaling
        production = len(e.variants)
        for v, ml_type in variants:
            if scaling is None:
                counts = Counts.fixed(e.instance_count)
            elif e.mode == "async" and scaling.min == 0:
                busy = assumptions.async_busy_hours_per_day / 24
                counts = Counts(0, e.instance_count * busy, scaling.max)
            else:
                counts = Counts(scaling.min, e.instance_count, scaling.max)
            item_notes = []
            if scaling is not None and production > 1:
                item_notes.append(
                    f"each of the {production} production variants scales on its own from min {scaling.min}: "
                    f"the endpoint never runs fewer than {production} x {scaling.min} = {production * scaling.min} instances"
                )
            if e.mode == "async" and scaling is not None and scaling.min == 0:
                item_notes.append(
                    f"scales to zero when the queue is empty; 'desired' assumes {e.instance_count} instance(s) busy "
                    f"{assumptions.async_busy_hours_per_day:g} h a day (--async-busy-hours)"
                )
            items.append(_hosting(pricer, region, f"endpoint {endpoint_name} / variant {v.name}", e.mode, ml_type, counts, item_notes))
        if shadow is not None:
            s, ml_type = shadow
            items.append(
                _hosting(pricer, region, f"endpoint {endpoint_name} / shadow {s.name}", "shadow",
                         ml_type, Counts.fixed(s.instance_count), ["shadow variants do not autoscale"])
            )
    items += _nat(blueprint, pricer, spec.uses_vpc and not spec.network.is_existing)
    items += _s3(blueprint, pricer, assumptions)
    return items, notes


def _hosting(pricer: _Pricer, region: str, resource: str, mode: str, ml_type: str, counts: Counts, notes) -> LineItem:
    category = "async" if mode == "async" else "hosting"
    return pricer.item(
        resource, category, f"{ml_type} SageMaker hosting ({mode})", f"sagemaker/{region}/{ml_type}/hosting", counts,
        missing=f"no SageMaker hosting price for {ml_type} in {region} offline; supply "
        f"sagemaker/{region}/{ml_type}/hosting with --prices or the AmazonSageMaker offer file",
        notes=notes,
    )


def _serverless(pricer: _Pricer, region: str, e, endpoint_name: str, assumptions: Assumptions, notes: list[str]) -> list[LineItem]:
    config = e.serverless
    memory = config.memory_mb
    seconds_per_hour = assumptions.serverless_requests_per_hour * assumptions.serverless_duration_ms / 1000
    # min: no traffic; desired: the stated traffic; max: every concurrent slot busy all hour.
    counts = Counts(0, seconds_per_hour, config.max_concurrency * 3600)
    resource = f"endpoint {endpoint_name} / variant {e.variants[0].name}"
    notes.append(
        f"serverless {endpoint_name}: 'desired' is {assumptions.serverless_requests_per_hour:g} requests an hour of "
        f"{assumptions.serverless_duration_ms:g} ms at {memory} MB (--serverless-rph, --serverless-ms); "
        f"'max' is all {config.max_concurrency} concurrent slots busy"
    )
    items = [
        pricer.item(
            resource, "serverless", f"serverless compute, {memory} MB x duration x requests (seconds of compute)",
            f"sagemaker-serverless/{region}/{memory}", counts,
            missing=f"no SageMaker serverless price for {memory} MB in {region} offline; supply "
            f"sagemaker-serverless/{region}/{memory} (USD per second) with --prices",
        )
    ]
    if config.provisioned_concurrency:
        items.append(
            pricer.item(
                resource, "serverless", f"provisioned concurrency {config.provisioned_concurrency} at {memory} MB",
                f"sagemaker-serverless-provisioned/{region}/{memory}", Counts.fixed(config.provisioned_concurrency * 3600),
                missing=f"no provisioned-concurrency price for {memory} MB in {region} offline; supply "
                f"sagemaker-serverless-provisioned/{region}/{memory} (USD per second) with --prices",
            )
        )
    return items


@dataclass(frozen=True)
class BudgetBreach:
    """One cap of ``spec.budget`` the estimate exceeds."""

    field: str  # usd_per_hour | usd_per_30_days
    figure: float
    cap: float
    level: str
    largest: LineItem | None

    @property
    def per(self) -> str:
        return "per hour" if self.field == "usd_per_hour" else "per 30 days"


def budget_breaches(estimate: Estimate, budget) -> list[BudgetBreach]:
    """The caps of ``budget`` (model.workload.Budget) that ``estimate`` exceeds, at the budget's level.

    A range (spot) is checked at its top: a budget is a ceiling. Unpriced items count as
    nothing here; ``estimate.unpriced`` names them (BP401). The plan command shares this check.
    """
    hourly = estimate.hourly.at(budget.at).high
    priced = [i for i in estimate.items if i.hourly is not None]
    largest = max(priced, key=lambda i: i.hourly.at(budget.at).high, default=None)
    breaches = []
    for field_name, cap, figure in (
        ("usd_per_hour", budget.usd_per_hour, hourly),
        ("usd_per_30_days", budget.usd_per_30_days, hourly * HOURS_30_DAYS),
    ):
        if cap is not None and figure > cap:
            breaches.append(BudgetBreach(field_name, figure, cap, budget.at, largest))
    return breaches


__all__ = ["BudgetBreach", "budget_breaches", "Assumptions", "CannotEstimate", "Counts", "Estimate", "HOURS_30_DAYS", "LEVELS", "Levels", "LineItem", "Usd", "estimate"]
