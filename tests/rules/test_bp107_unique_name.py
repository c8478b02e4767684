import copy

import pytest

from mlblueprints.names import derived_names
from tests.blueprint_factory import check, codes, patched, to_yaml
from tests.fleet_factory import ENDPOINT, FLEET
from tests.ultracluster_factory import HYPERPOD, ultra


def test_same_name_in_two_files_is_an_error_on_the_second():
    text = to_yaml(patched())
    report = check(text, text, names=("a.yaml", "b.yaml"))
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP107"]
    assert diagnostic.file == "b.yaml"
    assert diagnostic.path == "metadata.name"
    assert "a.yaml:4" in diagnostic.message
    assert report.blueprints and all(b.file == "a.yaml" for b in report.blueprints)


def test_distinct_names_pass():
    first = to_yaml(patched({"metadata": {"name": "one"}}))
    second = to_yaml(patched({"metadata": {"name": "two"}}))
    assert codes(check(first, second)) == []


def fleet(name, *endpoints, region="us-east-1"):
    return patched(
        {"metadata": {"name": name}, "spec": {"region": region, "endpoints": [{**copy.deepcopy(ENDPOINT), "name": e} for e in endpoints]}},
        base=FLEET,
    )


def training(name):
    return patched({"metadata": {"name": name}})


def bp107(*documents):
    report = check(*(to_yaml(d) for d in documents), names=tuple(f"{i}.yaml" for i in range(len(documents))))
    return [(d.file, d.path) for d in report.diagnostics if d.code == "BP107"]


@pytest.mark.parametrize(
    "documents, expected",
    [
        # Issue 9: both are construct `FinetuneG5` in the app.
        pytest.param([training("finetune-g5"), training("finetune--g5")], [("1.yaml", "metadata.name")], id="construct-id"),
        pytest.param([training("llm-7b"), training("llm-7b")], [("1.yaml", "metadata.name")], id="same-name"),
        # `foo`'s data stack is `mlbp-foo-data` (construct FooData): what `foo-data`'s compute stack would be.
        pytest.param([training("foo"), training("foo-data")], [("1.yaml", "metadata.name")], id="data-stack"),
        pytest.param([training("llm-7b"), training("llm7b")], [("1.yaml", "metadata.name")], id="construct-id-without-hyphen"),
        # Issue 9: both are endpoint and log group `chat-ab-embed` in us-east-1.
        pytest.param([fleet("chat-ab", "embed"), fleet("chat", "ab-embed")], [("1.yaml", "spec.endpoints[0].name")],
                     id="endpoint-name"),
        pytest.param([fleet("chat-ab", "embed"), fleet("chat", "ab-embed", region="eu-west-1")], [],
                     id="endpoint-names-per-region"),
        # One fleet: `a-b` and `a--b` are both construct `AB` in the stack.
        pytest.param([fleet("chat", "a-b", "a--b")], [("0.yaml", "spec.endpoints[1].name")], id="endpoint-construct-id"),
        pytest.param([fleet("chat", "a", "a")], [], id="same-endpoint-twice-is-bp313"),
    ],
)
def test_bp107(documents, expected):
    assert bp107(*documents) == expected


def test_variants_that_become_one_construct():
    variants = [{"name": "v-1", "model": {"artifact": "a.tar.gz"}}, {"name": "v--1", "model": {"artifact": "b.tar.gz"}}]
    document = patched({"spec": {"endpoints": [{**copy.deepcopy(ENDPOINT), "variants": variants}]}}, base=FLEET)
    assert bp107(document) == [("0.yaml", "spec.endpoints[0].variants[1].name")]


def test_every_kind_derives_its_physical_names():
    (blueprint,) = check(to_yaml(ultra(HYPERPOD))).blueprints
    kinds = {n.kind for n in derived_names(blueprint)}
    assert {"stack construct id", "stack name", "SageMaker HyperPod cluster name"} <= kinds
    values = {n.value for n in derived_names(blueprint)}
    assert {"Unit", "UnitData", "mlbp-unit", "mlbp-unit-data"} <= values
