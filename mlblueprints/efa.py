"""Which network interfaces an EFA instance launches with: one EFA on every network card.

The layout follows the EC2 User Guide, "Maximize network bandwidth on Amazon
EC2 instances with multiple network cards"
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa-acc-inst-types.html):

* the primary interface (network card 0, device 0) is an ENA interface; an
  `efa-only` interface can never be the primary;
* network card 0 supports EFA on every type we place, so it also gets an
  `efa-only` interface at device 1;
* every other network card gets an `efa-only` interface at device 0;
* where a type cannot use `efa-only`, every card gets an `efa` interface (EFA
  with ENA) at device 0 instead, the primary included.

P5 and P5e have their own documented layout on that page ("EFA configuration
for P5 and P5e instances"). We use its use case 2, "Maximum EFA and IP network
bandwidth": the layout above plus an ENA interface at device 1 on the first card
of each group of four from card 4 (cards 4, 8, ... 28), giving 3,200 Gbps of EFA
and up to 800 Gbps of IP bandwidth (dataset and checkpoint traffic to FSx and
S3) for 8 private IP addresses per node.

The counts come from the catalog (``max_efa_interfaces``, ``network_cards``,
``efa_only_supported``); this module holds only the documented rules. It has
no CDK import, so rules and tests use it without starting Node.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlblueprints.catalog import InstanceType

#: EC2 InterfaceType values (CreateLaunchTemplate, LaunchTemplateInstanceNetworkInterfaceSpecificationRequest).
ENA = "interface"
EFA_WITH_ENA = "efa"
EFA_ONLY = "efa-only"

#: Families with the P5/P5e layout, and where its extra ENA interfaces go (efa-acc-inst-types, use case 2).
P5_LAYOUT_FAMILIES = frozenset({"p5", "p5e"})
P5_LAYOUT_CARDS = 32
P5_ENA_GROUP = 4


@dataclass(frozen=True)
class NetworkInterface:
    card: int
    device: int
    interface_type: str

    @property
    def is_efa(self) -> bool:
        return self.interface_type in (EFA_WITH_ENA, EFA_ONLY)

    @property
    def is_primary(self) -> bool:
        return self.card == 0 and self.device == 0


class NoEfaLayout(ValueError):
    """The catalog cannot say where this type's EFA interfaces go."""


def efa_cards(instance: InstanceType) -> range:
    """The network cards that carry an EFA: all of them, one EFA each.

    The catalog records the maximum number of EFA interfaces and the number of
    network cards; when they differ (p6-b300's card 0 is ENA-only) we would have
    to guess which cards carry EFA, so we refuse instead.
    """
    if not instance.efa_supported:
        raise NoEfaLayout(f"{instance.name} does not support EFA")
    if instance.max_efa_interfaces != instance.network_cards:
        raise NoEfaLayout(
            f"{instance.name}: {instance.max_efa_interfaces} EFA interfaces on {instance.network_cards} network cards; "
            "the catalog does not record which cards carry EFA"
        )
    return range(instance.network_cards)


def interface_layout(instance: InstanceType) -> tuple[NetworkInterface, ...]:
    """Every interface of one node, primary first, in (card, device) order."""
    cards = efa_cards(instance)
    if not instance.efa_only_supported:
        return tuple(NetworkInterface(card, 0, EFA_WITH_ENA) for card in cards)
    layout = [NetworkInterface(0, 0, ENA), NetworkInterface(0, 1, EFA_ONLY)]
    layout += [NetworkInterface(card, 0, EFA_ONLY) for card in cards if card > 0]
    if instance.family in P5_LAYOUT_FAMILIES and instance.network_cards == P5_LAYOUT_CARDS:
        layout += [
            NetworkInterface(card, 1, ENA) for card in range(P5_ENA_GROUP, P5_LAYOUT_CARDS, P5_ENA_GROUP)
        ]
    return tuple(sorted(layout, key=lambda i: (i.card, i.device)))


def efa_interfaces(layout: tuple[NetworkInterface, ...]) -> tuple[NetworkInterface, ...]:
    return tuple(i for i in layout if i.is_efa)


def has_layout(instance: InstanceType) -> bool:
    """Whether ``interface_layout`` can place this type's EFA interfaces."""
    try:
        efa_cards(instance)
    except NoEfaLayout:
        return False
    return True


def cluster_uses_efa(instance: InstanceType, max_nodes: int, requested: bool | None) -> bool:
    """Whether a TrainingCluster's nodes get EFA, a cluster placement group and one zone.

    The blueprint's ``efa`` decides when given; by default every multi-node cluster of an
    EFA-capable type gets it, because NCCL over TCP on one ENA interface wastes most of the
    hardware (p4d: 4 x 100 Gbps of EFA). A single node has no peer to talk to.
    """
    if requested is not None:
        return requested
    return max_nodes > 1 and has_layout(instance)
