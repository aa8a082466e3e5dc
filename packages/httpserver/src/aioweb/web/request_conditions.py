"""Preconditions and ranges of a request (RFC 9110 §13 and §14).

``if_match``/``if_none_match`` (entity-tags), the three date preconditions,
and ``http_range``. A malformed precondition reads as absent: RFC 9110 §13.1
tells a server to ignore it rather than fail the request.
"""

from __future__ import annotations

import datetime
import re
from typing import Final

from multidict import CIMultiDictProxy

from aioweb.protocol import ETag, parse_etag_list

from .content_headers import parse_http_date

__all__ = ("ConditionalHeadersMixin",)

# RFC 9110 §14.1.2: one byte-range; a set of ranges is not read by http_range.
_RANGE_RE: Final = re.compile(r"bytes=(\d*)-(\d*)")


class ConditionalHeadersMixin:
    """The precondition and range properties of :class:`~aioweb.web.BaseRequest`."""

    __slots__ = ()

    _headers: CIMultiDictProxy[str]

    @property
    def if_modified_since(self) -> datetime.datetime | None:
        """``If-Modified-Since`` as a UTC datetime; None if absent or invalid."""
        return parse_http_date(self._headers.get("If-Modified-Since"))

    @property
    def if_unmodified_since(self) -> datetime.datetime | None:
        """``If-Unmodified-Since`` as a UTC datetime; None if absent or invalid."""
        return parse_http_date(self._headers.get("If-Unmodified-Since"))

    @property
    def if_range(self) -> datetime.datetime | None:
        """``If-Range`` as a UTC datetime; None if absent or not a date."""
        return parse_http_date(self._headers.get("If-Range"))

    def _etags(self, name: str) -> tuple[ETag, ...] | None:
        values = self._headers.getall(name, ())
        if not values:
            return None
        try:
            return parse_etag_list(", ".join(values))
        except ValueError:
            return None

    @property
    def if_match(self) -> tuple[ETag, ...] | None:
        """The ``If-Match`` entity-tags; None if absent or malformed."""
        return self._etags("If-Match")

    @property
    def if_none_match(self) -> tuple[ETag, ...] | None:
        """The ``If-None-Match`` entity-tags; None if absent or malformed."""
        return self._etags("If-None-Match")

    @property
    def http_range(self) -> slice:
        """The ``Range`` header as a slice (one range of bytes only).

        ``bytes=0-99`` is ``slice(0, 100)``, ``bytes=-100`` (the last 100)
        is ``slice(-100, None)``, no header is ``slice(None, None)``.

        Raises:
            ValueError: the header is not a single byte range.
        """
        value = self._headers.get("Range")
        if value is None:
            return slice(None, None, 1)
        match = _RANGE_RE.fullmatch(value.strip())
        if match is None:
            raise ValueError("range not in acceptable format")
        first, last = match.groups()
        start = int(first) if first else None
        end = int(last) if last else None
        if start is None:
            if end is None:
                raise ValueError("No start or end of range specified")
            return slice(-end, None, 1)
        if end is not None:
            end += 1  # the header's end is inclusive, a slice's is not
            if start >= end:
                raise ValueError("start cannot be after end")
        return slice(start, end, 1)
