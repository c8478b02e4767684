"""FSx for Lustre sizing for a throughput per accelerator (mlblueprints.fsx_sizing)."""

import pytest

from mlblueprints import fsx_sizing
from mlblueprints.fsx_sizing import LustreSize, size_for_throughput


@pytest.mark.parametrize(
    "needed, floor, expected",
    [
        pytest.param(100, 0, LustreSize(1200, 125), id="smallest-meets-it"),
        pytest.param(146, 0, LustreSize(1200, 125), id="1200-at-125-is-146-mbps"),
        pytest.param(147, 0, LustreSize(1200, 250), id="next-tier-before-more-capacity"),
        pytest.param(1171, 0, LustreSize(1200, 1000), id="1200-at-1000"),
        pytest.param(1200, 0, LustreSize(2400, 1000), id="then-capacity"),
        pytest.param(16 * 8 * 200, 0, LustreSize(26400, 1000), id="16-p4d-at-200-per-gpu"),
        pytest.param(100, 9600, LustreSize(9600, 125), id="data-floor-wins"),
    ],
)
def test_smallest_legal_combination(needed, floor, expected):
    size = size_for_throughput(needed, floor_gib=floor)
    assert size == expected
    assert size.throughput_mbps >= needed


def previous_legal(capacity_gib):
    return None if capacity_gib == 1200 else (1200 if capacity_gib == 2400 else capacity_gib - 2400)


def test_every_result_is_legal_and_no_smaller_file_system_would_do():
    for needed in range(50, 60_000, 997):
        size = size_for_throughput(needed)
        assert fsx_sizing.is_legal_capacity(size.capacity_gib)
        smaller = previous_legal(size.capacity_gib)
        if smaller is not None:
            assert LustreSize(smaller, 1000).throughput_mbps < needed
        lower_tiers = [t for t in (125, 250, 500, 1000) if t < size.throughput_per_tib]
        assert all(LustreSize(size.capacity_gib, t).throughput_mbps < needed for t in lower_tiers)


def test_too_much_throughput_cannot_be_sized():
    with pytest.raises(fsx_sizing.CannotSize):
        size_for_throughput(10_000_000)
