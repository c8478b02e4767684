"""The EFA interface layout (mlblueprints.efa), for every EFA type in the catalog."""

from dataclasses import replace

import pytest

from mlblueprints import efa
from mlblueprints.catalog import load_catalog

CATALOG = load_catalog()
EFA_TYPES = [t for t in (CATALOG.get(n) for n in CATALOG.names()) if t.efa_supported and not t.is_sagemaker]


def test_the_catalog_has_every_family_the_issue_names():
    expected = {"p4d.24xlarge": 4, "p4de.24xlarge": 4, "p5.48xlarge": 32, "p5e.48xlarge": 32, "p5en.48xlarge": 16,
                "p6-b200.48xlarge": 8, "trn1.32xlarge": 8, "trn1n.32xlarge": 16, "trn2.48xlarge": 16}
    assert {name: CATALOG.get(name).max_efa_interfaces for name in expected} == expected


@pytest.mark.parametrize("instance", EFA_TYPES, ids=lambda t: t.name)
def test_one_efa_per_network_card(instance):
    layout = efa.interface_layout(instance)
    interfaces = efa.efa_interfaces(layout)
    assert len(interfaces) == instance.max_efa_interfaces
    assert sorted(i.card for i in interfaces) == list(range(instance.network_cards))
    assert len({(i.card, i.device) for i in layout}) == len(layout), "no (card, device) twice"


@pytest.mark.parametrize("instance", EFA_TYPES, ids=lambda t: t.name)
def test_primary_is_ena_and_efa_only_follows(instance):
    layout = efa.interface_layout(instance)
    assert layout[0] == efa.NetworkInterface(0, 0, efa.ENA)
    assert efa.NetworkInterface(0, 1, efa.EFA_ONLY) in layout
    assert all(i.interface_type == efa.EFA_ONLY for i in layout if i.card > 0 and i.device == 0)
    assert all(i.interface_type != efa.EFA_ONLY for i in layout if i.is_primary)


def test_p5_adds_an_ena_interface_to_every_fourth_card():
    """efa-acc-inst-types, "EFA configuration for P5 and P5e instances", use case 2."""
    for name in ("p5.48xlarge", "p5e.48xlarge"):
        layout = efa.interface_layout(CATALOG.get(name))
        ena = [i for i in layout if i.interface_type == efa.ENA]
        assert [(i.card, i.device) for i in ena] == [(0, 0)] + [(c, 1) for c in (4, 8, 12, 16, 20, 24, 28)]
        assert len(layout) == 32 + 8


def test_other_multi_card_types_have_one_ena_interface():
    for name in ("p4d.24xlarge", "p5en.48xlarge", "p6-b200.48xlarge", "trn1.32xlarge", "trn1n.32xlarge"):
        layout = efa.interface_layout(CATALOG.get(name))
        assert [i for i in layout if not i.is_efa] == [efa.NetworkInterface(0, 0, efa.ENA)]


def test_without_efa_only_every_card_gets_efa_with_ena():
    instance = replace(CATALOG.get("trn1.32xlarge"), efa_only_supported=False)
    layout = efa.interface_layout(instance)
    assert layout == tuple(efa.NetworkInterface(card, 0, efa.EFA_WITH_ENA) for card in range(8))


def test_refuses_a_type_without_efa_or_with_efa_on_some_cards():
    with pytest.raises(efa.NoEfaLayout, match="does not support EFA"):
        efa.interface_layout(CATALOG.get("g5.2xlarge"))
    with pytest.raises(efa.NoEfaLayout, match="which cards carry EFA"):
        efa.interface_layout(replace(CATALOG.get("p5en.48xlarge"), network_cards=17))
