"""Media types and their parameters (RFC 9110 §8.3.1, §5.6.6).

:func:`parse_mimetype` splits ``text/html; charset=UTF-8`` into type,
subtype, structured-syntax suffix (RFC 6838 §4.2.8) and parameters;
:func:`parse_header_params` is the parameter grammar on its own, shared with
Content-Disposition (RFC 6266 §4.1 uses the same ``;``-separated form).
Parsing is forgiving the way real-world clients need: a parameter that does
not parse is skipped, not fatal; a quoted string loses its quotes and
backslash escapes (RFC 9110 §5.6.4).
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from multidict import MultiDict, MultiDictProxy

__all__ = ("MimeType", "parse_charset", "parse_header_params", "parse_mimetype")

_TOKEN: Final = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
# RFC 9110 §5.6.6: parameter = parameter-name "=" parameter-value, where the
# value is a token or a quoted-string (§5.6.4, with quoted-pair escapes).
_PARAM: Final = re.compile(
    rf"""\s*;\s*(?P<name>{_TOKEN})\s*=\s*
    (?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<token>[^;\s"]+))\s*""",
    re.VERBOSE | re.DOTALL,
)
# HTML's multipart/form-data (RFC 7578 §4.2) percent-encodes '"' in values
# and leaves backslashes alone: there, a quoted value runs to the first quote
# that ends the parameter.
_RAW_PARAM: Final = re.compile(
    rf"""\s*;\s*(?P<name>{_TOKEN})\s*=\s*
    (?:"(?P<quoted>.*?)"(?=\s*(?:;|$))|(?P<token>[^;\s"]+))\s*""",
    re.VERBOSE | re.DOTALL,
)
_SKIP: Final = re.compile(r'(?:[^;"]|"(?:[^"\\]|\\.)*"?)*', re.DOTALL)
_UNESCAPE: Final = re.compile(r"\\(.)", re.DOTALL)


class MimeType(NamedTuple):
    """A parsed media type; ``type``, ``subtype`` and ``suffix`` lower-cased."""

    type: str
    subtype: str
    suffix: str
    parameters: MultiDictProxy[str]


def parse_header_params(text: str, *, escapes: bool = True) -> MultiDict[str]:
    """Parse ``; name=value`` parameters; names are lower-cased.

    Args:
        text: what follows the main value, starting at its first ``;``.
        escapes: whether a backslash escapes the next character in a quoted
            value (RFC 9110 §5.6.4); form-data uses no escapes.

    Example:
        >>> dict(parse_header_params('; charset="utf-8"; q=1'))
        {'charset': 'utf-8', 'q': '1'}
    """
    params: MultiDict[str] = MultiDict()
    pattern = _PARAM if escapes else _RAW_PARAM
    pos = 0
    while pos < len(text):
        match = pattern.match(text, pos)
        if match is not None:
            quoted = match.group("quoted")
            if quoted is None:
                value = match["token"]
            else:
                value = _UNESCAPE.sub(r"\1", quoted) if escapes else quoted
            params.add(match["name"].lower(), value)
            pos = match.end()
            continue
        # Skip a malformed parameter up to the next ';' outside quotes.
        start = len(text) - len(text[pos:].lstrip())
        if text.startswith(";", start):
            start += 1
        skipped = _SKIP.match(text, start)
        assert skipped is not None  # the pattern matches the empty string
        pos = max(skipped.end(), start)
    return params


def parse_mimetype(mimetype: str) -> MimeType:
    """Parse a media type such as a Content-Type value.

    An empty or bare value gives empty strings, not an error.

    Example:
        >>> mt = parse_mimetype("application/ld+json; charset=UTF-8")
        >>> (mt.type, mt.subtype, mt.suffix, mt.parameters["charset"])
        ('application', 'ld+json', 'json', 'UTF-8')
    """
    if not mimetype:
        return MimeType("", "", "", MultiDictProxy(MultiDict()))
    main, semicolon, rest = mimetype.partition(";")
    params = parse_header_params(semicolon + rest)
    full = main.strip().lower()
    if full == "*":
        full = "*/*"
    mtype, _, subtype = full.partition("/")
    _, plus, suffix = subtype.partition("+")
    return MimeType(
        mtype.strip(),
        subtype.strip(),
        suffix.strip() if plus else "",
        MultiDictProxy(params),
    )


def parse_charset(content_type: str | None) -> str | None:
    """Return the ``charset`` parameter of a Content-Type value, if any."""
    if not content_type:
        return None
    charset = parse_mimetype(content_type).parameters.get("charset")
    return charset or None
