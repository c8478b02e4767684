"""Property-based: mutated UltraCluster blueprints never crash the pipeline, and valid ones resolve.

Mutations draw from the kind's own vocabulary (EFA and non-EFA types, ml.*
types, capacity sources, orchestrators, FSx shapes) so that most documents
pass the schema and reach the model, the BP2xx rules and, when valid, the
resolver, whose EFA layout and FSx size are then checked against the catalog.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlblueprints import efa, fsx_sizing
from mlblueprints.pipeline import INTERNAL_ERROR
from mlblueprints.resolve import resolve
from tests.blueprint_factory import check, to_yaml
from tests.ultracluster_factory import BASE

TYPES = ["p4d.24xlarge", "p5.48xlarge", "p5en.48xlarge", "p6-b200.48xlarge", "trn1.32xlarge", "trn2.48xlarge",
         "g5.48xlarge", "g5.2xlarge", "dl1.24xlarge", "c5.xlarge", "ml.p5.48xlarge", "ml.trn1.32xlarge", "x9.huge"]
ZONES = ["us-east-1a", "us-east-1d", "us-west-2a", "eu-west-1b"]
instances = st.one_of(
    st.builds(lambda t: {"type": t}, st.sampled_from(TYPES)),
    st.builds(lambda m, c: {"accelerators": {"type": m, "count": c}},
              st.sampled_from(["a100", "h100", "h200", "b200", "trainium", "a10g"]), st.integers(1, 16)),
)
capacities = st.fixed_dictionaries(
    {},
    optional={
        "source": st.sampled_from(["on-demand", "reservation", "capacity-block", "spot"]),
        "reservation_id": st.just("cr-0123456789abcdef0"),
        "reservation_zone": st.sampled_from(ZONES),
        "interruption_behavior": st.sampled_from(["terminate", "stop", "hibernate"]),
    },
)
file_systems = st.one_of(
    st.fixed_dictionaries({"storage_capacity_gib": st.sampled_from([1200, 2400, 3600, 4800, 26400])},
                          optional={"throughput_per_tib": st.sampled_from([125, 200, 250, 1000]), "efa": st.booleans()}),
    st.fixed_dictionaries({"throughput_per_gpu_mbps": st.integers(1, 3000)},
                          optional={"storage_capacity_gib": st.sampled_from([1200, 9600]), "efa": st.booleans()}),
    st.builds(lambda z: {"existing": {"file_system_id": "fs-0123456789abcdef0",
                                      "dns_name": "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com",
                                      "mount_name": "abcdefgh", "availability_zone": z}}, st.sampled_from(ZONES)),
)
spec_mutations = st.fixed_dictionaries(
    {},
    optional={
        "region": st.sampled_from(["us-east-1", "us-west-2", "eu-west-1"]),
        "availability_zone": st.sampled_from(ZONES),
        "instance": instances,
        "nodes": st.integers(1, 64),
        "orchestrator": st.sampled_from(["batch", "hyperpod"]),
        "capacity": capacities,
        "placement_group": st.booleans(),
        "storage": st.builds(lambda f, r: {"fsx": f, **r}, file_systems,
                             st.sampled_from([{}, {"data_repository": {"bucket": "team-data", "prefix": "p"}}])),
        "hyperpod": st.fixed_dictionaries({}, optional={"controller_type": st.sampled_from(["ml.m5.xlarge", "ml.r5.xlarge"])}),
        "container": st.sampled_from([{"framework": "pytorch", "version": "2.6"},
                                      {"framework": "hyperpod-recipes-neuron", "version": "2.1.2"},
                                      {"uri": "public.ecr.aws/hpc-cloud/nccl-tests:latest"}]),
    },
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec_mutations)
def test_mutated_ultraclusters_never_crash_and_valid_ones_resolve(patch):
    document = json.loads(json.dumps({**BASE, "spec": {**BASE["spec"], **patch}}))
    report = check(to_yaml(document))
    assert all(d.code != INTERNAL_ERROR for d in report.diagnostics), [d.format_text() for d in report.diagnostics]
    assert all(d.line >= 1 and d.col >= 1 for d in report.diagnostics)
    for blueprint in report.blueprints:  # only blueprints without errors
        resolved = resolve(blueprint)
        spec = blueprint.spec
        assert spec.capacity.source != "spot"  # neither engine runs an UltraCluster on Spot (BP214, BP215)
        interfaces = efa.efa_interfaces(resolved.efa_layout)
        assert sorted(i.card for i in interfaces) == list(range(resolved.instance.network_cards))
        if spec.capacity.is_reserved:
            assert spec.capacity.reservation_zone == spec.availability_zone
        if spec.capacity.source == "capacity-block":
            assert not spec.placement_group
        lustre = resolved.lustre
        if lustre.existing is None:
            assert fsx_sizing.is_legal_capacity(lustre.size.capacity_gib)
            if lustre.needed_mbps is not None:
                assert lustre.size.throughput_mbps >= lustre.needed_mbps
