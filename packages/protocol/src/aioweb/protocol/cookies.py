"""Cookies: reading ``Set-Cookie`` and ``Cookie``, writing both (RFC 6265).

How this works: a ``Set-Cookie`` value is read with the algorithm of RFC 6265
§5.2 (tightened where RFC 6265bis tightens it), and becomes a
:class:`http.cookies.Morsel`, the type aiohttp's cookie jar and responses
hold, so code that inspects ``morsel["domain"]`` keeps working. What the
algorithm would have ignored is ignored; what makes a cookie unsafe or
meaningless drops the whole cookie, with a debug line on the
``aioweb.protocol.cookies`` logger and never an exception. Attribute values
are stored normalised: ``expires`` as an IMF-fixdate, ``max-age`` as a
decimal integer, ``domain`` lower case without its leading dot, ``samesite``
as ``Strict``, ``Lax`` or ``None``.

A morsel's ``coded_value`` is the value as it was received, quotes included,
and is what a client sends back (browsers return the value verbatim);
``value`` is the same with its quotes and escapes undone.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import datetime
from http.cookies import Morsel
from typing import ClassVar, Final

from .cookie_dates import format_cookie_date, normalize_cookie_date

__all__ = (
    "CookieMorsel",
    "format_cookie_header",
    "make_set_cookie",
    "parse_cookie_header",
    "parse_set_cookie",
    "parse_set_cookie_headers",
    "quote_cookie_value",
    "unquote_cookie_value",
)

_logger = logging.getLogger(__name__)

#: RFC 6265bis §5.6: a name and value longer than this together are ignored.
MAX_NAME_VALUE_SIZE: Final = 4096
#: RFC 6265bis §5.6: a longer attribute value is ignored.
MAX_ATTRIBUTE_VALUE_SIZE: Final = 1024

# cookie-name = token (RFC 6265 §4.1.1), widened to the visible ASCII that
# servers put in names in practice (PHP's "a[b]", "/", "?"): everything but
# DQUOTE, comma, semicolon, "=" and backslash.
_NAME_RE: Final = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c\x3e-\x5b\x5d-\x7e]+")
# cookie-octet (RFC 6265 §4.1.1): a value of these needs no quotes.
_COOKIE_OCTETS_RE: Final = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*")
# RFC 6265bis §5.6: a control character other than HTAB voids the cookie.
_CTL_RE: Final = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# max-age-av (RFC 6265 §5.2.2): an optional minus and digits.
_MAX_AGE_RE: Final = re.compile(r"-?[0-9]+")
# A DNS name or an IPv4 address once IDNA has made it ASCII.
_DOMAIN_RE: Final = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?")
# Inside quotes, what a naive splitter or the header itself cannot carry is
# written as a backslash and three octal digits, as http.cookies does, so
# http.cookies and aiohttp read it back.
_ESCAPED_RE: Final = re.compile(r'[\x00-\x1f\x7f",;\\]')
_UNESCAPE_RE: Final = re.compile(r"\\(?:([0-3][0-7][0-7])|(.))", re.DOTALL)
_SAME_SITE: Final = {"strict": "Strict", "lax": "Lax", "none": "None"}
_WHITESPACE: Final = " \t"
_FLAGS: Final = frozenset({"secure", "httponly", "partitioned"})


class CookieMorsel(Morsel[str]):
    """A :class:`http.cookies.Morsel` that knows ``Partitioned`` on every Python.

    ``Partitioned`` (CHIPS) became a reserved Morsel attribute in Python 3.14;
    this subclass adds it for older versions without patching the standard
    library's class.
    """

    _reserved: ClassVar[dict[str, str]] = {
        **Morsel._reserved,  # type: ignore[attr-defined]
        "partitioned": "Partitioned",
    }
    _flags: ClassVar[set[str]] = {*Morsel._flags, "partitioned"}  # type: ignore[attr-defined]

    def __init__(self) -> None:
        # Morsel.__init__ sets each reserved key in a Python loop; one
        # dict.update of a prepared mapping does the same, several times faster.
        self._key: str | None = None
        self._value: str | None = None
        self._coded_value: str | None = None
        dict.update(self, _EMPTY_ATTRIBUTES)

    def copy(self) -> CookieMorsel:
        # Morsel.copy() builds a plain Morsel, which would lose Partitioned.
        morsel = CookieMorsel()
        dict.update(morsel, self)
        morsel.__dict__.update(self.__dict__)
        return morsel


_EMPTY_ATTRIBUTES: Final = dict.fromkeys(CookieMorsel._reserved, "")


def _new_morsel(name: str, value: str, coded_value: str) -> CookieMorsel:
    morsel = CookieMorsel()
    # Morsel.set() refuses names outside RFC 2109's token, such as "a[b]",
    # that real servers send and browsers keep; names are checked here.
    morsel._key = name
    morsel._value = value
    morsel._coded_value = coded_value
    return morsel


def quote_cookie_value(value: str) -> str:
    """Write a value so that it survives a ``Cookie`` or ``Set-Cookie`` header.

    A value made only of ``cookie-octet`` (RFC 6265 §4.1.1) is written as it
    is. Any other is put in double quotes, with ``"``, ``\\``, ``,``, ``;``
    and control characters written as ``\\`` and three octal digits, as
    :mod:`http.cookies` reads them.

    Args:
        value: the value, as the application means it.

    Returns:
        The value as it goes on the wire.
    """
    if _COOKIE_OCTETS_RE.fullmatch(value):
        return value
    escaped = _ESCAPED_RE.sub(lambda m: f"\\{ord(m[0]):03o}", value)
    return f'"{escaped}"'


def unquote_cookie_value(value: str) -> str:
    """Undo the quotes and backslash escapes of a received cookie value.

    Args:
        value: the value as received.

    Returns:
        The value without its surrounding double quotes and with ``\\ooo``
        and ``\\c`` escapes decoded; a value without surrounding quotes is
        returned as it is.
    """
    if len(value) < 2 or value[0] != '"' or value[-1] != '"':
        return value
    return _UNESCAPE_RE.sub(lambda m: chr(int(m[1], 8)) if m[1] else m[2], value[1:-1])


def _drop(header: str, reason: str) -> None:
    _logger.debug("Ignoring Set-Cookie %r: %s", header[:200], reason)


def _normalise_domain(value: str) -> str | None:
    # RFC 6265 §5.2.3: a leading dot is ignored, the rest is compared in
    # lower case; IDNA makes an internationalised name comparable with hosts.
    domain = value.removeprefix(".").lower()
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    return domain if _DOMAIN_RE.fullmatch(domain) else None


def parse_set_cookie(header: str) -> CookieMorsel | None:
    """Read one ``Set-Cookie`` field value.

    Never raises: a cookie that cannot be stored safely is dropped and logged
    at debug level.

    Args:
        header: the value of one ``Set-Cookie`` field line.

    Returns:
        The cookie, or ``None`` if it was dropped: no ``=`` in its first
        pair, an empty or malformed name, a control character, a name and
        value over 4096 characters, a ``Domain`` that is no host name, or a
        ``__Secure-``/``__Host-``/``Partitioned`` cookie without the
        attributes these require (RFC 6265bis §4.1.3).

    Example::

        >>> morsel = parse_set_cookie("id=a3fWa; Max-Age=2592000; Secure")
        >>> morsel.key, morsel.value, morsel["max-age"], morsel["secure"]
        ('id', 'a3fWa', '2592000', True)
    """
    if _CTL_RE.search(header):
        _drop(header, "control character")
        return None
    pair, _, attributes = header.partition(";")
    name, equals, value = pair.partition("=")
    # RFC 6265 §5.2 steps 2-5.
    if not equals:
        _drop(header, "no '=' in the name-value pair")
        return None
    name = name.strip(_WHITESPACE)
    value = value.strip(_WHITESPACE)
    if not _NAME_RE.fullmatch(name):
        _drop(header, "empty or malformed name")
        return None
    if len(name) + len(value) > MAX_NAME_VALUE_SIZE:
        _drop(header, "name and value too long")
        return None
    # RFC 6265 §5.2 step 6 onwards: unknown attributes and attributes with
    # invalid values are ignored; the last of a repeated attribute wins.
    found: dict[str, str | bool] = {}
    if attributes:
        for attribute in attributes.split(";"):
            key, _, raw = attribute.partition("=")
            key = key.strip(_WHITESPACE).lower()
            raw = raw.strip(_WHITESPACE)
            if len(raw) > MAX_ATTRIBUTE_VALUE_SIZE:
                continue
            if key == "path":
                # RFC 6265 §5.2.4: anything but an absolute path means the
                # default path, which the cookie jar computes from the URL.
                if raw[:1] == "/":
                    found["path"] = raw
            elif key in _FLAGS:
                found[key] = True
            elif key == "expires":
                expires = normalize_cookie_date(raw)
                if expires is not None:
                    found["expires"] = expires
            elif key == "max-age":
                if _MAX_AGE_RE.fullmatch(raw):
                    found["max-age"] = str(int(raw))
            elif key == "domain":
                # An empty Domain is ignored (RFC 6265 §5.2.3); a malformed
                # one drops the cookie: stored host-only instead, it would be
                # a guess at what the server meant.
                if raw.removeprefix("."):
                    domain = _normalise_domain(raw)
                    if domain is None:
                        _drop(header, "malformed Domain")
                        return None
                    found["domain"] = domain
            elif key == "samesite":
                same_site = _SAME_SITE.get(raw.lower())
                if same_site is not None:
                    found["samesite"] = same_site
        reason = _unmet_requirement(name, found)
        if reason is not None:
            _drop(header, reason)
            return None
    elif name[:2] == "__":
        reason = _unmet_requirement(name, found)
        if reason is not None:
            _drop(header, reason)
            return None
    morsel = _new_morsel(name, unquote_cookie_value(value), value)
    # The keys are reserved Morsel attributes already: skip Morsel's checks.
    dict.update(morsel, found)
    return morsel


def _unmet_requirement(name: str, found: dict[str, str | bool]) -> str | None:
    secure = found.get("secure", False)
    if name[:2] == "__":
        lowered = name.lower()
        # RFC 6265bis §4.1.3: cookie name prefixes, matched case-insensitively.
        if lowered.startswith("__secure-") and not secure:
            return "__Secure- cookie without Secure"
        if lowered.startswith("__host-") and (
            not secure or "domain" in found or found.get("path") != "/"
        ):
            return "__Host- cookie needs Secure, Path=/ and no Domain"
    # CHIPS: browsers refuse a partitioned cookie that is not Secure.
    if "partitioned" in found and not secure:
        return "Partitioned cookie without Secure"
    return None


def parse_set_cookie_headers(headers: Iterable[str]) -> list[tuple[str, Morsel[str]]]:
    """Read every ``Set-Cookie`` field of a response.

    Args:
        headers: the field values, one per field line, in order.

    Returns:
        ``(name, morsel)`` for each cookie kept, in order; dropped ones are
        left out (see :func:`parse_set_cookie`).
    """
    parsed: list[tuple[str, Morsel[str]]] = []
    for header in headers:
        morsel = parse_set_cookie(header)
        if morsel is not None:
            parsed.append((morsel.key, morsel))
    return parsed


def parse_cookie_header(header: str) -> list[tuple[str, str]]:
    """Read a request's ``Cookie`` field (RFC 6265 §4.2.1, §5.4).

    Never raises: a pair without ``=``, with a malformed name or with a
    control character is skipped, with a debug line on the logger.

    Args:
        header: the field value, such as ``a=1; b="x y"``.

    Returns:
        ``(name, value)`` pairs in the order sent, values unquoted. A name
        may repeat: browsers send the cookie with the longest path first, so
        the first is usually the one meant.
    """
    cookies = []
    for pair in header.split(";"):
        name, equals, value = pair.partition("=")
        name = name.strip(_WHITESPACE)
        value = value.strip(_WHITESPACE)
        if not equals or not _NAME_RE.fullmatch(name) or _CTL_RE.search(value):
            if pair.strip(_WHITESPACE):
                _logger.debug("Ignoring cookie pair %r", pair[:200])
            continue
        cookies.append((name, unquote_cookie_value(value)))
    return cookies


def format_cookie_header(cookies: Iterable[tuple[str, str] | Morsel[str]]) -> str:
    """Write the value of a request's ``Cookie`` field (RFC 6265 §5.4).

    Args:
        cookies: morsels, whose ``coded_value`` is sent as it was received,
            or ``(name, value)`` pairs, whose value is quoted as needed by
            :func:`quote_cookie_value`.

    Returns:
        The pairs joined by ``"; "``.

    Raises:
        ValueError: a name is empty or malformed, or a morsel's coded value
            holds a control character or ``;``.

    Example::

        >>> format_cookie_header([("a", "1"), ("b", "x y")])
        'a=1; b="x y"'
    """
    parts = []
    for cookie in cookies:
        if isinstance(cookie, Morsel):
            name, coded = cookie.key, cookie.coded_value
            if _CTL_RE.search(coded) or ";" in coded:
                raise ValueError(f"Cookie {name!r} has an unsafe coded value")
        else:
            name, coded = cookie[0], quote_cookie_value(cookie[1])
        if not _NAME_RE.fullmatch(name):
            raise ValueError(f"Malformed cookie name: {name!r}")
        parts.append(f"{name}={coded}")
    return "; ".join(parts)


def _checked_attribute(name: str, value: str) -> str:
    if _CTL_RE.search(value) or ";" in value:
        raise ValueError(f"{name} may not hold ';' or a control character")
    return value


def make_set_cookie(
    name: str,
    value: str,
    *,
    expires: str | datetime | None = None,
    domain: str | None = None,
    max_age: int | str | None = None,
    path: str = "/",
    secure: bool | None = None,
    httponly: bool | None = None,
    samesite: str | None = None,
    partitioned: bool | None = None,
) -> CookieMorsel:
    """Build the cookie a server sends, with aiohttp's ``set_cookie`` arguments.

    ``morsel.OutputString()`` is then the ``Set-Cookie`` field value.

    Args:
        name: the cookie's name.
        value: its value, quoted as needed by :func:`quote_cookie_value`.
        expires: an HTTP date string, or a datetime written as one.
        domain: the ``Domain`` attribute.
        max_age: seconds until the cookie expires.
        path: the ``Path`` attribute.
        secure: send it over secure channels only.
        httponly: hide it from scripts.
        samesite: ``Strict``, ``Lax`` or ``None`` (any case).
        partitioned: store it per top-level site (CHIPS).

    Returns:
        The cookie.

    Raises:
        ValueError: the name is empty or malformed, an attribute holds
            ``;`` or a control character (which would inject attributes or
            headers), ``max_age`` is not an integer, or ``samesite`` is not
            one of the three values.

    Example::

        >>> make_set_cookie("sid", "abc", httponly=True).OutputString()
        'sid=abc; HttpOnly; Path=/'
    """
    if not _NAME_RE.fullmatch(name):
        raise ValueError(f"Malformed cookie name: {name!r}")
    morsel = _new_morsel(name, value, quote_cookie_value(value))
    if expires is not None:
        if isinstance(expires, datetime):
            expires = format_cookie_date(expires)
        morsel["expires"] = _checked_attribute("expires", expires)
    if domain is not None:
        morsel["domain"] = _checked_attribute("domain", domain)
    if max_age is not None:
        if not _MAX_AGE_RE.fullmatch(str(max_age)):
            raise ValueError(f"max_age must be an integer, not {max_age!r}")
        morsel["max-age"] = str(int(max_age))
    if path:
        morsel["path"] = _checked_attribute("path", path)
    if secure is not None:
        morsel["secure"] = secure
    if httponly is not None:
        morsel["httponly"] = httponly
    if samesite is not None:
        same_site = _SAME_SITE.get(samesite.lower())
        if same_site is None:
            raise ValueError(f"samesite must be Strict, Lax or None: {samesite!r}")
        morsel["samesite"] = same_site
    if partitioned is not None:
        morsel["partitioned"] = partitioned
    return morsel
