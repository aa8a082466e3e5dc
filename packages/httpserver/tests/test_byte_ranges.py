"""Reading the Range header against a size (RFC 9110 §14.1.2, §14.2)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aioweb.web.byte_ranges import MAX_RANGES, RangeNotSatisfiable, parse_byte_ranges


@pytest.mark.parametrize(
    ("value", "size", "expected"),
    [
        ("bytes=0-0", 10, [(0, 1)]),
        ("bytes=0-9", 10, [(0, 10)]),
        ("bytes=0-100", 10, [(0, 10)]),
        ("bytes=5-", 10, [(5, 10)]),
        ("bytes=-3", 10, [(7, 10)]),
        ("bytes=-30", 10, [(0, 10)]),
        ("BYTES=1-2", 10, [(1, 3)]),
        ("bytes = 1-2", 10, [(1, 3)]),
        ("bytes=1-2, 5-6", 10, [(1, 3), (5, 7)]),
        ("bytes=5-6,1-2", 10, [(5, 7), (1, 3)]),  # the client's order
        ("bytes=1-2,,5-6,", 10, [(1, 3), (5, 7)]),  # empty list elements
        ("bytes=0-4,3-8", 10, [(0, 9)]),  # overlapping: merged
        ("bytes=0-4,5-8", 10, [(0, 9)]),  # touching: merged
        ("bytes=0-1,0-1,0-1", 10, [(0, 2)]),
        ("bytes=50-60,2-3", 10, [(2, 4)]),  # the unsatisfiable one dropped
        ("bytes=0-0,-0", 10, [(0, 1)]),
    ],
)
def test_ranges(value: str, size: int, expected: list[tuple[int, int]]) -> None:
    assert parse_byte_ranges(value, size) == expected


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ("bytes=10-", 10),
        ("bytes=10-20", 10),
        ("bytes=0-", 0),
        ("bytes=-5", 0),
        ("bytes=-0", 10),
        ("bytes=5-4", 10),
        ("bytes=-", 10),
        ("bytes=", 10),
        ("bytes=,", 10),
        ("bytes=a-b", 10),
        ("bytes=1-2;3-4", 10),
        ("bytes=0x1-2", 10),
        ("bytes=+1-2", 10),
        ("bytes=1 -2", 10),
        ("bytes", 10),
        ("=0-1", 10),
        ("none", 10),
        ("bytes=" + ",".join(f"{n}-{n}" for n in range(MAX_RANGES + 1)), 1000),
    ],
)
def test_refused(value: str, size: int) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_byte_ranges(value, size)


def test_the_limit_itself_is_allowed() -> None:
    value = "bytes=" + ",".join(f"{2 * n}-{2 * n}" for n in range(MAX_RANGES))
    assert len(parse_byte_ranges(value, 1000) or []) == MAX_RANGES


@pytest.mark.parametrize("value", ["items=0-5", "x-custom=1", "none=0-1"])
def test_other_units_are_ignored(value: str) -> None:
    assert parse_byte_ranges(value, 10) is None


@given(
    st.integers(0, 500),
    st.lists(
        st.tuples(st.one_of(st.none(), st.integers(0, 600)), st.integers(0, 600)),
        min_size=1,
        max_size=10,
    ),
)
def test_every_answer_lies_in_the_file(
    size: int, specs: list[tuple[int | None, int]]
) -> None:
    value = "bytes=" + ",".join(
        f"-{b}" if a is None else f"{a}-{a + b}" for a, b in specs
    )
    try:
        ranges = parse_byte_ranges(value, size)
    except RangeNotSatisfiable:
        return
    assert ranges
    for start, stop in ranges:
        assert 0 <= start < stop <= size
    ordered = sorted(ranges)
    for (_, earlier_stop), (later_start, _) in itertools.pairwise(ordered):
        assert earlier_stop < later_start  # no overlap survives
