#!/usr/bin/env python3
"""Rebuild mlblueprints/data/dlc_images.json and dlami.json.

DLC registries come from the SageMaker SDK's ``image_uri_config/*.json``, read
straight out of the ``sagemaker-core`` wheel (``pip download``, no install, no
import) or, with ``--installed``, out of the pinned package in this environment
(the test extra). The tag rules of the SDK's ``image_uris.retrieve`` are resolved
here into plain data, so that ``mlblueprints.images`` only has to join the parts.
``scripts/neuron_containers_source.yaml`` adds what the SDK lacks: the current
Neuron training images (``pytorch-neuronx``), the instance families each Neuron
training image runs on, and the regions AWS publishes Neuron containers in.

Neuron inference images that the SDK config does not list (pytorch-inference-neuronx,
pytorch-inference-neuron) come from the curated, cited scripts/neuron_inference_source.yaml
and are written as frameworks of their own, in the same shape.

DLAMI SSM parameter names are a curated table (DLAMI_TABLE below), checked
against the DLAMI developer guide and release notes on the date in AS_OF.

Usage:
    python scripts/refresh_images.py [--wheel PATH | --sdk-version X.Y.Z | --installed] [--only dlc|dlami] [--check]

Runs on the standard library, PyYAML and ``pip download``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import zipfile
import importlib.util
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "mlblueprints" / "data"
AS_OF = "2026-11-30"
CONFIG_DIR = "sagemaker/core/image_uri_config/"
NEURON_SOURCE = ROOT / "scripts" / "neuron_containers_source.yaml"

# Frameworks we use, by SDK config name. ``inference_tool`` is the token that
# replaces the processor in the tag when the SDK reaches this config through
# ``inference_tool`` (image_uris.retrieve: huggingface/pytorch on inf*/trn*, and
# sagemaker.huggingface.llm_utils for huggingface-llm-neuronx).
FRAMEWORKS: dict[str, dict] = {
    "pytorch": {"scopes": ["training", "inference", "inference_graviton"], "min_version": "2.0"},
    "tensorflow": {"scopes": ["training", "inference"], "min_version": "2.13"},
    "huggingface": {"scopes": ["training", "inference"], "min_version": "4.26"},
    "huggingface-llm": {},
    "huggingface-tei": {},
    "huggingface-tei-cpu": {},
    "djl-lmi": {},
    "djl-neuronx": {},
    "sagemaker-tritonserver": {},
    "pytorch-neuron": {"inference_tool": "neuron"},
    "hyperpod-recipes-neuron": {},
    "huggingface-neuron": {"inference_tool": "neuron"},
    "huggingface-neuronx": {"inference_tool": "neuronx"},
    "huggingface-llm-neuronx": {"inference_tool": "neuronx"},
    "inferentia-pytorch": {},
    # First-party SageMaker serving containers (per-region algorithm registries, not the DLC one).
    "xgboost": {"scopes": ["inference"], "min_version": "1.3", "release_aliases": True},
    "sklearn": {"scopes": ["inference"], "min_version": "1.0", "release_aliases": True},
}
#: Neuron inference images outside the SDK config, by repository (curated, cited).
NEURON_INFERENCE_SOURCE = ROOT / "scripts" / "neuron_inference_source.yaml"
#: <framework version>-<processor>-<python>-<container version: sdkX.Y.Z-os>
NEURON_TAG = re.compile(r"^(?P<version>\d+(?:\.\d+)+)-(?P<processor>neuronx?)-(?P<py>py\d+)-(?P<container>sdk(?P<sdk>[\d.]+)-.+)$")

# Repository lists copied from sagemaker-core image_uris.retrieve: these repos
# get "<latest sdk_version>-" in front of the container_version.
SDK_PREFIX_REPOS = {"pytorch-training-neuron", "pytorch-training-neuronx", "huggingface-vllm-inference-neuronx"}
HF_SDK_PREFIX_REPOS = {"huggingface-pytorch-inference-neuron", "huggingface-pytorch-inference-neuronx"}
# Partitions whose ECR host we do not model (GovCloud and China are kept).
SKIP_REGION = re.compile(r"-iso|^eusc-")

TAG_FORMAT = {
    "uri": "{account}.dkr.ecr.{region}.{dns_suffix}/{repository}:{tag}",
    "dns_suffix": {"cn-": "amazonaws.com.cn", "*": "amazonaws.com"},
    "tag": "-".join(["{tag_prefix}", "{token}", "{py_version}", "{container_version}"]) + "  (empty parts dropped)",
    "rules": [
        "tag_prefix: the version's tag_prefix, else the resolved version; huggingface: "
        "'<base framework version>-transformers<version>'",
        "token: the processor (cpu/gpu/inf/inf2/trn/neuronx); frameworks reached through "
        "inference_tool use the tool (neuron/neuronx) instead; none when processor_in_tag is false; "
        "sagemaker-tritonserver drops the gpu token (SDK: tag.rstrip('-gpu'))",
        "py_version: only when the version lists py_versions",
        "container_version: the version's container_version[processor]; repos "
        + ", ".join(sorted(SDK_PREFIX_REPOS | HF_SDK_PREFIX_REPOS))
        + " prefix it with the lexically greatest sdk_versions entry and '-'; "
        "*-inference-graviton and *-inference-arm64 repos append '-sagemaker'",
        "not modelled: the SDK's p4d/smdistributed CUDA suffix for pytorch 1.6 / tensorflow "
        "1.15, 2.3 / mxnet 1.8 (versions we do not keep), and the caller-supplied "
        "container_version of huggingface/pytorch-smp/spark",
    ],
    "ec2_vs_sagemaker": (
        "The SDK emits the short tags above (e.g. pytorch-training:2.6.0-gpu-py312). AWS DLC "
        "repositories also carry full tags ending in -sagemaker (SageMaker build) or -ec2 (EC2/EKS "
        "build) for the same release; the SDK never emits -ec2, and adds -sagemaker itself only "
        "for graviton/arm64 inference repos. Pin the full -sagemaker or -ec2 tag yourself if you "
        "need an immutable image."
    ),
    "resolved_in": "scripts/refresh_images.py (rules) and mlblueprints/images.py (join)",
}

DLAMI_TABLE = {
    "as_of": AS_OF,
    "source": [
        "https://docs.aws.amazon.com/dlami/latest/devguide/find-dlami-id.html",
        "https://docs.aws.amazon.com/dlami/latest/devguide/appendix-ami-release-notes.html",
        "https://github.com/aws-neuron/aws-neuron-sdk/blob/master/dlami/index.rst",
        "https://docs.aws.amazon.com/ebs/latest/userguide/device_naming.html",
    ],
    "notes": [
        "ami_type = DLAMI name without the words Deep, Learning, AMI (find-dlami-id); arm64 "
        "names also drop 'ARM64' because the architecture is its own path segment.",
        "find-dlami-id's own example reads base-oss-nvidia-driver-ubuntu-22.04 (no 'gpu'); the AMI "
        "is named 'Deep Learning Base OSS Nvidia Driver GPU AMI', so we use ...-driver-gpu-...",
        "Neuron parameters end in image_id, not ami-id.",
        "Only the OS/version/arch combinations seen in release notes are listed.",
        "Neuron flavours: no ubuntu-22.04; Neuron stopped publishing Ubuntu 22.04 DLAMIs and containers "
        "at release 2.30 (May 2026), and its containers from 2.27.1 on are Ubuntu 24.04 only.",
        "Which instance families each flavour drives is in compatibility.json (scripts/compatibility_source.yaml).",
        "root_device_by_os: Ubuntu AMIs boot from /dev/sda1, Amazon Linux from /dev/xvda (EC2 User Guide, "
        "device naming); a launch template that names the wrong one adds a blank volume instead of "
        "resizing the root.",
    ],
    "root_device_by_os": {"ubuntu-22.04": "/dev/sda1", "ubuntu-24.04": "/dev/sda1", "amazon-linux-2023": "/dev/xvda"},
    "flavours": {
        "base-gpu": {
            "description": "Deep Learning Base OSS Nvidia Driver GPU AMI",
            "template": "/aws/service/deeplearning/ami/{arch}/base-oss-nvidia-driver-gpu-{os}/latest/ami-id",
            "default_os": "ubuntu-24.04",
            "variants": {
                "x86_64": ["ubuntu-22.04", "ubuntu-24.04", "amazon-linux-2023"],
                "arm64": ["ubuntu-22.04", "ubuntu-24.04", "amazon-linux-2023"],
            },
        },
        "pytorch": {
            "description": "Deep Learning OSS Nvidia Driver AMI GPU PyTorch <version>",
            "template": "/aws/service/deeplearning/ami/{arch}/oss-nvidia-driver-gpu-pytorch-{version}-{os}/latest/ami-id",
            "default_os": "ubuntu-24.04",
            "default_version": "2.11",
            "versions": {
                "2.11": {"x86_64": ["ubuntu-24.04", "amazon-linux-2023"], "arm64": ["ubuntu-24.04", "amazon-linux-2023"]},
                "2.10": {"x86_64": ["amazon-linux-2023"], "arm64": ["ubuntu-24.04"]},
                "2.9": {"x86_64": ["ubuntu-24.04"], "arm64": ["ubuntu-24.04"]},
            },
        },
        "neuron": {
            "description": "Deep Learning AMI Neuron (multi-framework)",
            "template": "/aws/service/neuron/dlami/multi-framework/{os}/latest/image_id",
            "default_os": "ubuntu-24.04",
            "variants": {"x86_64": ["ubuntu-24.04"]},
        },
        "neuron-base": {
            "description": "Deep Learning Base Neuron AMI",
            "template": "/aws/service/neuron/dlami/base/{os}/latest/image_id",
            "default_os": "ubuntu-24.04",
            "variants": {"x86_64": ["ubuntu-24.04", "amazon-linux-2023"]},
        },
    },
    # AWS Batch multi-node parallel jobs run only on Amazon Linux with the ecs-init package
    # (Batch User Guide, "Compute resource AMI specification"), so Batch hosts boot the
    # ECS-optimized Amazon Linux 2023 AMI for their accelerator, not a DLAMI; the training
    # stack (CUDA, NCCL, libfabric, or the Neuron SDK) comes with the Deep Learning Container.
    # Parameter names: ECS Developer Guide, "Retrieving Amazon ECS-optimized AMI metadata";
    # image types: Batch API Reference, Ec2Configuration (ECS_AL2023_NVIDIA since 2025-08).
    "batch_hosts": {
        "source": [
            "https://docs.aws.amazon.com/batch/latest/userguide/batch-ami-spec.html",
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html",
            "https://docs.aws.amazon.com/batch/latest/APIReference/API_Ec2Configuration.html",
        ],
        "gpu": {
            "description": "Amazon ECS-optimized Amazon Linux 2023 (GPU) AMI: NVIDIA driver, container toolkit, ECS agent",
            "ssm_parameter": "/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id",
            "os": "amazon-linux-2023",
            "batch_image_type": "ECS_AL2023_NVIDIA",
            "arch": ["x86_64"],
        },
        "neuron": {
            "description": "Amazon ECS-optimized Amazon Linux 2023 (Neuron) AMI: Neuron driver, ECS agent",
            "ssm_parameter": "/aws/service/ecs/optimized-ami/amazon-linux-2023/neuron/recommended/image_id",
            "os": "amazon-linux-2023",
            "batch_image_type": "ECS_AL2023",
            "arch": ["x86_64"],
        },
    },
}


def sagemaker_core_wheel(version: str | None = None, dest: Path | None = None) -> Path:
    """Download the sagemaker-core wheel (no deps, no install) and return its path."""
    dest = dest or Path(tempfile.mkdtemp(prefix="sagemaker-core-"))
    spec = f"sagemaker-core=={version}" if version else "sagemaker-core"
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", str(dest), spec]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wheels = sorted(dest.glob("sagemaker_core-*.whl"))
    if proc.returncode != 0 or not wheels:
        sys.exit(f"error: could not download {spec}:\n{proc.stderr.strip()}")
    return wheels[-1]


def wheel_version(wheel: Path) -> str:
    return wheel.name.split("-")[1]


def read_configs(wheel: Path) -> dict[str, dict]:
    """The SDK's config per framework we use, from a wheel file or an installed package folder."""
    if wheel.is_dir():
        names = {p.stem: p for p in wheel.glob("*.json")}
        read = lambda name: json.loads(name.read_text())  # noqa: E731
    else:
        zf = zipfile.ZipFile(wheel)
        names = {Path(n).stem: n for n in zf.namelist() if n.startswith(CONFIG_DIR) and n.endswith(".json")}
        read = lambda name: json.loads(zf.read(name))  # noqa: E731
    missing = sorted(set(FRAMEWORKS) - set(names))
    if missing:
        sys.exit(f"error: {wheel.name} has no {CONFIG_DIR} config for: {', '.join(missing)}")
    return {fw: read(names[fw]) for fw in FRAMEWORKS}


def installed_sdk() -> tuple[Path, str]:
    """The image_uri_config folder and version of the sagemaker-core installed here (the test extra pins it)."""
    spec = importlib.util.find_spec("sagemaker.core")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("error: sagemaker-core is not installed; pip install -e '.[test]', or pass --wheel")
    from importlib.metadata import version

    return Path(list(spec.submodule_search_locations)[0]) / "image_uri_config", version("sagemaker-core")


def neuron_source() -> dict:
    return yaml.safe_load(NEURON_SOURCE.read_text())


def version_key(v: str) -> tuple:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-]", v))


class Registries:
    """Deduplicates region->account maps; each is stored once under a stable name."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, str]] = {}

    def name(self, accounts: dict[str, str]) -> str:
        kept = {r: a for r, a in sorted(accounts.items()) if not SKIP_REGION.search(r)}
        digest = hashlib.sha1(json.dumps(kept, sort_keys=True).encode()).hexdigest()[:8]
        key = f"r-{digest}"
        self.tables[key] = kept
        return key


def scopes_of(config: dict, wanted: list[str] | None) -> dict[str, dict]:
    """Normalise the SDK's two config shapes into {scope: subtree}."""
    if "versions" in config:
        return {s: config for s in config.get("scope", ["inference"]) if not wanted or s in wanted}
    return {s: sub for s, sub in config.items() if isinstance(sub, dict) and "versions" in sub and (not wanted or s in wanted)}


def resolve_entry(fw: str, vc: dict, processors: list[str], tag_prefix: str, regs: Registries, opts: dict) -> dict:
    repo = vc["repository"]
    procs = vc.get("processors") or processors or []
    accounts = vc["registries"]
    if "neuron" in repo:  # the DLC table marks these regions "Neuron Container: None"
        accounts = {r: a for r, a in accounts.items() if r not in opts["neuron_regions_none"]}
    entry: dict = {"repository": repo, "registry": regs.name(accounts), "tag_prefix": tag_prefix}
    if procs:
        entry["processors"] = list(procs)
    if vc.get("py_versions"):
        entry["py_versions"] = list(vc["py_versions"])
    sdk = sorted(vc.get("sdk_versions", []), reverse=True)[:1]  # SDK: lexical max
    cv: dict[str, str] = {}
    errors: dict[str, str] = {}
    for proc in procs or [None]:
        if vc.get("container_version") and proc not in vc["container_version"]:
            errors[proc] = (
                f"the SDK config defines container_version only for {', '.join(sorted(vc['container_version']))}, "
                f"so image_uris.retrieve fails (KeyError) for processor {proc!r}"
            )
            continue
        value = (vc.get("container_version") or {}).get(proc)
        if repo in SDK_PREFIX_REPOS or (fw.startswith("huggingface") and repo in HF_SDK_PREFIX_REPOS):
            if sdk and value:
                value = f"{sdk[0]}-{value}"
        if repo.endswith(("-inference-graviton", "-inference-arm64")) and value:
            value = f"{value}-sagemaker"
        if value and proc:
            cv[proc] = value
    if cv:
        entry["container_version"] = cv
    tokens = {}
    for proc in procs:
        token = opts.get("inference_tool", proc)
        if vc.get("processor_in_tag") is False or (fw == "sagemaker-tritonserver" and proc == "gpu"):
            token = None
        if token != proc:
            tokens[proc] = token
    if tokens:
        entry["tokens"] = tokens
    if errors:
        entry["errors"] = errors
    if fw in opts.get("families", {}):
        entry["families"] = list(opts["families"][fw])
    return entry


def neuron_training_images(source: dict, accounts: dict[str, str], regs: Registries) -> dict:
    """``pytorch-neuronx``: the current torch-neuronx training images, which the SDK does not list."""
    spec = source["pytorch-neuronx"]
    published = {r: a for r, a in accounts.items() if r in source["regions"]["available"]}
    registry = regs.name(published)
    versions = {
        ver: {
            "repository": spec["repository"],
            "registry": registry,
            "tag_prefix": ver,
            "processors": ["neuronx"],
            "py_versions": [v["python"]],
            "container_version": {"neuronx": f"sdk{v['sdk']}-{v['os']}"},
            "families": list(v["families"]),
            "source": spec["source"],
        }
        for ver, v in spec["versions"].items()
    }
    return {
        spec["scope"]: {
            "version_aliases": dict(spec["version_aliases"]),
            "versions": dict(sorted(versions.items(), key=lambda kv: version_key(kv[0]))),
        }
    }


def build_dlc(wheel: Path, version: str) -> dict:
    configs = read_configs(wheel)
    neuron = neuron_source()
    regs = Registries()
    frameworks: dict[str, dict] = {}
    for fw, fw_opts in FRAMEWORKS.items():
        opts = {**fw_opts, "neuron_regions_none": set(neuron["regions"]["none"]),
                "families": neuron["pytorch-neuronx"]["families_of_sdk_frameworks"]}
        out: dict[str, dict] = {}
        for scope, sub in scopes_of(configs[fw], opts.get("scopes")).items():
            processors = configs[fw].get("processors") or sub.get("processors") or []
            floor = version_key(opts.get("min_version", "0"))
            versions: dict[str, dict] = {}
            for ver, vc in sub["versions"].items():
                if version_key(ver) < floor:
                    continue
                if "repository" not in vc and fw.startswith("huggingface"):  # nested by base framework
                    bases = {b: c for b, c in vc.items() if b != "version_aliases"}
                    versions[ver] = {
                        "base_frameworks": {
                            b: resolve_entry(fw, c, processors, f"{re.sub(r'^(pytorch|tensorflow)', '', b)}-transformers{ver}", regs, opts)
                            for b, c in bases.items()
                        },
                        "base_framework_aliases": dict(vc.get("version_aliases", {})),
                    }
                else:
                    versions[ver] = resolve_entry(fw, vc, processors, vc.get("tag_prefix", ver), regs, opts)
            aliases = {a: t for a, t in sub.get("version_aliases", {}).items() if t in versions}
            if opts.get("release_aliases"):
                aliases.update(release_aliases(versions))
            out[scope] = {"version_aliases": aliases, "versions": dict(sorted(versions.items(), key=lambda kv: version_key(kv[0])))}
        frameworks[fw] = out
    # The SDK's newest pytorch training registry is the DLC account table (region_availability.md).
    dlc_accounts = configs["pytorch"]["training"]["versions"][max(configs["pytorch"]["training"]["versions"], key=version_key)]["registries"]
    frameworks["pytorch-neuronx"] = neuron_training_images(neuron, dlc_accounts, regs)
    frameworks.update(neuron_inference_frameworks(regs))
    return {
        "schema_version": 1,
        "generated_by": "scripts/refresh_images.py",
        "as_of": AS_OF,
        "source": {
            "package": "sagemaker-core",
            "version": version,
            "wheel": f"sagemaker_core-{version}-py3-none-any.whl",
            "path": CONFIG_DIR + "*.json",
            "url": f"https://pypi.org/project/sagemaker-core/{version}/",
            "license": "Apache-2.0",
            "copyright": "Copyright Amazon.com, Inc. or its affiliates. All Rights Reserved.",
            "neuron": {
                "file": "scripts/neuron_containers_source.yaml",
                "regions": neuron["regions"]["source"],
                "pytorch-neuronx": neuron["pytorch-neuronx"]["source"],
                "as_of": neuron["as_of"],
            },
        },
        "tag_format": TAG_FORMAT,
        "registries": dict(sorted(regs.tables.items())),
        "frameworks": frameworks,
    }


def release_aliases(versions: dict) -> dict[str, str]:
    """'1.7' -> '1.7-1': the newest container release of each upstream version (ours, not the SDK's).

    The SageMaker XGBoost and scikit-learn versions are <upstream>-<container release>
    (1.7-1, 1.4-2-py312); a user who writes the upstream version gets its newest release.
    """
    out: dict[str, str] = {}
    for version in sorted(versions, key=version_key):
        upstream = re.match(r"^(\d+\.\d+)-", version)
        if upstream and upstream[1] not in versions:
            out[upstream[1]] = version
    return out


def neuron_inference_frameworks(regs: Registries, path: Path = NEURON_INFERENCE_SOURCE) -> dict[str, dict]:
    """The curated Neuron inference images, one entry per framework version (its newest Neuron SDK)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from mlblueprints.loader import load_file  # rejects duplicate keys

    loaded = load_file(path, display_name=str(path.relative_to(ROOT)))
    if loaded.diagnostics or loaded.data is None:
        sys.exit("\n".join(d.format_text() for d in loaded.diagnostics) or f"error: {path}: no mapping")
    source = loaded.data
    registry = regs.name(dict(source["registry"]["accounts"]))
    out: dict[str, dict] = {}
    for name, spec in source["frameworks"].items():
        if spec["cite"] not in source["sources"]:
            sys.exit(f"error: {path.name}: {name} cites {spec['cite']!r}, not one of its sources")
        newest: dict[str, tuple[tuple, re.Match]] = {}
        for tag in spec["tags"]:
            match = NEURON_TAG.match(tag)
            if match is None:
                sys.exit(f"error: {path.name}: {name} tag {tag!r} is not <version>-<neuron|neuronx>-<py>-sdk<X.Y.Z>-<os>")
            key = version_key(match["sdk"])
            if match["version"] not in newest or key > newest[match["version"]][0]:
                newest[match["version"]] = (key, match)
        versions = {}
        for version, (_, match) in sorted(newest.items(), key=lambda kv: version_key(kv[0])):
            processor = match["processor"]
            versions[version] = {
                "repository": spec["repository"],
                "registry": registry,
                "tag_prefix": version,
                "processors": [processor],
                "py_versions": [match["py"]],
                "container_version": {processor: match["container"]},
            }
        out[name] = {"inference": {"version_aliases": {}, "versions": versions}}
    return out


def build_dlami() -> dict:
    return {"schema_version": 1, "generated_by": "scripts/refresh_images.py", **DLAMI_TABLE}


def write(path: Path, doc: dict) -> None:
    path.write_text(json.dumps(doc, indent=1, sort_keys=False) + "\n")
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


def check(path: Path, doc: dict) -> bool:
    """Does the committed file hold what this script builds (``as_of`` aside)?"""
    committed = json.loads(path.read_text())
    same = {k: v for k, v in committed.items() if k != "as_of"} == {k: v for k, v in doc.items() if k != "as_of"}
    if not same:
        print(f"error: {path.relative_to(ROOT)} differs from what scripts/refresh_images.py builds; run it", file=sys.stderr)
    return same


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = ap.add_mutually_exclusive_group()
    source.add_argument("--wheel", type=Path, help="use this sagemaker-core wheel instead of downloading")
    source.add_argument("--sdk-version", help="sagemaker-core version to download (default: latest)")
    source.add_argument("--installed", action="store_true", help="read the sagemaker-core installed here")
    ap.add_argument("--only", choices=["dlc", "dlami"])
    ap.add_argument("--check", action="store_true", help="exit 1 if a committed file differs from the build; write nothing")
    args = ap.parse_args(argv)
    docs: dict[Path, dict] = {}
    if args.only != "dlami":
        if args.installed:
            config_dir, version = installed_sdk()
            docs[DATA / "dlc_images.json"] = build_dlc(config_dir, version)
        else:
            wheel = args.wheel or sagemaker_core_wheel(args.sdk_version)
            docs[DATA / "dlc_images.json"] = build_dlc(wheel, wheel_version(wheel))
    if args.only != "dlc":
        docs[DATA / "dlami.json"] = build_dlami()
    if args.check:
        return 0 if all([check(path, doc) for path, doc in docs.items()]) else 1
    for path, doc in docs.items():
        write(path, doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
