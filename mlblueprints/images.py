"""Container and machine images: Deep Learning Container URIs and DLAMI SSM parameters.

DLC data is the SageMaker SDK's ``image_uri_config`` (see ``data/dlc_images.json``
for the wheel it came from); the tag is joined exactly like the SDK's
``image_uris._format_tag``: ``<tag_prefix>-<processor or tool>-<py>-<container_version>``
with empty parts dropped. The repo-specific rules (Neuron SDK prefix, graviton
``-sagemaker`` suffix, Triton's missing ``gpu`` token) are resolved into the data
by ``scripts/refresh_images.py``. DLAMI parameters come from ``data/dlami.json``.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
_ARN_URI = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.(amazonaws\.com(?:\.cn)?)/([^:@]+)")


class ImageNotFound(LookupError):
    """No image matches; the message lists what is available instead."""


@functools.cache
def _dlc() -> dict:
    return json.loads((DATA_DIR / "dlc_images.json").read_text())


@functools.cache
def _dlami() -> dict:
    return json.loads((DATA_DIR / "dlami.json").read_text())


def _version_key(v: str) -> tuple:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-]", v))


def _scope(framework: str, scope: str) -> dict:
    scopes = _dlc()["frameworks"].get(framework)
    if scopes is None:
        raise ImageNotFound(f"no DLC framework {framework!r}; available: {', '.join(dlc_frameworks())}")
    if scope not in scopes:
        raise ImageNotFound(f"{framework} has no {scope!r} images; scopes: {', '.join(sorted(scopes))}")
    return scopes[scope]


def _pick(kind: str, wanted: str | None, options: list[str], what: str) -> str | None:
    """Choose ``wanted`` from ``options``; default only when there is exactly one."""
    if not options:
        return None
    if wanted is None:
        if len(options) == 1:
            return options[0]
        raise ImageNotFound(f"{what}: choose a {kind}: {', '.join(options)}")
    if wanted not in options:
        raise ImageNotFound(f"{what}: no {kind} {wanted!r}; available: {', '.join(options)}")
    return wanted


def _resolve(version: str, versions: dict, aliases: dict, what: str) -> str:
    """Exact version, then the SDK's aliases, then the highest patch of a prefix ("2.3")."""
    if version in versions:
        return version
    if version in aliases:
        return aliases[version]
    patches = [v for v in versions if v.startswith(version + ".")]
    if patches:
        return max(patches, key=_version_key)
    listed = ", ".join(sorted(versions, key=_version_key))
    alias_text = f"; aliases: {', '.join(sorted(aliases, key=_version_key))}" if aliases else ""
    raise ImageNotFound(f"{what}: no version {version!r}; available: {listed}{alias_text}")


def _entry(framework: str, version: str, scope: str, base_framework: str | None) -> tuple[str, dict]:
    sub = _scope(framework, scope)
    what = f"{framework} {scope}"
    resolved = _resolve(version, sub["versions"], sub["version_aliases"], what)
    entry = sub["versions"][resolved]
    if "base_frameworks" in entry:  # huggingface: one image per base framework
        bases = entry["base_frameworks"]
        if base_framework is not None:
            base_framework = entry["base_framework_aliases"].get(base_framework, base_framework)
            matches = [b for b in bases if b == base_framework or b.startswith(base_framework)]
            base_framework = matches[0] if len(matches) == 1 else base_framework
        chosen = _pick("base framework", base_framework, sorted(bases), f"{what} {resolved}")
        entry = bases[chosen]
    return resolved, entry


def dlc_families(framework: str, version: str, *, scope: str) -> list[str] | None:
    """The instance families an image lists (Neuron training images do), or None when it lists none or is unknown."""
    try:
        _, entry = _entry(framework, version, scope, None)
    except ImageNotFound:
        return None
    return entry.get("families")


def dlc_resolved_version(framework: str, version: str, scope: str) -> str | None:
    """The full version ``version`` resolves to ("2.9" -> "2.9.0"), or None when it does not."""
    try:
        resolved, _ = _entry(framework, version, scope, None)
    except ImageNotFound:
        return None
    return resolved


def dlc_repository(framework: str, version: str, *, scope: str) -> str | None:
    """The ECR repository of an image, or None when the framework or version is unknown."""
    try:
        _, entry = _entry(framework, version, scope, None)
    except ImageNotFound:
        return None
    return entry.get("repository")


def dlc_frameworks(scope: str | None = None) -> list[str]:
    return sorted(fw for fw, scopes in _dlc()["frameworks"].items() if scope is None or scope in scopes)


def dlc_versions(framework: str, scope: str) -> list[str]:
    return sorted(_scope(framework, scope)["versions"], key=_version_key)


def dlc_tag(entry: dict, processor: str | None, python: str | None) -> str:
    """Mirror of the SDK's ``_format_tag``: join the non-empty parts with '-'."""
    token = entry.get("tokens", {}).get(processor, processor) if processor else None
    container_version = entry.get("container_version", {}).get(processor) if processor else None
    return "-".join(p for p in (entry["tag_prefix"], token, python, container_version) if p)


def _account(entry: dict, region: str, what: str) -> str:
    accounts = _dlc()["registries"][entry["registry"]]
    if region not in accounts:
        raise ImageNotFound(f"{what}: not published in {region}; regions: {', '.join(sorted(accounts))}")
    return accounts[region]


def dlc_uri(
    framework: str,
    version: str,
    *,
    region: str,
    scope: str,
    processor: str | None = None,
    python: str | None = None,
    base_framework: str | None = None,
) -> str:
    """The ECR image URI the SageMaker SDK would build (``image_uris.retrieve``)."""
    resolved, entry = _entry(framework, version, scope, base_framework)
    what = f"{framework} {scope} {resolved}"
    processor = _pick("processor", processor, entry.get("processors", []), what)
    if processor in entry.get("errors", {}):
        raise ImageNotFound(f"{what}: {entry['errors'][processor]}")
    python = _pick("python version", python, entry.get("py_versions", []), what)
    account = _account(entry, region, what)
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"{account}.dkr.ecr.{region}.{suffix}/{entry['repository']}:{dlc_tag(entry, processor, python)}"


def dlc_registry_account(framework: str, region: str, scope: str, *, version: str | None = None) -> str:
    """Account that hosts the framework's images in ``region`` (newest version by default)."""
    sub = _scope(framework, scope)
    resolved = _resolve(version or dlc_versions(framework, scope)[-1], sub["versions"], sub["version_aliases"], f"{framework} {scope}")
    entry = sub["versions"][resolved]
    if "base_frameworks" in entry:  # all base frameworks of a version share a registry
        entry = next(iter(entry["base_frameworks"].values()))
    return _account(entry, region, f"{framework} {scope} {resolved}")


def dlc_repository_arn(uri: str) -> str:
    """ARN of the ECR repository behind ``uri``, for least-privilege pull policies."""
    match = _ARN_URI.match(uri)
    if not match:
        raise ValueError(f"not an ECR image URI: {uri!r}")
    account, region, suffix, repo = match.groups()
    partition = "aws-cn" if suffix.endswith(".cn") else "aws-us-gov" if region.startswith("us-gov-") else "aws"
    return f"arn:{partition}:ecr:{region}:{account}:repository/{repo}"


def dlami_flavours() -> list[str]:
    return sorted(_dlami()["flavours"])


def dlami_os(flavour: str, os: str | None = None) -> str:
    """The operating system a DLAMI flavour resolves to: ``os``, or the flavour's default."""
    return os or _dlami()["flavours"][flavour]["default_os"]


def root_device_name(os: str) -> str:
    """The root device of an AMI of this OS; a launch template must name it to resize the root."""
    return _dlami()["root_device_by_os"][os]


def dlami_parameter(flavour: str, *, os: str | None = None, arch: str = "x86_64", version: str | None = None) -> str:
    """Public SSM parameter holding the latest DLAMI id (resolve it at deploy time)."""
    flavours = _dlami()["flavours"]
    if flavour not in flavours:
        raise ImageNotFound(f"no DLAMI flavour {flavour!r}; available: {', '.join(dlami_flavours())}")
    spec = flavours[flavour]
    os = os or spec["default_os"]
    variants = spec.get("variants")
    if "versions" in spec:
        version = version or spec["default_version"]
        if version not in spec["versions"]:
            raise ImageNotFound(f"DLAMI {flavour}: no version {version!r}; available: {', '.join(spec['versions'])}")
        variants = spec["versions"][version]
    if arch not in variants:
        raise ImageNotFound(f"DLAMI {flavour}: no {arch} image; architectures: {', '.join(variants)}")
    if os not in variants[arch]:
        raise ImageNotFound(f"DLAMI {flavour} ({arch}): no {os!r} image; available: {', '.join(variants[arch])}")
    return spec["template"].format(arch=arch, os=os, version=version)


def batch_host_kinds() -> list[str]:
    """Accelerator kinds AWS Batch has an ECS-optimized host AMI for (``gpu``, ``neuron``)."""
    return sorted(k for k in _dlami()["batch_hosts"] if k != "source")


def batch_host_image(kind: str, *, arch: str = "x86_64") -> dict:
    """The ECS-optimized AMI (public SSM parameter, OS, Batch image type) for Batch hosts of ``kind``."""
    hosts = _dlami()["batch_hosts"]
    if kind not in batch_host_kinds():
        raise ImageNotFound(f"no AWS Batch host AMI for {kind!r} accelerators; available: {', '.join(batch_host_kinds())}")
    host = hosts[kind]
    if arch not in host["arch"]:
        raise ImageNotFound(f"the {kind} Batch host AMI has no {arch} build; architectures: {', '.join(host['arch'])}")
    return host
