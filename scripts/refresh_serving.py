#!/usr/bin/env python3
"""Rebuild mlblueprints/data/inference_containers.json from scripts/serving_source.yaml.

The YAML holds the curated serving facts, each citing the page it was read from:
per framework ``multi_model``, ``hub_models`` and ``weights_env``, and the GPU
instance types SageMaker lists for multi-model endpoints. Each framework's
``hardware`` is derived from ``mlblueprints/data/dlc_images.json``: the processors
the SageMaker SDK publishes its ``inference`` image versions for, mapped to the
hardware words of ``mlblueprints/serving.py``:

  * ``cpu`` and ``gpu`` are themselves;
  * of the Neuron processors (``serving.NEURON_PROCESSORS``), ``inf1`` and ``neuron``
    mean NeuronCore v1 (``neuron``); ``inf2``, ``trn`` and ``neuronx`` mean NeuronCore
    v2 and later (``neuronx``); ``inf`` is the SDK's word for any inf* family, so it is
    decided by the ``inference_tool`` token the SDK puts in the tag (neuron/neuronx)
    and is ambiguous without one.

A framework whose processors do not decide its hardware (none published, or a bare
``inf``) gives ``hardware`` in the YAML, and the script checks it against
dlc_images.json instead: the candidates of its processors, or the hardware marker
every tag carries (``cu124`` is gpu, ``neuronx`` is neuronx).

Checks (any failure exits non-zero and writes nothing):
  * every framework named exists in dlc_images.json with an ``inference`` scope, and
    every framework there with an ``inference`` scope has serving facts;
  * ``multi_model`` is a subset of ``hardware``; every field cites a known source;
  * every ``multi_model_gpu_instance_types`` entry is an ``ml.*`` type in
    mlblueprints/data/instances.json whose accelerator is a GPU, except the listed,
    explained ``not_in_catalog`` types, which must be absent from it.

Usage:
    python scripts/refresh_serving.py [--check]

``--check`` writes nothing and exits 1 if the committed file differs from what
would be written, apart from ``as_of``.

Runs on the standard library and PyYAML (through mlblueprints.loader, which
rejects duplicate keys).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mlblueprints import serving  # noqa: E402  (no aws_cdk in mlblueprints)
from mlblueprints.loader import load_file  # noqa: E402
from scripts.data_file import check_or_write, one_line_per_key  # noqa: E402

SOURCE = ROOT / "scripts" / "serving_source.yaml"
OUT = ROOT / "mlblueprints" / "data" / "inference_containers.json"
DLC = ROOT / "mlblueprints" / "data" / "dlc_images.json"
INSTANCES = ROOT / "mlblueprints" / "data" / "instances.json"
SCOPE = "inference"

HARDWARE = (serving.CPU, serving.GPU, serving.NEURON, serving.NEURONX)
FACTS = ("multi_model", "hub_models", "weights_env")
FRAMEWORK_KEYS = {"hardware", *FACTS, "hosting", "unsupported", "untagged_hardware", "cite"}
UNSUPPORTED_KEYS = {"runtime", "since", "use_instead"}
#: Production-variant settings a family may default, with the API's range (CreateEndpointConfig,
#: ProductionVariant: ContainerStartupHealthCheckTimeoutInSeconds, ModelDataDownloadTimeoutInSeconds).
HOSTING_RANGES = {
    "startup_health_check_timeout_seconds": (60, 3600),
    "model_download_timeout_seconds": (60, 3600),
}
# Which NeuronCore generation each Neuron processor token stands for (serving.py docstring).
NEURON_GENERATION: dict[str, frozenset[str]] = {
    "inf1": frozenset({serving.NEURON}),
    "neuron": frozenset({serving.NEURON}),
    "inf2": frozenset({serving.NEURONX}),
    "trn": frozenset({serving.NEURONX}),
    "neuronx": frozenset({serving.NEURONX}),
    "inf": frozenset({serving.NEURON, serving.NEURONX}),
}
# Hardware markers in a tag without a processor token (djl-inference: 0.33.0-lmi15.0.0-cu128).
TAG_MARKERS = [(re.compile(r"^cu\d+$"), serving.GPU), (re.compile(r"^neuronx$"), serving.NEURONX)]
NOTES = {
    "hardware": (
        "what the image runs on: cpu, gpu, neuron (NeuronCore v1: inf1) or neuronx (NeuronCore v2+: inf2, trn1, trn1n, "
        "trn2); derived from the processors dlc_images.json publishes each inference image version for, except where "
        "scripts/serving_source.yaml gives it (then checked against dlc_images.json)"
    ),
    "multi_model": "hardware on which the image serves multi-model endpoints (Mode: MultiModel)",
    "hub_models": "the image can download a Hugging Face Hub model at start-up from HF_MODEL_ID, which needs network access",
    "weights_env": (
        "environment the stack sets so the server loads weights that SageMaker extracted from model.tar.gz to "
        "/opt/ml/model; {} when the server finds them by itself"
    ),
    "hosting": (
        "production-variant defaults for the family (blueprint field names); a blueprint's own value wins. Large-model "
        "servers load and shard the weights before they answer /ping"
    ),
    "unsupported": (
        "the images run a runtime its maker no longer supports (runtime, since which release) and the family to use "
        "instead; {} when supported"
    ),
    "multi_model_gpu_instance_types": (
        "the only GPU instance types on which multi-model endpoints run, as the page's table lists them (instance "
        "types, not families: ml.g5.12xlarge is absent); every CPU type is supported and no Inferentia or Trainium "
        "type is"
    ),
}


class SourceError(ValueError):
    """The curated source disagrees with dlc_images.json, instances.json or itself."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _ordered(words) -> list[str]:
    return sorted(words, key=lambda w: (HARDWARE.index(w) if w in HARDWARE else len(HARDWARE), w))


def _entries(version: dict) -> list[dict]:
    """A version's image entries; huggingface versions nest one per base framework."""
    return list(version["base_frameworks"].values()) if "base_frameworks" in version else [version]


def processor_candidates(processor: str, entry: dict) -> frozenset[str]:
    """The hardware words a DLC processor token can mean for this image entry."""
    if processor in (serving.CPU, serving.GPU):
        return frozenset({processor})
    if processor not in serving.NEURON_PROCESSORS:
        raise SourceError([f"processor {processor!r} in dlc_images.json is neither cpu, gpu nor a Neuron processor"])
    if processor not in NEURON_GENERATION:
        raise SourceError([f"Neuron processor {processor!r} (serving.NEURON_PROCESSORS) has no NeuronCore generation in NEURON_GENERATION"])
    tool = entry.get("tokens", {}).get(processor)
    if tool in (serving.NEURON, serving.NEURONX):
        return frozenset({tool})  # the inference_tool names the Neuron SDK the image is built on
    return NEURON_GENERATION[processor]


def published_processors(dlc: dict, framework: str) -> dict[str, frozenset[str]]:
    """{where: candidates} for each processor an inference version is published for (SDK errors skipped)."""
    out: dict[str, frozenset[str]] = {}
    for version, body in dlc["frameworks"][framework][SCOPE]["versions"].items():
        for entry in _entries(body):
            for processor in entry.get("processors", []):
                if processor not in entry.get("errors", {}):
                    out[f"{version} {processor}"] = processor_candidates(processor, entry)
    return out


def tag_markers(dlc: dict, framework: str) -> dict[str, frozenset[str]]:
    """{version: hardware words its tag names} for images published without a processor."""
    out = {}
    for version, body in dlc["frameworks"][framework][SCOPE]["versions"].items():
        for entry in _entries(body):
            parts = entry["tag_prefix"].split("-")
            out[version] = frozenset(word for pattern, word in TAG_MARKERS for part in parts if pattern.match(part))
    return out


def framework_hardware(
    name: str, given: list[str] | None, dlc: dict, problems: list[str], untagged: str | None = None
) -> list[str]:
    """Derive the hardware from dlc_images.json, or check the value the YAML gives."""
    published = published_processors(dlc, name)
    if published and all(len(c) == 1 for c in published.values()):
        derived = _ordered(set().union(*published.values()))
        if given is not None:
            problems.append(
                f"{name}: hardware {given} is given in {SOURCE.name}, but dlc_images.json decides it ({derived}); "
                "drop it from the YAML"
            )
        return derived
    if given is None:
        why = (
            "processors " + ", ".join(f"{w} could be {'/'.join(_ordered(c))}" for w, c in published.items() if len(c) > 1)
            if published
            else "no processor is published for any inference version"
        )
        problems.append(f"{name}: dlc_images.json cannot decide the hardware ({why}); give `hardware` in {SOURCE.name}")
        return []
    given_set = set(given)
    if published:
        for where, candidates in published.items():
            if not candidates & given_set:
                problems.append(f"{name}: hardware {given} does not cover dlc_images.json {where} (one of {_ordered(candidates)})")
        unbacked = given_set - set().union(*published.values())
        if unbacked:
            problems.append(f"{name}: hardware {_ordered(unbacked)} is not what any published processor can mean")
    else:
        for version, markers in tag_markers(dlc, name).items():
            if not markers and untagged:
                continue  # the YAML says why the cited page, not the tag, decides
            if not markers:
                problems.append(f"{name} {version}: its tag names no hardware, so hardware {given} cannot be checked")
            elif markers != given_set:
                problems.append(f"{name} {version}: its tag names {_ordered(markers)}, {SOURCE.name} says {given}")
    return _ordered(given_set)


def check_framework_entry(name: str, entry: dict, source_ids: set[str], problems: list[str]) -> None:
    unknown = sorted(set(entry) - FRAMEWORK_KEYS)
    if unknown:
        problems.append(f"{name}: unknown keys {unknown} (known: {sorted(FRAMEWORK_KEYS)})")
    missing = [f for f in FACTS if f not in entry]
    if missing:
        problems.append(f"{name}: missing {', '.join(missing)}")
    for field in ("hardware", "multi_model"):
        bad = [w for w in entry.get(field) or [] if w not in HARDWARE]
        if bad:
            problems.append(f"{name}: {field} {bad} are not hardware words ({', '.join(HARDWARE)})")
    if "untagged_hardware" in entry and "hardware" not in entry:
        problems.append(f"{name}: untagged_hardware explains a `hardware` that is not given")
    for key, value in (entry.get("hosting") or {}).items():
        if key not in HOSTING_RANGES:
            problems.append(f"{name}: hosting.{key} is not one of {', '.join(HOSTING_RANGES)}")
        elif not isinstance(value, int) or not HOSTING_RANGES[key][0] <= value <= HOSTING_RANGES[key][1]:
            low, high = HOSTING_RANGES[key]
            problems.append(f"{name}: hosting.{key} must be a whole number of seconds from {low} to {high}")
    if "hub_models" in entry and not isinstance(entry["hub_models"], bool):
        problems.append(f"{name}: hub_models must be true or false")
    env = entry.get("weights_env", {})
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        problems.append(f"{name}: weights_env must map names to strings")
    cite = entry.get("cite") or {}
    unsupported = entry.get("unsupported")
    if unsupported is not None and set(unsupported) != UNSUPPORTED_KEYS:
        problems.append(f"{name}: unsupported needs exactly {', '.join(sorted(UNSUPPORTED_KEYS))}")
    for field in [f for f in ("hardware", *FACTS, "hosting", "unsupported") if f in entry]:
        ids = cite.get(field)
        ids = [ids] if isinstance(ids, str) else ids or []
        if not ids:
            problems.append(f"{name}: {field} cites no source")
        for sid in ids:
            if sid not in source_ids:
                problems.append(f"{name}: {field} cites {sid!r}, not one of the sources ({', '.join(sorted(source_ids))})")


def check_gpu_types(block: dict, instances: dict, problems: list[str]) -> None:
    types = block["types"]
    excused = block.get("not_in_catalog", {})
    catalog = instances["instances"]
    for dup in sorted({t for t in types if types.count(t) > 1}):
        problems.append(f"multi_model_gpu_instance_types: {dup} is listed twice")
    for name in excused:
        if name not in types:
            problems.append(f"multi_model_gpu_instance_types.not_in_catalog: {name} is not in the types list")
        elif name in catalog:
            problems.append(f"{name}: now in instances.json; drop it from multi_model_gpu_instance_types.not_in_catalog")
    for name in types:
        if not name.startswith("ml."):
            problems.append(f"multi_model_gpu_instance_types: {name} is not a SageMaker (ml.*) instance type")
            continue
        if name in excused and name not in catalog:
            ec2 = catalog.get(name.removeprefix("ml."))
            if ec2 is not None and (ec2.get("accelerator") or {}).get("kind") != serving.GPU:
                problems.append(f"multi_model_gpu_instance_types: {name} is excused, but EC2 {name[3:]} is not a GPU type in instances.json")
            continue
        entry = catalog.get(name)
        if entry is None:
            problems.append(f"multi_model_gpu_instance_types: {name} is not in instances.json (typo, or add it to not_in_catalog with a reason)")
            continue
        spec = catalog.get(entry.get("ec2", ""), entry)
        accelerator = spec.get("accelerator") or {}
        if accelerator.get("kind") != serving.GPU:
            kind = accelerator.get("kind") or "no accelerator"
            problems.append(f"multi_model_gpu_instance_types: {name} is not a GPU type in instances.json ({kind})")


def build_from(source: dict, dlc: dict, instances: dict) -> dict:
    """The file's content from the curated source, dlc_images.json and instances.json; raises SourceError."""
    problems: list[str] = []
    if set(NEURON_GENERATION) != set(serving.NEURON_PROCESSORS):
        problems.append(
            f"serving.NEURON_PROCESSORS is {sorted(serving.NEURON_PROCESSORS)}, NEURON_GENERATION places "
            f"{sorted(NEURON_GENERATION)}: say which NeuronCore generation each token is"
        )
    sources = source["sources"]
    frameworks = source["frameworks"]
    dlc_serving = sorted(fw for fw, scopes in dlc["frameworks"].items() if SCOPE in scopes)
    for name in frameworks:
        if name not in dlc["frameworks"]:
            problems.append(f"{name}: not a framework in dlc_images.json")
        elif SCOPE not in dlc["frameworks"][name]:
            problems.append(f"{name}: dlc_images.json has no {SCOPE} images for it (scopes: {', '.join(dlc['frameworks'][name])})")
    for name in dlc_serving:
        if name not in frameworks:
            problems.append(f"{name}: dlc_images.json has inference images for it, but {SOURCE.name} has no serving facts")

    out_frameworks: dict[str, dict] = {}
    for name, entry in frameworks.items():
        check_framework_entry(name, entry, set(sources), problems)
        if name not in dlc_serving:
            continue
        hardware = framework_hardware(name, entry.get("hardware"), dlc, problems, entry.get("untagged_hardware"))
        multi_model = _ordered(entry.get("multi_model") or [])
        outside = [w for w in multi_model if w not in hardware]
        if hardware and outside:
            problems.append(f"{name}: multi_model {outside} is not hardware the image runs on ({hardware})")
        out_frameworks[name] = {
            "hardware": hardware,
            "multi_model": multi_model,
            "hub_models": entry.get("hub_models"),
            "weights_env": dict(entry.get("weights_env") or {}),
            "hosting": dict(entry.get("hosting") or {}),
            "unsupported": dict(entry.get("unsupported") or {}),
        }

    for name, entry in out_frameworks.items():
        instead = entry["unsupported"].get("use_instead")
        if instead is not None and instead not in out_frameworks:
            problems.append(f"{name}: unsupported.use_instead {instead!r} is not a framework here")
        elif instead is not None and not set(out_frameworks[instead]["hardware"]) & set(entry["hardware"]):
            problems.append(f"{name}: unsupported.use_instead {instead!r} runs on other hardware")

    block = source["multi_model_gpu_instance_types"]
    check_gpu_types(block, instances, problems)
    if problems:
        raise SourceError(problems)

    return {
        "schema_version": 1,
        "as_of": source["as_of"],
        "generated_by": "scripts/refresh_serving.py",
        "built_from": "scripts/serving_source.yaml (curated facts, each citing its source) and mlblueprints/data/dlc_images.json (hardware)",
        "source": [f"{s['url']} ({' '.join(s['says'].split())})" for s in sources.values()]
        + [
            f"mlblueprints/data/dlc_images.json (sagemaker-core {dlc['source']['version']}, as of {dlc['as_of']}: "
            "the processors each image version is published for)"
        ],
        "notes": NOTES,
        "multi_model_gpu_instance_types": {
            "source": block["source"],
            "section": block["section"],
            "as_of": block["as_of"],
            "types": list(block["types"]),
            "not_in_catalog": dict(block.get("not_in_catalog", {})),
        },
        "frameworks": out_frameworks,
    }


def load_source(path: Path = SOURCE) -> dict:
    loaded = load_file(path, display_name=str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path))
    if loaded.diagnostics or loaded.data is None:
        raise SourceError([d.format_text() for d in loaded.diagnostics] or [f"{path}: no mapping"])
    return loaded.data


def build() -> dict:
    return build_from(load_source(), json.loads(DLC.read_text()), json.loads(INSTANCES.read_text()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if the committed file is out of date")
    args = ap.parse_args(argv)

    try:
        doc = build()
    except SourceError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(exc.problems)} check(s) failed; {OUT.relative_to(ROOT)} not written", file=sys.stderr)
        return 1

    return check_or_write(
        OUT, doc, root=ROOT, script="scripts/refresh_serving.py", table="frameworks", entry=one_line_per_key, check=args.check
    )

if __name__ == "__main__":
    sys.exit(main())
