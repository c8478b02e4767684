"""Formats AWS accepts for values a blueprint passes through as written.

VPC CIDR blocks, S3 bucket names, and tag keys and values reach CloudFormation
(and CDK's own checks at synth) unchanged, so each is checked here against the
facts in ``data/aws_formats.json`` (``scripts/refresh_formats.py``, sources cited
there). Each check returns the problems as sentences, empty when the value is fine.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
import unicodedata
from pathlib import Path

DATA_FILE = Path(__file__).with_name("data") / "aws_formats.json"
_IP_FORM = re.compile(r"\d{1,3}(\.\d{1,3}){3}")


@functools.cache
def formats() -> dict:
    return json.loads(DATA_FILE.read_text())["formats"]


@functools.cache
def _ranges(kind: str) -> tuple[ipaddress.IPv4Network, ...]:
    """``reserved_ranges`` or ``private_ranges`` of the VPC facts, parsed once."""
    return tuple(ipaddress.IPv4Network(r) for r in formats()["vpc_cidr"][kind])


@functools.lru_cache(maxsize=256)
def parse_vpc_cidr(text: str) -> tuple[ipaddress.IPv4Network | None, str]:
    """The network, or None and why it is not one EC2 and ``ec2.Vpc`` accept.

    Host bits must be zero: EC2 rounds ``10.0.0.1/16`` down to its canonical form (CreateVpc,
    ``CidrBlock``), so the blueprint would not say what is deployed; :func:`network_of` names it.
    """
    try:
        interface = ipaddress.IPv4Interface(text)
    except ValueError as error:
        return None, f"{text} is not an IPv4 CIDR block ({error})"
    network = interface.network
    if interface.ip != network.network_address:
        return None, f"{text} has host bits set; the network is {network}"
    facts = formats()["vpc_cidr"]
    if not facts["min_prefix"] <= network.prefixlen <= facts["max_prefix"]:
        return None, f"a VPC block is /{facts['min_prefix']} to /{facts['max_prefix']}, not /{network.prefixlen}"
    for reserved in _ranges("reserved_ranges"):
        if network.overlaps(reserved):
            return None, f"{network} overlaps {reserved}, special-purpose space a VPC cannot use"
    return network, ""


def network_of(text: str) -> ipaddress.IPv4Network | None:
    """The block ``text`` lies in, host bits cleared; None if it is no address at all."""
    try:
        return ipaddress.IPv4Interface(text).network
    except ValueError:
        return None


def is_private(network: ipaddress.IPv4Network) -> bool:
    """Inside RFC 1918 or the RFC 6598 shared space (100.64.0.0/10)."""
    return any(network.subnet_of(r) for r in _ranges("private_ranges"))


def bucket_name_problems(name: str) -> list[str]:
    facts = formats()["s3_bucket_name"]
    problems = []
    if not facts["min_length"] <= len(name) <= facts["max_length"]:
        problems.append(f"a bucket name is {facts['min_length']} to {facts['max_length']} characters, not {len(name)}")
    if re.search(f"[^{facts['characters']}]", name):
        problems.append("a bucket name has only lowercase letters, digits, periods and hyphens")
    if name and not (name[0].isascii() and name[0].isalnum() and name[-1].isascii() and name[-1].isalnum()):
        problems.append("a bucket name begins and ends with a lowercase letter or digit")
    for sequence in facts["forbidden_sequences"]:
        if sequence in name:
            problems.append(f"a bucket name cannot contain `{sequence}`")
    if _IP_FORM.fullmatch(name):
        problems.append("a bucket name cannot be formatted as an IP address")
    problems += [f"the prefix `{p}` is reserved by S3" for p in facts["reserved_prefixes"] if name.startswith(p)]
    problems += [f"the suffix `{s}` is reserved by S3" for s in facts["reserved_suffixes"] if name.endswith(s)]
    return problems


def _tag_character_ok(character: str) -> bool:
    facts = formats()["tag"]
    return character in facts["symbols"] or unicodedata.category(character)[0] in facts["unicode_categories"]


def tag_problems(text: str, *, key: bool) -> list[str]:
    """Why ``text`` is not a valid tag key (``key=True``) or value."""
    facts = formats()["tag"]
    what = "tag key" if key else "tag value"
    limit = facts["key_max_length"] if key else facts["value_max_length"]
    problems = []
    if key and not text:
        problems.append("a tag key cannot be empty")
    if len(text) > limit:
        problems.append(f"a {what} is at most {limit} characters, not {len(text)}")
    bad = sorted({c for c in text if not _tag_character_ok(c)})
    if bad:
        shown = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}" for c in bad[:5])
        problems.append(f"a {what} may hold letters, digits, spaces and {facts['symbols']} only, not {shown}")
    if key and text.lower().startswith(facts["reserved_key_prefix"]):
        problems.append(f"tag keys starting with `{facts['reserved_key_prefix']}` are reserved for AWS")
    return problems
