"""Content-Disposition: building and parsing (RFC 6266, RFC 7578 §4.2).

Two dialects exist and both are handled:

* In HTTP responses (RFC 6266) a parameter value is a token or a
  quoted-string with backslash escapes; a non-ASCII file name travels as
  ``filename*=UTF-8''<percent-encoded>`` (RFC 8187), beside an ASCII
  ``filename`` fallback for old clients (RFC 6266 §4.3).
* In ``multipart/form-data`` (RFC 7578 §4.2, and what browsers send) values
  are quoted strings of raw UTF-8 in which ``"``, CR and LF are
  percent-encoded as ``%22``, ``%0D`` and ``%0A``; ``filename*`` is not used.

Either way no value can carry a raw CR, LF or NUL into a header.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from typing import Final
from urllib.parse import quote, unquote

from .mimetypes import parse_header_params

__all__ = (
    "content_disposition_filename",
    "content_disposition_header",
    "parse_content_disposition",
)

_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 8187 §3.2.1: ext-value = charset "'" [ language ] "'" value-chars.
_EXT_VALUE: Final = re.compile(
    r"([A-Za-z0-9!#$%&+\-^_`{}~]+)'([A-Za-z0-9\-]*)'(.*)", re.DOTALL
)
# RFC 2231 §3: name*0, name*1*, ... continuations of one long value.
_CONTINUATION: Final = re.compile(r"(.+?)\*(\d+)(\*?)")
_FORM_ESCAPES: Final = {'"': "%22", "\r": "%0D", "\n": "%0A"}
_FORM_UNESCAPE: Final = re.compile(r"%(22|0D|0A)", re.IGNORECASE)


def _form_quote(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL in a Content-Disposition value")
    return '"' + "".join(_FORM_ESCAPES.get(c, c) for c in value) + '"'


def _http_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def content_disposition_header(
    disptype: str,
    quote_fields: bool = True,
    _charset: str = "utf-8",
    **params: str,
) -> str:
    """Build a Content-Disposition value.

    Args:
        disptype: ``form-data``, ``attachment``, ``inline``... (a token).
        quote_fields: quote every value. With False, values that are tokens
            are left bare and others are backslash-quoted.
        _charset: the charset of ``name*`` extended values (RFC 8187).
        **params: the parameters, e.g. ``name="field"``, ``filename="a.txt"``.

    Raises:
        ValueError: the type or a parameter name is not a token, or a value
            holds NUL (or CR/LF where it cannot be escaped).

    Example:
        >>> content_disposition_header("form-data", name="f", filename='a"b.txt')
        'form-data; name="f"; filename="a%22b.txt"'
        >>> content_disposition_header("attachment", filename="naïve.txt")
        'attachment; filename="na_ve.txt"; filename*=utf-8\\'\\'na%C3%AFve.txt'
    """
    if not _TOKEN.fullmatch(disptype):
        raise ValueError(f"bad content disposition type {disptype!r}")
    parts = [disptype]
    form = disptype.lower() == "form-data"
    for key, value in params.items():
        if not _TOKEN.fullmatch(key):
            raise ValueError(f"bad content disposition parameter {key!r}")
        if form:
            parts.append(f"{key}={_form_quote(value)}")
            continue
        if "\x00" in value:
            raise ValueError("NUL in a Content-Disposition value")
        if value.isascii() and "\r" not in value and "\n" not in value:
            bare = not quote_fields and _TOKEN.fullmatch(value)
            parts.append(f"{key}={value if bare else _http_quote(value)}")
            continue
        # RFC 6266 §4.3: an ASCII fallback first, then the exact value.
        if key.lower() == "filename":
            fallback = "".join(
                c if c.isascii() and c.isprintable() else "_" for c in value
            )
            parts.append(f"{key}={_http_quote(fallback)}")
        parts.append(f"{key}*={_charset}''{quote(value, safe='', encoding=_charset)}")
    return "; ".join(parts)


def _decode_ext_value(value: str) -> str | None:
    match = _EXT_VALUE.fullmatch(value)
    if match is None:
        return None
    charset, _, encoded = match.groups()
    return _unquote(encoded, charset)


def _unquote(encoded: str, charset: str) -> str | None:
    try:
        codecs.lookup(charset)  # unquote() only looks it up for a %XX
        return unquote(encoded, encoding=charset, errors="strict")
    except (LookupError, UnicodeDecodeError):
        return None


def _join_continuations(numbered: dict[int, tuple[str, bool]]) -> str | None:
    """Join RFC 2231 §3-4 pieces; None if they are not numbered from 0 on."""
    if sorted(numbered) != list(range(len(numbered))):
        return None
    first, extended = numbered[0]
    if not extended:
        return "".join(value for value, _ in (numbered[i] for i in sorted(numbered)))
    match = _EXT_VALUE.fullmatch(first)
    if match is None:
        return None
    charset, _, encoded = match.groups()
    # Starred pieces are percent-encoded in the first piece's charset;
    # unstarred ones are literal: quote those to decode all at once.
    for index in range(1, len(numbered)):
        value, starred = numbered[index]
        encoded += value if starred else quote(value, safe="")
    return _unquote(encoded, charset)


def parse_content_disposition(header: str | None) -> tuple[str | None, dict[str, str]]:
    """Parse a Content-Disposition value.

    Extended values (``filename*``) are decoded (RFC 8187) and kept under
    their own ``*`` name; RFC 2231 continuations (``filename*0``,
    ``filename*1*``...) are joined. In ``form-data``, a backslash is an
    ordinary character and ``%22``, ``%0D`` and ``%0A`` in quoted values are
    decoded (RFC 7578 §4.2, as browsers write them).

    Returns:
        ``(disposition type lower-cased, parameters)``; ``(None, {})`` when
        the value is missing or its type is not a token.

    Example:
        >>> parse_content_disposition("attachment; filename*=UTF-8''%E2%82%AC.txt")
        ('attachment', {'filename*': '€.txt'})
    """
    if not header:
        return None, {}
    disptype, semicolon, rest = header.partition(";")
    disptype = disptype.strip()
    if not _TOKEN.fullmatch(disptype):
        return None, {}
    disptype = disptype.lower()
    form = disptype == "form-data"
    params: dict[str, str] = {}
    pieces: dict[str, dict[int, tuple[str, bool]]] = {}
    for name, value in parse_header_params(semicolon + rest, escapes=not form).items():
        continuation = _CONTINUATION.fullmatch(name)
        if continuation is not None:
            base, index, star = continuation.groups()
            pieces.setdefault(base, {})[int(index)] = (value, bool(star))
            continue
        if name.endswith("*"):
            decoded = _decode_ext_value(value)
            if decoded is None:
                continue  # an undecodable extended value is ignored (RFC 6266 §4.3)
            value = decoded
        elif form:
            value = _FORM_UNESCAPE.sub(lambda m: unquote(m.group(0)), value)
        params.setdefault(name, value)
    for base, numbered in pieces.items():
        joined = _join_continuations(numbered)
        if joined is not None:
            params.setdefault(base + ("*" if numbered[0][1] else ""), joined)
    return disptype, params


def content_disposition_filename(
    params: Mapping[str, str], name: str = "filename"
) -> str | None:
    """The file name from parsed parameters: ``filename*`` wins over ``filename``.

    Example:
        >>> content_disposition_filename({"filename": "a.txt", "filename*": "ä.txt"})
        'ä.txt'
    """
    extended = params.get(name + "*")
    if extended is not None:
        return extended
    return params.get(name)
