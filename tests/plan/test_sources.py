"""Which blueprint field each construct path maps to (stacks/sources.py), and the app's `blueprints` context."""

from __future__ import annotations

import pytest

from stacks.app import blueprint_paths
from stacks.naming import construct_id
from stacks.sources import source_path
from tests.blueprint_factory import check_patch
from tests.fleet_factory import check_fleet


@pytest.fixture(scope="module")
def training():
    (blueprint,) = check_patch({"spec": {"storage": {"fsx": {"deployment_type": "SCRATCH_2",
                                                              "storage_capacity_gib": 1200}}}}).blueprints
    return blueprint


@pytest.mark.parametrize(
    "ids, path",
    [
        pytest.param(["Storage", "FileSystem"], ("spec", "storage", "fsx"), id="fsx"),
        pytest.param(["Storage", "DataBucket", "Resource"], ("spec", "storage", "data_bucket"), id="bucket"),
        pytest.param(["Compute", "Nodes", "ASG"], ("spec", "nodes"), id="nodes"),
        pytest.param(["Network", "Vpc", "PublicSubnet1"], ("spec", "network"), id="network"),
        pytest.param(["Security", "NodeRole", "Resource"], ("spec", "access"), id="security"),
        pytest.param(["Storage", "DataRepositoryAssociation"], ("spec", "storage", "fsx", "import_path"),
                     id="data-repository-association"),
        pytest.param(["SomethingNew"], ("spec",), id="unclaimed"),
    ],
)
def test_training_cluster_paths(training, ids, path):
    assert source_path(training, ids) == path


def test_fleet_endpoints_and_bucket():
    report = check_fleet()
    (fleet,) = report.blueprints
    endpoint = fleet.spec.endpoints[0]
    assert source_path(fleet, [construct_id(endpoint.name), "Serving", "Endpoint"]) == ("spec", "endpoints", 0)
    assert source_path(fleet, ["Storage", "DataBucket"]) == ("spec", "bucket")


@pytest.mark.parametrize(
    "value, paths",
    [
        (None, ["blueprints"]),
        ("team/a.yaml", ["team/a.yaml"]),
        ("a.yaml,more/", ["a.yaml", "more/"]),
        (["a.yaml", "b.yaml"], ["a.yaml", "b.yaml"]),
    ],
)
def test_blueprints_context_value(value, paths):
    assert blueprint_paths(value) == paths
