"""Update hazards: what an update from one blueprint to the next would be refused, or would cost data.

A pure function of two validated blueprints (the deployed one and the edited
one), for ``mlbp plan`` to print before anything is deployed. Each hazard names
the blueprint path that causes it, what AWS does, and the procedure that works.

* **Autoscaled variants** (error). SageMaker refuses to change a variant's
  instance type, or to remove or rename a variant, while the variant is
  registered as a scalable target with Application Auto Scaling (SageMaker
  Developer Guide, "Update endpoints that use auto scaling"). CloudFormation
  updates the endpoint before it deregisters anything (the scalable targets
  depend on the endpoint, and an old target is deleted only in the clean-up
  phase), so the update fails and rolls back. No ordering inside one template
  fixes that; three deploys do.
* **The file system** (warning). A file system in the data stack goes with it
  when it leaves the template (DeletionPolicy Delete: docs/lifecycle.md), and a
  change to a create-only property replaces it: the new one is empty and the
  old one is kept (UpdateReplacePolicy Retain), still billing, until deleted by
  hand. Create-only properties per the FSx resource schema: DeploymentType,
  SubnetIds (the zone or the VPC), SecurityGroupIds, KmsKeyId, EfaEnabled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .model import Blueprint

Severity = Literal["error", "warning"]
SCALING_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-scaling-update.html"


@dataclass(frozen=True)
class Hazard:
    """One change that the update would be refused for (error) or that costs data (warning)."""

    severity: Severity
    #: Where in the new blueprint (or the old one, for something removed) the change is.
    path: tuple[str | int, ...]
    message: str
    #: The steps that make the change safely, in order.
    procedure: tuple[str, ...]
    source_url: str = ""

    @property
    def dotted_path(self) -> str:
        return ".".join(str(p) for p in self.path)


def update_hazards(old: Blueprint, new: Blueprint) -> list[Hazard]:
    """Hazards of updating the stacks of ``old`` to ``new`` (same kind and name; otherwise there are none:
    a new name is a new pair of stacks)."""
    if old.kind != new.kind or old.metadata.name != new.metadata.name:
        return []
    if new.kind == "InferenceFleet":
        return _endpoint_hazards(old, new)
    if new.kind == "TrainingCluster":
        return _training_fsx_hazards(old, new)
    if new.kind == "UltraCluster":
        return _ultra_fsx_hazards(old, new)
    return []


# --- InferenceFleet ---------------------------------------------------------------------------


def _endpoint_hazards(old: Blueprint, new: Blueprint) -> list[Hazard]:
    hazards = []
    new_endpoints = {e.name: e for e in new.spec.endpoints}
    for before in old.spec.endpoints:
        after = new_endpoints.get(before.name)
        if after is None or before.autoscaling is None or not before.has_instances:
            continue  # a removed endpoint takes its targets with it; unscaled variants may change freely
        variants = {v.name: (i, v) for i, v in enumerate(after.variants)}
        for old_index, variant in enumerate(before.variants):
            if variant.name not in variants:
                hazards.append(
                    _scaled_variant(
                        before.path + ("variants", old_index, "name"),
                        f"endpoint {before.name!r}: variant {variant.name!r} is removed or renamed while it is "
                        "registered for autoscaling; SageMaker refuses the endpoint update",
                    )
                )
                continue
            index, changed = variants[variant.name]
            if changed.instance_type != variant.instance_type:
                hazards.append(
                    _scaled_variant(
                        after.path + ("variants", index, "instance_type"),
                        f"endpoint {before.name!r}: variant {variant.name!r} changes instance type "
                        f"({variant.instance_type} -> {changed.instance_type}) while it is registered for "
                        "autoscaling; SageMaker refuses the endpoint update",
                    )
                )
    return hazards


def _scaled_variant(path: tuple[str | int, ...], message: str) -> Hazard:
    endpoint_path = ".".join(str(p) for p in path[:3])
    return Hazard(
        severity="error",
        path=path,
        message=message,
        procedure=(
            f"remove `autoscaling` from {endpoint_path} and deploy: the scalable targets are deregistered "
            "(the endpoint then runs at its blueprint instance_count)",
            "make the variant change and deploy",
            f"put `autoscaling` back on {endpoint_path} and deploy",
        ),
        source_url=SCALING_DOC,
    )


# --- file systems -----------------------------------------------------------------------------


def _fsx_hazard(path: tuple[str | int, ...], message: str, *, removed: bool) -> Hazard:
    if removed:
        procedure = (
            "copy what you need from /fsx (files under /fsx/data that were exported are already in S3)",
            "or back it up first: the data stack's FsxBackupCommand output (persistent types)",
            "then deploy; the file system is deleted with this update",
        )
    else:
        procedure = (
            "back up or export the data first (the data stack's FsxBackupCommand output)",
            "deploy: a new, empty file system replaces the old one, which is kept (UpdateReplacePolicy Retain) "
            "and still billed",
            "copy the data across, then delete the old file system (aws fsx delete-file-system) before the "
            "data stack is ever deleted: its network interfaces hold the subnet and security group",
        )
    return Hazard(severity="warning", path=path, message=message, procedure=procedure)


def _training_fsx_hazards(old: Blueprint, new: Blueprint) -> list[Hazard]:
    before, after = old.spec.storage.fsx, new.spec.storage.fsx
    path = ("spec", "storage", "fsx")
    if before is None:
        return []
    if after is None:
        return [_fsx_hazard(path, "storage.fsx is removed: the file system and everything on it is deleted", removed=True)]
    hazards = []
    if before.deployment_type != after.deployment_type:
        hazards.append(
            _fsx_hazard(path + ("deployment_type",), f"FSx deployment type {before.deployment_type} -> "
                        f"{after.deployment_type} replaces the file system", removed=False)
        )
    if old.spec.network != new.spec.network or old.spec.availability_zones[:1] != new.spec.availability_zones[:1]:
        hazards.append(
            _fsx_hazard(("spec", "network"), "the file system's subnet changes (network or first zone): it is "
                        "replaced", removed=False)
        )
    return hazards


def _ultra_fsx_hazards(old: Blueprint, new: Blueprint) -> list[Hazard]:
    before, after = old.spec.storage.fsx, new.spec.storage.fsx
    path = ("spec", "storage", "fsx")
    if before.existing is not None:
        return []
    if after.existing is not None:
        return [_fsx_hazard(path, "the created file system is swapped for an existing one: the created one and "
                            "everything on it is deleted", removed=True)]
    hazards = []
    if before.efa != after.efa:
        hazards.append(_fsx_hazard(path + ("efa",), "EFA on the file system can only be set at creation: it is "
                                   "replaced", removed=False))
    if old.spec.network != new.spec.network or old.spec.availability_zone != new.spec.availability_zone:
        hazards.append(_fsx_hazard(("spec", "availability_zone"), "the file system's subnet changes (network or "
                                   "zone): it is replaced", removed=False))
    return hazards
