"""Path decoding for matching, and quoting for ``url_for``.

How this works: routes are written as decoded text (``/café/{name}``) and the
router matches them against the request path decoded the same way, in a
"safe" form: every ``%XX`` escape is decoded (as UTF-8), except ``%2F`` and
``%25``, which stay escaped. So an encoded slash never splits a segment
(``/files/a%2Fb`` is the one segment ``a%2Fb``), and a literal ``%`` cannot be
mistaken for an escape. Matched values are then unquoted once more
(:func:`unquote_value`), so handlers see ``a/b`` and ``100%``: aiohttp's
semantics for ``match_info``.

A literal ``%`` in a route's path is a percent sign; it is kept as ``%25`` in
the route's safe form so that it matches the escaped ``%25`` of a request.

RFC 3986 §2.1 defines a percent-encoded octet as ``%`` and two hex digits;
a ``%`` not followed by two hex digits, or escapes that decode to invalid
UTF-8, make the path invalid (:class:`InvalidPath`): the request gets 400,
where aiohttp would pass the text through undecoded.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import quote

_ESCAPES: Final = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_BROKEN_ESCAPE: Final = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SAFE_ESCAPES: Final = re.compile(r"%2[5Ff]")

# RFC 3986 §3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@".
# quote() always keeps the unreserved set; these are the rest, plus "/".
_PCHAR_SAFE: Final = "!$&'()*+,;=:@"


class InvalidPath(ValueError):
    """A request path whose percent-encoding is malformed or not UTF-8."""


def _decode_run(match: re.Match[str]) -> str:
    run = match.group()
    try:
        text = bytes.fromhex(run.replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidPath(f"percent-escapes {run!r} are not UTF-8") from None
    # Keep the two escapes that would change the path's structure if decoded.
    return text.replace("%", "%25").replace("/", "%2F")


def decode_path(raw_path: str) -> str:
    """Decode a raw request path into the safe form that routes match.

    Args:
        raw_path: the path as sent, percent-encoded.

    Returns:
        The path with every escape decoded except ``%2F`` and ``%25``
        (normalised to upper case).

    Raises:
        InvalidPath: a ``%`` without two hex digits, or escapes that do not
            decode as UTF-8.
    """
    if "%" not in raw_path:
        return raw_path
    if _BROKEN_ESCAPE.search(raw_path) is not None:
        raise InvalidPath(f"malformed percent-escape in {raw_path!r}")
    return _ESCAPES.sub(_decode_run, raw_path)


def _unescape(match: re.Match[str]) -> str:
    return "%" if match.group() == "%25" else "/"


def unquote_value(value: str) -> str:
    """Turn a matched value from safe form into the text handlers see."""
    if "%" not in value:
        return value
    return _SAFE_ESCAPES.sub(_unescape, value)


def to_safe_form(path: str) -> str:
    """A route's decoded path text in the safe form requests are matched in."""
    return path.replace("%", "%25")


def quote_path(path: str) -> str:
    """Percent-encode decoded path text for a URL; ``/`` is kept."""
    return quote(path, safe="/" + _PCHAR_SAFE)


def quote_segment(value: str) -> str:
    """Percent-encode a value for a single path segment; ``/`` is escaped."""
    return quote(value, safe=_PCHAR_SAFE)


__all__ = (
    "InvalidPath",
    "decode_path",
    "quote_path",
    "quote_segment",
    "to_safe_form",
    "unquote_value",
)
