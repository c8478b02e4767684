"""mlblueprints.hazards: the update from one blueprint to the next that AWS refuses, or that costs data."""

from __future__ import annotations

import pytest

from mlblueprints.hazards import update_hazards
from tests.blueprint_factory import patched
from tests.fleet_factory import endpoint, fleet
from tests.synthesized import valid
from tests.ultracluster_factory import ultra

GREEN = {"name": "green", "model": {"artifact": "chat/v2/model.tar.gz"}, "weight": 0.5}
BLUE = {"name": "blue", "model": {"artifact": "chat/v1/model.tar.gz"}, "weight": 0.5}
UNSCALED = {"autoscaling": None}


def fleet_of(**endpoint_patch) -> object:
    patch = {k: v for k, v in endpoint_patch.items() if v is not None}
    document = fleet(patch)
    if endpoint_patch.get("autoscaling", "") is None:
        document["spec"]["endpoints"][0].pop("autoscaling")
    return valid(document)


def hazards(old, new) -> list[tuple[str, str]]:
    return [(h.severity, h.dotted_path) for h in update_hazards(old, new)]


@pytest.mark.parametrize(
    "old, new, expected",
    [
        pytest.param({}, {}, [], id="unchanged"),
        pytest.param({}, {"instance_type": "ml.g5.2xlarge"}, [("error", "spec.endpoints.0.variants.0.instance_type")],
                     id="scaled-instance-type"),
        pytest.param({"variants": [BLUE, GREEN]}, {"variants": [BLUE]}, [("error", "spec.endpoints.0.variants.1.name")],
                     id="scaled-variant-removed"),
        pytest.param({}, {"variants": [{**BLUE, "name": "azure"}]}, [("error", "spec.endpoints.0.variants.0.name")],
                     id="scaled-variant-renamed"),
        pytest.param({"variants": [BLUE]}, {"variants": [BLUE, GREEN]}, [], id="scaled-variant-added"),
        pytest.param({"autoscaling": {"min": 2, "max": 4, "invocations_per_instance": 120}},
                     {"autoscaling": {"min": 1, "max": 8, "invocations_per_instance": 240}}, [], id="scaling-bounds"),
        pytest.param({"autoscaling": None}, {"autoscaling": None, "instance_type": "ml.g5.2xlarge"}, [],
                     id="unscaled-instance-type"),
    ],
)
def test_autoscaled_variants(old, new, expected):
    assert hazards(fleet_of(**old), fleet_of(**new)) == expected


def test_the_procedure_deregisters_first_and_names_the_documented_rule():
    (hazard,) = update_hazards(fleet_of(), fleet_of(instance_type="ml.g5.2xlarge"))
    assert "remove `autoscaling` from spec.endpoints.0" in hazard.procedure[0]
    assert "put `autoscaling` back" in hazard.procedure[-1]
    assert "registered for autoscaling" in hazard.message
    assert hazard.source_url.startswith("https://docs.aws.amazon.com/sagemaker/")


def test_another_blueprint_name_is_another_pair_of_stacks():
    other = valid(patched({"metadata": {"name": "other"}}, fleet(endpoint({"instance_type": "ml.g5.2xlarge"}))))
    assert update_hazards(fleet_of(), other) == []


FSX = {"storage_capacity_gib": 2400}


def training(fsx: dict | None, **spec) -> object:
    storage = {"fsx": fsx} if fsx is not None else {}
    return valid(patched({"spec": {"availability_zones": ["us-east-1a"], "storage": storage, **spec}}))


@pytest.mark.parametrize(
    "old, new, expected",
    [
        pytest.param(training(FSX), training(FSX), [], id="unchanged"),
        pytest.param(training(FSX), training({**FSX, "storage_capacity_gib": 4800}), [], id="grows-in-place"),
        pytest.param(training(FSX), training(None), [("warning", "spec.storage.fsx")], id="removed-is-deleted"),
        pytest.param(training(None), training(FSX), [], id="added"),
        pytest.param(training(FSX), training({**FSX, "deployment_type": "SCRATCH_2"}),
                     [("warning", "spec.storage.fsx.deployment_type")], id="deployment-type-replaces"),
        pytest.param(training(FSX), training(FSX, availability_zones=["us-east-1b"]), [("warning", "spec.network")],
                     id="zone-replaces"),
    ],
)
def test_training_file_system(old, new, expected):
    assert hazards(old, new) == expected


def test_ultracluster_file_system():
    base = valid(ultra())
    efa = valid(ultra({"spec": {"storage": {"fsx": {"efa": True}}}}))
    assert hazards(base, efa) == [("warning", "spec.storage.fsx.efa")]
    assert hazards(base, valid(ultra({"spec": {"availability_zone": "us-east-1b"}}))) == [
        ("warning", "spec.availability_zone")
    ]
    existing = ultra()
    existing["spec"]["storage"]["fsx"] = {"existing": {
        "file_system_id": "fs-0123456789abcdef0", "dns_name": "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com",
        "mount_name": "abcdefgh", "availability_zone": "us-east-1a"}}
    removed = update_hazards(base, valid(existing))
    assert [h.dotted_path for h in removed] == ["spec.storage.fsx"]
    assert "deleted" in removed[0].message
