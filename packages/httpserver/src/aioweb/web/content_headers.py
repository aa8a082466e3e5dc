"""What requests and responses read alike from their headers.

``content_type``, ``charset`` and ``content_length`` (aiohttp's
``HeadersMixin``), and the HTTP-date fields (RFC 9110 §5.6.7) that the
conditional-request properties read.
"""

from __future__ import annotations

import datetime
from email.utils import parsedate_to_datetime

from multidict import CIMultiDict, CIMultiDictProxy

from aioweb.protocol import parse_mimetype

__all__ = ("ContentHeadersMixin", "charset_of", "content_type_of", "parse_http_date")


def parse_http_date(value: str | None) -> datetime.datetime | None:
    """An HTTP-date as an aware UTC datetime; None when absent or malformed.

    RFC 9110 §13.1.3: a recipient ignores an ``If-Modified-Since`` (and the
    like) whose value is not a valid HTTP-date, so malformed means None, not
    an error.
    """
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # "-0000": RFC 5322's "unknown zone"; HTTP is GMT
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc)


#: What ``content_type`` says when there is no Content-Type (RFC 9110 §8.3:
#: the recipient may assume ``application/octet-stream``).
DEFAULT_CONTENT_TYPE = "application/octet-stream"


def content_type_of(headers: CIMultiDict[str] | CIMultiDictProxy[str]) -> str:
    """The media type of Content-Type, without parameters, lower case."""
    raw = headers.get("Content-Type")
    if not raw:
        return DEFAULT_CONTENT_TYPE
    mimetype = parse_mimetype(raw)
    if not mimetype.type:
        return DEFAULT_CONTENT_TYPE
    return f"{mimetype.type}/{mimetype.subtype}"


def charset_of(headers: CIMultiDict[str] | CIMultiDictProxy[str]) -> str | None:
    """The ``charset`` parameter of Content-Type, if any."""
    raw = headers.get("Content-Type")
    if not raw:
        return None
    return parse_mimetype(raw).parameters.get("charset")


class ContentHeadersMixin:
    """``content_type``, ``charset`` and ``content_length`` from ``_headers``."""

    __slots__ = ()

    _headers: CIMultiDict[str] | CIMultiDictProxy[str]

    @property
    def content_type(self) -> str:
        """The media type of the body, without parameters, lower case."""
        return content_type_of(self._headers)

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of Content-Type, if any."""
        return charset_of(self._headers)

    @property
    def content_length(self) -> int | None:
        """The Content-Length, or None when absent."""
        raw = self._headers.get("Content-Length")
        if raw is None:
            return None
        return int(raw)
