"""The instance catalog: curated specs, provenance, and cfn-lint region offerings."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from mlblueprints import catalog as catalog_module
from mlblueprints.catalog import DATA_FILE, load_catalog, offerings


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


# AWS-FACTS.md "Maximum EFA interfaces" table, verbatim.
EFA_TABLE = {
    "p4d.24xlarge": 4,
    "p4de.24xlarge": 4,
    "p5.48xlarge": 32,
    "p5e.48xlarge": 32,
    "p5en.48xlarge": 16,
    "p6-b200.48xlarge": 8,
    "trn1.32xlarge": 8,
    "trn1n.32xlarge": 16,
    "g6e.48xlarge": 4,
    "g6e.24xlarge": 2,
}
EFA_ONE = [f"{fam}.{size}" for fam in ("g4dn", "g5", "g6") for size in ("8xlarge", "12xlarge", "16xlarge")] + [
    "g5.24xlarge",
    "g5.48xlarge",
    "g6.24xlarge",
    "g6.48xlarge",
]
NO_EFA = ["g4dn.xlarge", "g5.4xlarge", "g6.2xlarge", "trn1.2xlarge", "trn2.3xlarge", "inf2.48xlarge", "m5.large"]


@pytest.mark.parametrize("name, count", sorted(EFA_TABLE.items()))
def test_max_efa_interfaces_match_aws_facts(cat, name, count):
    t = cat.get(name)
    assert t.max_efa_interfaces == count
    assert t.efa_supported
    assert t.network_cards >= count  # one EFA interface per network card


@pytest.mark.parametrize("name", EFA_ONE)
def test_g_family_8xlarge_and_up_has_one_efa(cat, name):
    assert cat.get(name).max_efa_interfaces == 1


@pytest.mark.parametrize("name", NO_EFA)
def test_small_sizes_have_no_efa(cat, name):
    t = cat.get(name)
    assert t.max_efa_interfaces == 0 and not t.efa_supported


def test_trn2_48xlarge_has_efa(cat):
    t = cat.get("trn2.48xlarge")
    assert t.efa_supported and t.max_efa_interfaces == 16
    assert t.accelerator.model == "trainium2" and t.accelerator.count == 16 and t.accelerator.memory_gib == 96


@pytest.mark.parametrize(
    ("name", "cores"),
    [
        ("p4d.24xlarge", 8),  # one process per GPU
        ("trn1.32xlarge", 32),  # 16 Trainium chips x 2 NeuronCore-v2
        ("trn2.48xlarge", 64),  # 16 Trainium2 chips x 4 logical NeuronCores (LNC=2, the default)
        ("inf2.48xlarge", 24),  # 12 Inferentia2 chips x 2 NeuronCore-v2
        ("ml.trn1.32xlarge", 32),  # a SageMaker type has its EC2 type's accelerators
    ],
)
def test_accelerator_cores_count_one_process_each(cat, name, cores):
    assert cat.get(name).accelerator.cores == cores


def test_g5_xlarge_is_offered_in_us_east_1(cat):
    assert cat.is_offered("g5.xlarge", "us-east-1")


def test_p4d_is_not_offered_where_cfn_lint_lacks_it(cat):
    assert "af-south-1" in cat.regions()
    assert not cat.is_offered("p4d.24xlarge", "af-south-1")
    assert "af-south-1" not in cat.regions_offering("p4d.24xlarge")
    assert "us-east-1" in cat.regions_offering("p4d.24xlarge")


def test_cheapest_eight_a100s_is_p4d(cat):
    hits = cat.by_accelerator("a100", 8)
    assert [t.name for t in hits] == ["p4d.24xlarge", "p4de.24xlarge"]


def test_unknown_prices_sort_last(cat):
    names = [t.name for t in cat.by_accelerator("h200", 8)]
    assert names == ["p5en.48xlarge", "p5e.48xlarge"]  # p5e has no on-demand price
    assert cat.get("p5e.48xlarge").on_demand_usd_per_hour is None


def test_by_accelerator_counts_at_least(cat):
    names = {t.name for t in cat.by_accelerator("l40s", 4)}
    assert names == {"g6e.12xlarge", "g6e.24xlarge", "g6e.48xlarge"}


def test_sagemaker_types_resolve_to_the_ec2_spec(cat):
    ml, ec2 = cat.get("ml.g5.xlarge"), cat.get("g5.xlarge")
    assert ml.is_sagemaker and ml.ec2_name == "g5.xlarge"
    assert (ml.accelerator, ml.vcpus, ml.memory_gib, ml.local_nvme) == (ec2.accelerator, ec2.vcpus, ec2.memory_gib, ec2.local_nvme)
    assert ml.on_demand_usd_per_hour is None  # SageMaker prices are not sourced yet
    assert [t.name for t in cat.by_accelerator("a100", 8, sagemaker=True)] == ["ml.p4d.24xlarge", "ml.p4de.24xlarge"]


def test_sagemaker_offerings_by_service(cat):
    assert cat.is_offered("ml.g5.xlarge", "us-east-1")  # hosting by default
    assert cat.is_offered("ml.trn1.32xlarge", "us-east-1", service="cluster")
    assert not cat.is_offered("ml.trn2.48xlarge", "us-east-1", service="hosting")
    assert cat.regions_offering("ml.trn2.48xlarge", service="cluster")


def test_exists_anywhere_accepts_uncurated_ec2_types(cat):
    assert cat.get("m5.24xlarge") is None
    assert cat.exists_anywhere("m5.24xlarge")
    assert not cat.exists_anywhere("m5.lrage")
    assert cat.exists_anywhere("ml.m5.large")


def test_names_and_unknown(cat):
    names = cat.names()
    assert names == sorted(names)
    assert {"p5.48xlarge", "ml.p5.48xlarge", "c7i.large"} <= set(names)
    assert cat.get("p9.96xlarge") is None


def test_local_nvme_drives_kms_rule(cat):
    assert cat.get("g5.xlarge").local_nvme and cat.get("p4d.24xlarge").local_nvme
    assert not cat.get("inf2.xlarge").local_nvme and not cat.get("m5.large").local_nvme


def test_accelerator_properties(cat):
    p4de = cat.get("p4de.24xlarge")
    assert p4de.is_gpu and not p4de.is_neuron and p4de.total_accelerator_memory_gib == 640
    assert cat.get("inf2.48xlarge").is_neuron
    assert cat.get("dl1.24xlarge").accelerator.kind == "habana"
    assert cat.get("m5.large").accelerator is None and cat.get("m5.large").total_accelerator_memory_gib == 0


def test_data_file_records_provenance(cat):
    doc = json.loads(DATA_FILE.read_text())
    assert doc["generated_by"] == "scripts/refresh_catalog.py"
    assert doc["as_of"] and doc["source"] and doc["prices_as_of"] and doc["price_source"]
    assert cat.prices_as_of == doc["prices_as_of"]
    kinds = {e["accelerator"]["kind"] for e in doc["instances"].values() if e.get("accelerator")}
    assert kinds == {"gpu", "neuron", "habana"}


def test_every_ec2_type_is_known_to_cfn_lint(cat):
    known = set().union(*offerings("ec2").values())
    missing = {n for n in cat.names() if not n.startswith("ml.") and n not in known}
    assert missing == {"trn2.3xlarge"}  # explained in scripts/catalog_source.yaml


def test_families_cover_all_cfn_lint_sizes(cat):
    known = set().union(*offerings("ec2").values())
    for fam in ("p4d", "p5", "p5en", "g5", "g6", "g6e", "trn1", "inf2"):
        sizes = {n for n in known if n.split(".")[0] == fam}
        assert sizes <= set(cat.names()), fam


def test_package_does_not_import_heavy_modules():
    code = (
        "import sys, mlblueprints.catalog as c, mlblueprints.images as i\n"
        "cat = c.load_catalog(); cat.is_offered('g5.xlarge', 'us-east-1'); cat.is_offered('ml.g5.xlarge', 'us-east-1')\n"
        "i.dlc_uri('pytorch', '2.6', region='us-east-1', scope='inference', processor='gpu')\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('aws_cdk', 'constructs', 'sagemaker', 'cfnlint')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_lookups_are_fast():
    catalog_module.load_catalog.cache_clear()
    start = time.perf_counter()
    cat = load_catalog()
    for _ in range(1000):
        cat.get("p4d.24xlarge")
        cat.is_offered("p4d.24xlarge", "eu-north-1")
        cat.is_offered("ml.g5.xlarge", "us-west-2")
    assert time.perf_counter() - start < 0.5
