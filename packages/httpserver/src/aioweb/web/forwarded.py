"""The ``Forwarded`` header (RFC 7239), parsed but not trusted.

``request.forwarded`` returns what the proxies in front of the server said,
one mapping per forwarded-element (§4), nearest client first. aioweb never
uses it by itself: ``request.host``, ``scheme`` and ``remote`` come from the
``Host`` header and the socket, because any client can send ``Forwarded``.
An application behind proxies it trusts applies the values in a middleware
with ``request.clone(scheme=..., host=..., remote=...)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

__all__ = ("parse_forwarded",)

# RFC 7239 §4: forwarded-pair = token "=" value; value = token / quoted-string
# (RFC 9110 §5.6.2 and §5.6.4 for both).
_TCHAR: Final = r"[!#$%&'*+.^_`|~0-9A-Za-z-]"
_QDTEXT: Final = r"[\t !#-\[\]-~\x80-\xff]"
_QUOTED_PAIR: Final = r"\\[\t !-~\x80-\xff]"
_PAIR_RE: Final = re.compile(
    rf"[ \t]*({_TCHAR}+)=({_TCHAR}+|\"(?:{_QDTEXT}|{_QUOTED_PAIR})*\")[ \t]*"
)
_UNQUOTE_RE: Final = re.compile(r"\\(.)")


def _unquote(value: str) -> str:
    if value.startswith('"'):
        return _UNQUOTE_RE.sub(r"\1", value[1:-1])
    return value


def parse_forwarded(
    field_values: Iterable[str],
) -> tuple[Mapping[str, str], ...]:
    """Parse the values of every ``Forwarded`` field line.

    Each forwarded-element becomes a read-only mapping with lower-case
    parameter names and unquoted values; the first occurrence of a
    parameter in an element wins. An element that breaks the grammar is
    kept as far as it parsed, and parsing resumes at the next comma, so one
    sloppy proxy does not hide the others.

    Args:
        field_values: the field values, in order.

    Returns:
        One mapping per element.

    Example:
        >>> parse_forwarded(['for=192.0.2.60;proto=http, for="[2001:db8::1]"'])
        (mappingproxy({'for': '192.0.2.60', 'proto': 'http'}), \
mappingproxy({'for': '[2001:db8::1]'}))
    """
    elements: list[Mapping[str, str]] = []
    for value in field_values:
        pos, end = 0, len(value)
        element: dict[str, str] = {}
        need_separator = False
        while pos < end:
            char = value[pos]
            if char == ",":
                elements.append(MappingProxyType(element))
                element, need_separator = {}, False
                pos += 1
                continue
            if char == ";":
                need_separator = False
                pos += 1
                continue
            if char in " \t":
                pos += 1
                continue
            match = None if need_separator else _PAIR_RE.match(value, pos)
            if match is None:
                # Skip the rest of this broken element.
                comma = value.find(",", pos)
                pos = end if comma < 0 else comma
                continue
            element.setdefault(match[1].lower(), _unquote(match[2]))
            need_separator = True
            pos = match.end()
        elements.append(MappingProxyType(element))
    return tuple(elements)
