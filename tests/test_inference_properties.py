"""Property-based: mutated InferenceFleet endpoints never crash the pipeline or the resolver.

Mutations draw from the fleet's own vocabulary (modes, frameworks, ml.* types,
model sources, scaling targets) so that most documents pass the schema and
reach the model, the BP3xx rules and, when valid, the resolver.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlblueprints.pipeline import INTERNAL_ERROR
from mlblueprints.resolve import resolve
from mlblueprints.serving import serving_frameworks
from tests.blueprint_factory import check, to_yaml
from tests.fleet_factory import endpoint, fleet

INSTANCE_TYPES = ["ml.g5.xlarge", "ml.g5.12xlarge", "ml.inf1.xlarge", "ml.inf2.xlarge", "ml.trn1.2xlarge",
                  "ml.c5.xlarge", "ml.m5.large", "ml.p4d.24xlarge", "ml.t2.medium", "ml.x9.huge"]
VERSIONS = ["2.6", "3.3", "4.51", "25.09", "0.3.0", "1.8", "1.9", "0.29", "9.9"]
models = st.one_of(
    st.builds(lambda k: {"artifact": f"{k}/model.tar.gz"}, st.sampled_from(["a", "b/c"])),
    st.just({"prefix": "tenants/"}),
    st.just({"hub": "org/model"}),
)
containers = st.one_of(
    st.builds(lambda f, v: {"framework": f, "version": v}, st.sampled_from(serving_frameworks() + ["nope"]), st.sampled_from(VERSIONS)),
    st.just({"uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/mine:1"}),
)
variants = st.lists(
    st.fixed_dictionaries(
        {"name": st.sampled_from(["a", "b", "A"]), "model": models},
        optional={"weight": st.floats(0, 5), "instance_type": st.sampled_from(INSTANCE_TYPES), "container": containers},
    ),
    min_size=1,
    max_size=3,
)
autoscaling = st.fixed_dictionaries(
    {"min": st.integers(0, 4), "max": st.integers(1, 4)},
    optional={
        "invocations_per_instance": st.floats(0.5, 500),
        "step": st.fixed_dictionaries({"metric": st.sampled_from(["gpu_utilization", "model_latency"]), "above": st.floats(1, 200)}),
    },
).map(lambda a: a if "invocations_per_instance" in a else {**a, "backlog_per_instance": 3})
mutations = st.fixed_dictionaries(
    {},
    optional={
        "mode": st.sampled_from(["realtime", "serverless", "async", "multi-model"]),
        "instance_type": st.sampled_from(INSTANCE_TYPES),
        "instance_count": st.integers(1, 5),
        "container": containers,
        "variants": variants,
        "autoscaling": autoscaling,
        "network_isolation": st.booleans(),
        "vpc": st.booleans(),
        "shadow": st.fixed_dictionaries({"name": st.sampled_from(["s", "a"]), "model": models},
                                        optional={"instance_type": st.sampled_from(INSTANCE_TYPES)}),
        "serverless": st.fixed_dictionaries({}, optional={"max_concurrency": st.integers(1, 200),
                                                          "provisioned_concurrency": st.integers(1, 200)}),
        "async": st.fixed_dictionaries({}, optional={"output_path": st.just("out"), "notify_error": st.booleans()}),
        "data_capture": st.fixed_dictionaries({"sampling_percentage": st.integers(1, 100)}),
    },
)
spec_mutations = st.fixed_dictionaries(
    {},
    optional={
        "tier": st.sampled_from(["production", "staging", "development"]),
        "availability_zones": st.sampled_from([["us-east-1a"], ["us-east-1a", "us-east-1b"], ["eu-west-1a"]]),
        "region": st.sampled_from(["us-east-1", "eu-west-1", "af-south-1"]),
    },
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations, spec_mutations)
def test_mutated_fleets_never_crash_and_valid_ones_resolve(patch, spec_patch):
    # A JSON round trip unshares objects: the same generated object twice would become a YAML alias (BP006).
    document = json.loads(json.dumps(fleet(spec_patch=spec_patch, endpoints=[{**endpoint(), **patch}])))
    report = check(to_yaml(document))
    assert all(d.code != INTERNAL_ERROR for d in report.diagnostics), [d.format_text() for d in report.diagnostics]
    assert all(d.line >= 1 and d.col >= 1 for d in report.diagnostics)
    for blueprint in report.blueprints:  # only blueprints without errors
        fleet_ = resolve(blueprint)
        assert [e.name for e in fleet_.endpoints] == ["unit-chat"]
