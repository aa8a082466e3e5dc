"""The ``Range`` header of a request, read against a file's size.

RFC 9110 §14.1.2::

    ranges-specifier = range-unit "=" range-set
    range-set        = 1#range-spec
    range-spec       = int-range / suffix-range / other-range
    int-range        = first-pos "-" [ last-pos ]
    suffix-range     = "-" suffix-length

:func:`parse_byte_ranges` turns the header into half-open ``(start, stop)``
pairs clipped to the size, in the order asked. A malformed ``bytes`` range
set, one with no satisfiable range, or one that asks for too many pieces is
refused with :class:`RangeNotSatisfiable` (416, §15.5.17); a range unit
other than ``bytes`` is ignored (§14.2: the whole file is sent).

Overlapping or touching ranges are merged (§14.3 lets a server coalesce
them): a request for the same bytes many times over cannot multiply the
response.
"""

from __future__ import annotations

import itertools
import re
from typing import Final

__all__ = ("MAX_RANGES", "RangeNotSatisfiable", "parse_byte_ranges")

#: The most pieces one request may ask for; more is refused with 416.
MAX_RANGES: Final = 64

_UNIT_RE: Final = re.compile(r"[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*=(.*)", re.S)
_SPEC_RE: Final = re.compile(r"[ \t]*(\d*)-(\d*)[ \t]*")


class RangeNotSatisfiable(ValueError):
    """The ``Range`` header cannot be served: the answer is 416."""


def parse_byte_ranges(value: str, size: int) -> list[tuple[int, int]] | None:
    """Read a ``Range`` header for a representation of ``size`` bytes.

    Args:
        value: the field value, such as ``bytes=0-99,-10``.
        size: the length of the representation.

    Returns:
        ``(start, stop)`` pairs (``stop`` excluded), merged where they
        overlap or touch, or ``None`` when the unit is not ``bytes`` and the
        header must be ignored.

    Raises:
        RangeNotSatisfiable: the range set is malformed, asks for more than
            :data:`MAX_RANGES` pieces, or no range of it lies in the file.
    """
    unit_match = _UNIT_RE.fullmatch(value)
    if unit_match is None:
        raise RangeNotSatisfiable(f"malformed Range: {value!r}")
    if unit_match[1].lower() != "bytes":
        return None
    specs = [spec for spec in unit_match[2].split(",") if spec.strip(" \t")]
    if not specs:
        raise RangeNotSatisfiable(f"empty range set: {value!r}")
    if len(specs) > MAX_RANGES:
        raise RangeNotSatisfiable(f"more than {MAX_RANGES} ranges")
    ranges = []
    for spec in specs:
        match = _SPEC_RE.fullmatch(spec)
        if match is None:
            raise RangeNotSatisfiable(f"malformed range: {spec!r}")
        first, last = match.groups()
        if not first:
            if not last:
                raise RangeNotSatisfiable(f"malformed range: {spec!r}")
            # suffix-range: the last N bytes, the whole file if N >= size.
            length = int(last)
            if length == 0 or size == 0:
                continue
            ranges.append((max(size - length, 0), size))
            continue
        start = int(first)
        if last and int(last) < start:
            # §14.1.1: a last-pos below first-pos makes the range invalid.
            raise RangeNotSatisfiable(f"malformed range: {spec!r}")
        if start >= size:
            continue  # unsatisfiable on its own; others may still be served
        stop = min(int(last) + 1, size) if last else size
        ranges.append((start, stop))
    if not ranges:
        raise RangeNotSatisfiable(f"no range of {value!r} lies in {size} bytes")
    return _coalesced(ranges)


def _coalesced(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    ordered = sorted(ranges)
    if all(earlier[1] < later[0] for earlier, later in itertools.pairwise(ordered)):
        return ranges  # disjoint: keep the client's order (§14.6)
    merged = [ordered[0]]
    for start, stop in ordered[1:]:
        last_start, last_stop = merged[-1]
        if start <= last_stop:
            merged[-1] = (last_start, max(last_stop, stop))
        else:
            merged.append((start, stop))
    return merged
