"""Serialising a message head, refusing anything that could inject a header.

Every piece of a head the writer is given is checked before a byte of it is
made: the start line's method (a token), target (no whitespace or control
characters), version and reason phrase, each field name (a token) and each
field value (no control characters but HTAB). CR and LF are what an attacker
needs to end a field early and start one of their own (response splitting,
request smuggling); NUL truncates heads in some peers. A message that fails
raises :class:`~aioweb.protocol.HeaderInjectionError` and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from operator import itemgetter
from typing import Final

from .exceptions import HeaderInjectionError

__all__ = ("serialize_head", "validate_field", "validate_start_line")

# RFC 9110 §5.6.2: token = 1*tchar.
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 9110 §5.5: field-vchar is VCHAR or obs-text; SP and HTAB may appear
# inside a value. Every other control character is refused.
_BAD_VALUE: Final = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# RFC 9112 §3.2: a request-target holds no whitespace or control characters.
_BAD_TARGET: Final = re.compile(r"[\x00-\x20\x7f]")
# RFC 9112 §2.3.
_VERSION: Final = re.compile(r"HTTP/[0-9]\.[0-9]")
# RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ].
_STATUS: Final = re.compile(r"[1-9][0-9][0-9]")

# Field names repeat on every message; remember the good ones.
_good_names: set[str] = set()
_first: Final = itemgetter(0)
_second: Final = itemgetter(1)
# Status lines repeat too ("HTTP/1.1 200 OK"); request lines rarely do.
_good_status_lines: set[str] = set()
# Whole heads repeat as well: a server answers most requests with the same
# few (only Date changes, once a second). A head found here was checked
# when it was made; the cache is emptied when full, so it stays small.
_HEADS_CACHED: Final = 256
_heads: dict[tuple[str, tuple[tuple[str, str], ...]], bytes] = {}


def _show(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def validate_start_line(line: str) -> None:
    """Check a request line or a status line.

    ``HTTP/1.1 200 OK`` is a status line; ``GET /path HTTP/1.1`` a request
    line.

    Raises:
        HeaderInjectionError: a part holds a forbidden character or is not
            the shape its RFC gives.
    """
    if line.startswith("HTTP/"):
        version, _, rest = line.partition(" ")
        status, _, reason = rest.partition(" ")
        if not _VERSION.fullmatch(version) or not _STATUS.fullmatch(status):
            raise HeaderInjectionError(f"invalid status line {_show(line)}")
        if _BAD_VALUE.search(reason):
            raise HeaderInjectionError(
                f"control character in the reason phrase {_show(reason)}"
            )
        return
    parts = line.split(" ")
    if len(parts) != 3:
        if _BAD_VALUE.search(line):
            raise HeaderInjectionError(f"control character in {_show(line)}")
        raise HeaderInjectionError(f"invalid request line {_show(line)}")
    method, target, version = parts
    if not _TOKEN.fullmatch(method):
        raise HeaderInjectionError(f"invalid method {_show(method)}")
    if not target or _BAD_TARGET.search(target):
        raise HeaderInjectionError(f"invalid request target {_show(target)}")
    if not _VERSION.fullmatch(version):
        raise HeaderInjectionError(f"invalid HTTP version {_show(version)}")


def validate_field(name: str, value: str) -> None:
    """Check one header field.

    Raises:
        HeaderInjectionError: the name is not a token, or the value holds a
            control character other than HTAB.
    """
    if name not in _good_names:
        if not _TOKEN.fullmatch(name):
            raise HeaderInjectionError(f"invalid header name {_show(name)}")
        if len(_good_names) < 1024:
            _good_names.add(name)
    if _BAD_VALUE.search(value):
        raise HeaderInjectionError(
            f"control character in the value of header {name!r}: {_show(value)}"
        )


def serialize_head(start_line: str, headers: Iterable[tuple[str, str]]) -> bytes:
    """Build a head: the start line, each field, and the empty line.

    Args:
        start_line: a request line or a status line, without CRLF.
        headers: ``(name, value)`` pairs, e.g. ``CIMultiDict.items()``.

    Returns:
        The head's bytes; values encoded as UTF-8.

    Raises:
        HeaderInjectionError: any part is invalid (see
            :func:`validate_start_line` and :func:`validate_field`).

    Example:
        >>> serialize_head("HTTP/1.1 200 OK", [("Content-Length", "0")])
        b'HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n'
    """
    fields = tuple(headers)
    key = (start_line, fields)
    head = _heads.get(key)
    if head is not None:
        return head  # made and checked before
    head = _serialize(start_line, fields)
    if len(_heads) >= _HEADS_CACHED:
        _heads.clear()
    _heads[key] = head
    return head


def _serialize(start_line: str, fields: tuple[tuple[str, str], ...]) -> bytes:
    if start_line not in _good_status_lines:
        validate_start_line(start_line)
        if start_line.startswith("HTTP/") and len(_good_status_lines) < 256:
            _good_status_lines.add(start_line)
    if not _good_names.issuperset(map(_first, fields)):
        for name, _ in fields:
            validate_field(name, "")
    # One C-speed check over every value; only a value holding a tab, a
    # control character or unprintable Unicode takes the exact, slower path.
    if not "".join(map(_second, fields)).isprintable():
        for name, value in fields:
            validate_field(name, value)
    if not fields:
        return f"{start_line}\r\n\r\n".encode()
    lines = "\r\n".join(map(": ".join, fields))
    return f"{start_line}\r\n{lines}\r\n\r\n".encode()
