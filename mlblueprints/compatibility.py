"""Which machine images and containers drive which accelerators, per orchestrator.

One table, ``data/compatibility.json``, built by ``scripts/refresh_compatibility.py``
from the cited facts in ``scripts/compatibility_source.yaml`` (documented in
docs/compatibility.md). An instance family has an accelerator architecture (volta,
hopper, inferentia1, trainium2, gaudi, cpu ...); an image key names what boots the node
(``dlami/<flavour>``, ``custom/<declared accelerator>``, ``batch/<gpu|neuron>``,
``hyperpod/sagemaker``); a container family is the hardware a DLC is built for. Rule
BP150 asks :func:`image_problem` and :func:`container_problem`; nothing else in the code
knows which family needs which driver.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from mlblueprints.catalog import InstanceType

DATA_FILE = Path(__file__).with_name("data") / "compatibility.json"


@dataclass(frozen=True)
class Problem:
    """Why a pairing does not work, what to do instead, and where that is written down."""

    why: str
    instead: str
    source: str


@functools.cache
def _data() -> dict:
    return json.loads(DATA_FILE.read_text())


def architecture(instance: InstanceType) -> str:
    """The accelerator architecture of the instance's family (``cpu`` without accelerators)."""
    family = instance.family
    try:
        return _data()["family_architecture"][family]
    except KeyError:
        raise LookupError(f"{family} has no architecture in compatibility.json; add it to scripts/compatibility_source.yaml") from None


def _refusal(arch: str, orchestrator: str) -> dict | None:
    return next((r for r in _data()["refusals"] if r["architecture"] == arch and orchestrator in r["orchestrators"]), None)


def image_problem(instance: InstanceType, image: str) -> Problem | None:
    """None when ``image`` drives the instance's accelerators; else why not and what instead."""
    arch = architecture(instance)
    spec = _data()["images"][image]
    if arch in spec["supports"]:
        return None
    refusal = _refusal(arch, spec["orchestrator"])
    if refusal is not None:
        return Problem(refusal["why"], refusal["instead"], refusal["source"])
    working = [k for k, v in _data()["images"].items() if v["orchestrator"] == spec["orchestrator"] and arch in v["supports"]]
    return Problem(
        f"{spelling(image)} does not drive {arch} accelerators: {spec['why']}",
        f"set {' or '.join(spelling(k) for k in working)}" if working else "pick another instance type",
        spec["source"],
    )


def custom_spellings(instance: InstanceType) -> list[str]:
    """How to declare a custom AMI that drives the instance's accelerators."""
    arch = architecture(instance)
    return [spelling(k) for k, v in _data()["images"].items() if k.startswith("custom/") and arch in v["supports"] and k != "custom/none"]


def spelling(image: str) -> str:
    """How a blueprint asks for an image key: ``dlami/neuron`` is `dlami: neuron`."""
    kind, name = image.split("/", 1)
    if kind == "dlami":
        return f"`dlami: {name}`"
    if kind == "custom":
        return f"`ami_id` with `accelerator: {name}`"
    return {"batch": f"the Batch {name} host AMI", "hyperpod": "SageMaker HyperPod", "sagemaker": "SageMaker hosting"}[kind]


def orchestrator_problem(instance: InstanceType, orchestrator: str) -> Problem | None:
    """A refusal of the instance's architecture on ``orchestrator`` that no image lifts, if any."""
    refusal = _refusal(architecture(instance), orchestrator)
    if refusal is None or refusal.get("unless"):
        return None
    return Problem(refusal["why"], refusal["instead"], refusal["source"])


def container_family(instance: InstanceType) -> str | None:
    """The DLC family built for the instance's architecture (gpu, cpu, neuronx, neuron), or None."""
    arch = architecture(instance)
    return next((name for name, c in _data()["containers"].items() if arch in c["supports"]), None)


def container_problem(instance: InstanceType, families: list[str] | None, what: str) -> Problem | None:
    """Does a DLC run here? ``families``: the instance families the image lists, if it lists any."""
    arch = architecture(instance)
    if container_family(instance) is None:
        refusal = next((r for r in _data()["refusals"] if r["architecture"] == arch), None)
        if refusal is not None:
            return Problem(refusal["why"], refusal["instead"], refusal["source"])
        return Problem(f"no Deep Learning Container is built for {arch}", "give the image by `uri`", "")
    family = instance.ec2_name.split(".")[0]
    if families and family not in families:
        return Problem(
            f"{what} runs on {', '.join(families)}, not {family}",
            "",
            _data()["containers"][container_family(instance)]["source"],
        )
    return None


def neuron_framework(framework: str, scope: str) -> str | None:
    """The DLC framework that ``framework`` means on Neuron hardware (pytorch -> pytorch-neuronx)."""
    return _data()["neuron_frameworks"].get(scope, {}).get(framework)


def stale_os(uri: str, family: str | None, *, newer_version_exists: bool) -> Problem | None:
    """Is the image built on an OS that its container family (gpu, cpu, neuronx, neuron) no longer gets?"""
    tag = uri.rsplit(":", 1)[-1]
    for entry in _data()["stale_container_os"]:
        if entry.get("only_if_newer_version") and not newer_version_exists:
            continue
        if family in entry["containers"] and re.search(rf"(^|-){re.escape(entry['os'])}($|-)", tag):
            return Problem(entry["why"], "", entry["source"])
    return None
