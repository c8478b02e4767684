"""The review pack's cfn-lint rules, one class per AWS behaviour.

cfn-lint loads them either way:

* ``cfn-lint --append-rules mlblueprints.review.rules template.json`` imports this
  package and takes every rule class it names (so each class is imported here);
* ``cfn-lint --append-rules <this folder> template.json`` imports each file of the
  folder on its own, so the files import helpers absolutely, never relatively.
"""

from mlblueprints.review.rules.acknowledgements import AcknowledgedWithoutReason
from mlblueprints.review.rules.batch_network import (
    BatchSecurityGroupsExclusive,
    LaunchTemplateGroupsOnInterfaces,
    MultiNodeDefaultGroupUnknown,
    MultiNodeOnSpot,
    MultiNodeTaskReachability,
)
from mlblueprints.review.rules.efa_groups import EfaGroupsNotSelfReferencing
from mlblueprints.review.rules.endpoint_scaling import AutoscaledVariantCountReset, AutoscaledVariantUpdateHazard
from mlblueprints.review.rules.fsx_export import DraExportsDeletionsToForeignBucket, ForeignRepositoryDeleteGranted
from mlblueprints.review.rules.iam_eni import EniPermissionsUnconditioned
from mlblueprints.review.rules.placement import ClusterPlacementGroupSpansZones
from mlblueprints.review.rules.retention import (
    RetainedFixedName,
    RetainedReferencesDeleted,
    RetainedUsesDeletedNetworkOrKey,
)
from mlblueprints.review.rules.spot_groups import SpotGroupWithoutCapacityRebalance

RULES = (
    BatchSecurityGroupsExclusive,
    LaunchTemplateGroupsOnInterfaces,
    MultiNodeTaskReachability,
    MultiNodeDefaultGroupUnknown,
    MultiNodeOnSpot,
    ClusterPlacementGroupSpansZones,
    EfaGroupsNotSelfReferencing,
    RetainedUsesDeletedNetworkOrKey,
    RetainedReferencesDeleted,
    RetainedFixedName,
    DraExportsDeletionsToForeignBucket,
    ForeignRepositoryDeleteGranted,
    AutoscaledVariantUpdateHazard,
    AutoscaledVariantCountReset,
    EniPermissionsUnconditioned,
    SpotGroupWithoutCapacityRebalance,
    AcknowledgedWithoutReason,
)
