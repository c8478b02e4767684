"""Per class of issue 9: the blueprints validation just accepts, at each boundary, synthesize.

The refusals have their tables in tests/rules (BP040-BP044, BP107, BP209); these are
the other side of each line, built from minimal blueprints and synthesized together
in one app as stacks/app.py would (cdk.json's context, with its template validation,
and cdk-nag): a number at its maximum, a shared-space CIDR with six zones, Unicode
tags, a dotted bucket name, near-colliding names, and HyperPod types chosen from the
one list of offered types.
"""

from __future__ import annotations

import copy

import pytest

from mlblueprints.catalog import offerings
from tests.blueprint_factory import DELETE, check, patched, to_yaml
from tests.fleet_factory import ENDPOINT, FLEET
from tests.ultracluster_factory import HYPERPOD, ultra

pytestmark = pytest.mark.cdk


def fleet(name, endpoint_patch, **spec):
    endpoint = patched(endpoint_patch, base=copy.deepcopy(ENDPOINT))
    return patched({"metadata": {"name": name}, "spec": {**spec, "endpoints": [endpoint]}}, base=FLEET)


def hyperpod(name, **spec):
    return ultra({**HYPERPOD, "metadata": {"name": name}, "spec": {**HYPERPOD["spec"], **spec}})


ZONES = [f"us-east-1{z}" for z in "abcdef"]
BOUNDARIES = {
    # Class 3: every number at its documented maximum.
    "numbers-at-maximum": fleet("max-numbers", {
        "autoscaling": {"min": 2, "max": 1000, "invocations_per_instance": 6_000_000,
                        "scale_in_cooldown_seconds": 3600, "scale_out_cooldown_seconds": 3600,
                        "step": {"metric": "model_latency", "above": 3_600_000, "add_instances": 100,
                                 "evaluation_minutes": 60}},
        "alarms": {"error_rate_percent": 100, "latency_p99_ms": 3_600_000, "evaluation_minutes": 60},
    }),
    "rps-at-bounds": fleet("rps-bounds", {
        "autoscaling": {"min": 2, "max": 4, "invocations_per_instance": DELETE, "max_rps_per_instance": 100_000,
                        "safety_factor": 0.01},
    }),
    # Classes 4, 5 and 6: the widest values the format rules accept.
    "formats": patched({
        "metadata": {"name": "formats", "owner": "Équipe NLP: Jane + Zoë / 2 = @ml_team",
                     "tags": {"cost center": "", "équipe": "nlp" * 85, "k" * 128: "v"}},
        "spec": {"availability_zones": ZONES, "network": {"vpc_cidr": "100.64.0.0/24"},
                 "storage": {"data_bucket": {"existing": "my.data-1.example"}}},
    }),
    # Class 7: names that almost collide once derived, in different regions.
    "chat-ab-embed": fleet("chat-ab", {"name": "embed"}),
    "chat-ab-embed-eu": fleet("chat", {"name": "ab-embed"}, region="eu-west-1"),
    # Classes 1 and 2: HyperPod wording resolves only to offered, catalogued types.
    "hyperpod-wording": hyperpod("hp-wording", instance={"type": DELETE, "accelerators": {"type": "h100", "count": 8}}),
}


def test_offered_hyperpod_types_include_the_wording_choice():
    assert "ml.p5.48xlarge" in offerings("cluster")["us-east-1"]


def test_boundary_blueprints_validate_and_synthesize(cdk_context):
    import aws_cdk as cdk

    from stacks.assembly import add_blueprint_stack
    from stacks.nag import add_checks

    names = tuple(f"{key}.yaml" for key in BOUNDARIES)
    report = check(*(to_yaml(d) for d in BOUNDARIES.values()), names=names)
    assert [d.format_text() for d in report.diagnostics if d.level.name == "ERROR"] == []
    assert len(report.blueprints) == len(BOUNDARIES)
    app = cdk.App(context=cdk_context)
    for index, blueprint in enumerate(report.blueprints):
        add_blueprint_stack(app, blueprint, stack_id=f"Case{index}")
    add_checks(app)
    assembly = app.synth()
    errors = [
        (stack.stack_name, message.entry.data)
        for stack in assembly.stacks
        for message in stack.messages
        if message.level == cdk.cx_api.SynthesisMessageLevel.ERROR
    ]
    assert errors == []
