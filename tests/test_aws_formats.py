"""mlblueprints/data/aws_formats.json is what scripts/refresh_formats.py builds, and the checks read it."""

from __future__ import annotations

import json

import pytest

from mlblueprints import aws_formats
from scripts import refresh_formats
from scripts.data_file import comparable, differences


def test_committed_file_is_what_the_script_builds():
    committed = json.loads(aws_formats.DATA_FILE.read_text())
    built = refresh_formats.build()
    assert comparable(committed) == comparable(built), differences(committed, built, "formats")


@pytest.mark.parametrize(
    "text, ok",
    [
        ("Jane Doe", True), ("Zoë_2:/=+-@.", True), ("日本語チーム", True), ("\u3000", True),  # \p{Z}
        ("(x)", False), ('"', False), ("<", False), ("#", False), ("&", False), ("🚀", False),
        ("\u200b", False), ("\x07", False), ("\n", False), ("\t", False),
    ],
)
def test_tag_values_follow_the_aws_pattern(text, ok):
    assert (aws_formats.tag_problems(text, key=False) == []) is ok


@pytest.mark.parametrize(
    "cidr, network",
    [("10.0.0.0/16", "10.0.0.0/16"), ("10.0.0.1/16", None), ("300.0.0.0/16", None), ("10.0.0.0/15", None),
     ("10.0.0.0/28", "10.0.0.0/28"), ("10.0.0.0/29", None), ("240.0.0.0/16", None)],
)
def test_vpc_cidr(cidr, network):
    parsed, _ = aws_formats.parse_vpc_cidr(cidr)
    assert (str(parsed) if parsed else None) == network
