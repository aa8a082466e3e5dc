"""Parsing and writing of ``Sec-WebSocket-Extensions`` (RFC 6455 section 9.1).

The ABNF, from section 9.1 and RFC 7230's list rule::

    Sec-WebSocket-Extensions = extension-list
    extension-list = 1#extension
    extension = extension-token *( ";" extension-param )
    extension-param = token [ "=" (token | quoted-string) ]

A quoted value must still be a token once unquoted (section 9.1), so an
escape sequence never appears in a valid one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .exceptions import HandshakeError

__all__ = ("format_extension", "parse_extensions")

#: One parsed extension: its name and its parameters in order (a parameter
#: without a value maps to ``None``).
ExtensionOffer = tuple[str, list[tuple[str, "str | None"]]]

_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_PARAM = re.compile(rf"\s*({_TOKEN})\s*(?:=\s*(?:({_TOKEN})|\"({_TOKEN})\"))?\s*")
_NAME = re.compile(rf"\s*({_TOKEN})\s*")


def parse_extensions(values: Iterable[str]) -> list[ExtensionOffer]:
    """Every extension named in the ``Sec-WebSocket-Extensions`` header lines.

    Args:
        values: the values of each ``Sec-WebSocket-Extensions`` line, in order.

    Returns:
        ``(name, [(param, value or None), ...])`` per extension, in order;
        names and parameter names lower-cased.

    Raises:
        HandshakeError: the header does not follow the ABNF (status 400).
    """
    result: list[ExtensionOffer] = []
    for value in values:
        for item in value.split(","):
            if not item.strip():
                continue  # RFC 7230 section 7: empty list elements are allowed
            name_part, *param_parts = item.split(";")
            match = _NAME.fullmatch(name_part)
            if match is None:
                raise HandshakeError(f"malformed extension {item.strip()!r}")
            params: list[tuple[str, str | None]] = []
            for part in param_parts:
                param = _PARAM.fullmatch(part)
                if param is None:
                    raise HandshakeError(f"malformed extension parameter {part!r}")
                params.append(
                    (param.group(1).lower(), param.group(2) or param.group(3))
                )
            result.append((match.group(1).lower(), params))
    return result


def format_extension(name: str, params: Iterable[tuple[str, str | None]]) -> str:
    """One extension as it is written in the header: ``name; a; b=1``."""
    parts = [name]
    for key, value in params:
        parts.append(key if value is None else f"{key}={value}")
    return "; ".join(parts)
