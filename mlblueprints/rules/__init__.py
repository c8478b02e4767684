"""Every semantic rule, by id. Ids are stable: never reuse or renumber one."""

from mlblueprints.rules.base import CrossRule, Finding, Rule, RuleContext
from mlblueprints.rules.batch_network import BatchTaskSecurityGroup
from mlblueprints.rules.cost import AutoInstanceFits, AutoInstanceSetsNodes, BudgetExceeded, BudgetPartlyPriced
from mlblueprints.rules.cluster_network import EfaHardware, EfaSingleZone
from mlblueprints.rules.capacity import NodeCountOrder, ReservationZone, SpotWithReservation
from mlblueprints.rules.formats import FORMAT_RULES
from mlblueprints.rules.images import DeepLearningAmiExists, DeepLearningContainerExists
from mlblueprints.rules.inference import (
    AsyncOutputPath,
    AutoscalingBounds,
    HubModelNetwork,
    InferenceContainerExists,
    InferenceInstanceOffered,
    ModeSettings,
    MultiModelSupport,
    PerMinuteTarget,
    ProductionSingleInstance,
    ProductionZones,
    ServerlessExclusions,
    ServerlessStartupSettings,
    ServingHardwarePairing,
    ShadowVariantSupport,
    UniqueEndpointNames,
    UnsupportedServingRuntime,
    VolumeSizeNeedsEbs,
)
from mlblueprints.rules.instance import IdleAccelerators, InstanceTypeOffered
from mlblueprints.rules.naming import UniqueName
from mlblueprints.rules.pairing import ContainerOsCurrent, HardwarePairing
from mlblueprints.rules.network import ZonesMatchRegionAndSubnets
from mlblueprints.rules.plan import AllowedReplacementIsTemporary
from mlblueprints.rules.storage import FsxCapacityAndThroughput, FsxSingleZone
from mlblueprints.rules.ultracluster import ULTRACLUSTER_RULES

BLUEPRINT_RULES: tuple[Rule, ...] = (
    InstanceTypeOffered(),
    HardwarePairing(),
    ContainerOsCurrent(),
    DeepLearningContainerExists(),
    DeepLearningAmiExists(),
    SpotWithReservation(),
    FsxCapacityAndThroughput(),
    NodeCountOrder(),
    ZonesMatchRegionAndSubnets(),
    FsxSingleZone(),
    IdleAccelerators(),
    ReservationZone(),
    EfaSingleZone(),
    EfaHardware(),
    InferenceInstanceOffered(),
    InferenceContainerExists(),
    ServingHardwarePairing(),
    MultiModelSupport(),
    ServerlessExclusions(),
    AsyncOutputPath(),
    AutoscalingBounds(),
    PerMinuteTarget(),
    ShadowVariantSupport(),
    ProductionZones(),
    ProductionSingleInstance(),
    HubModelNetwork(),
    UniqueEndpointNames(),
    ModeSettings(),
    VolumeSizeNeedsEbs(),
    ServerlessStartupSettings(),
    UnsupportedServingRuntime(),
    *ULTRACLUSTER_RULES,
    *FORMAT_RULES,
    BatchTaskSecurityGroup(),
    AllowedReplacementIsTemporary(),
    BudgetExceeded(),
    BudgetPartlyPriced(),
    AutoInstanceFits(),
    AutoInstanceSetsNodes(),
)
CROSS_RULES: tuple[CrossRule, ...] = (UniqueName(),)
ALL_RULES = {rule.id: rule for rule in (*BLUEPRINT_RULES, *CROSS_RULES)}

__all__ = ["ALL_RULES", "BLUEPRINT_RULES", "CROSS_RULES", "CrossRule", "Finding", "Rule", "RuleContext"]
