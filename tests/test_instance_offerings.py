"""One answer to "is this type offered for this service here", and it agrees with the SageMaker API.

mlblueprints/data/instance_offerings.json is what scripts/refresh_offerings.py builds
(botocore's enums, and what the template validator of `cdk synth` rejects); every
type a rule or resolver accepts for a SageMaker service is in that service's API enum.
"""

from __future__ import annotations

import json

import pytest

from mlblueprints.catalog import OFFERINGS_FILE, api_types, cfnlint_offerings, load_catalog, offerings
from mlblueprints.model.common import build_metadata
from mlblueprints.model.ultracluster import build_spec
from mlblueprints.resolve import ultracluster_instance
from scripts import refresh_offerings
from scripts.data_file import comparable, differences
from tests.ultracluster_factory import DELETE, HYPERPOD, ultra

CATALOG = load_catalog()
ACCELERATORS = sorted({t.accelerator.model for t in map(CATALOG.get, CATALOG.names()) if t.accelerator})


@pytest.mark.cdk
def test_committed_file_is_what_the_script_builds():
    committed = json.loads(OFFERINGS_FILE.read_text())
    built = refresh_offerings.build()
    assert comparable(committed) == comparable(built), differences(committed, built, "services")


@pytest.mark.parametrize("service", ["cluster", "hosting"])
def test_every_offered_sagemaker_type_is_in_the_api_enum(service):
    enum = api_types(service)
    for region, types in offerings(service).items():
        assert types <= enum, (region, sorted(types - enum))


def test_cfnlint_hyperpod_types_outside_the_api_are_not_offered():
    """Issue 11: cfn-lint lists ml.inf2.* and ml.trn1.2xlarge for AWS::SageMaker::Cluster; the API does not."""
    listed = set().union(*cfnlint_offerings("cluster").values())
    outside = {t for t in listed if t not in api_types("cluster")}
    assert {"ml.trn1.2xlarge", "ml.inf2.xlarge"} <= outside
    assert not outside & set().union(*offerings("cluster").values())


def test_what_the_synth_validator_rejects_is_not_offered():
    assert "ml.p6-b200.48xlarge" in cfnlint_offerings("cluster")["us-east-1"]
    assert "ml.p6-b200.48xlarge" not in offerings("cluster")["us-east-1"]


@pytest.mark.parametrize("region", sorted(offerings("cluster")))
def test_hyperpod_accelerator_wording_picks_only_api_types(region):
    """resolve.ultracluster_instance must never choose a type ClusterInstanceType lacks."""
    enum = api_types("cluster")
    for model in ACCELERATORS:
        for count in (1, 8, 16):
            document = ultra({**HYPERPOD, "spec": {
                **HYPERPOD["spec"], "region": region, "availability_zone": f"{region}a",
                "instance": {"type": DELETE, "accelerators": {"type": model, "count": count}},
            }})
            spec = build_spec(document["spec"], build_metadata(document["metadata"]))
            picked = ultracluster_instance(spec, CATALOG)
            if picked is not None:
                assert f"ml.{picked.name}" in enum
                assert f"ml.{picked.name}" in offerings("cluster")[region]
