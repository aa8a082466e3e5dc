"""Following redirects: where to go next, with which method, and what to drop.

The rules (RFC 9110 §15.4): 301 and 302 turn a POST into a GET, as browsers
do; 303 turns anything but HEAD into GET; 307 and 308 repeat the method and
body. A body dropped with the method takes its Content-Length and
Content-Type along. The ``Location`` may be relative (resolved against the
URL requested, §10.2.2); it must be an HTTP(S) URL.

Crossing to another origin drops what was meant for the first one only:
``Authorization``, ``Cookie`` given by the caller (the jar's cookies are
filtered per URL anyway) and ``Proxy-Authorization``; an ``http`` to
``https`` move on the same host keeps them, as aiohttp does.
"""

from __future__ import annotations

from typing import Final

from multidict import CIMultiDict
from yarl import URL

from aioweb.protocol import hdrs

from .exceptions import InvalidUrlRedirectClientError, NonHttpUrlRedirectClientError

__all__ = (
    "REDIRECT_STATUSES",
    "redirect_method",
    "redirect_target",
    "is_cross_origin",
    "strip_for_cross_origin",
)

REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
_HTTP_SCHEMES: Final = frozenset({"http", "https", ""})
_CROSS_ORIGIN_HEADERS: Final = (
    hdrs.AUTHORIZATION,
    hdrs.COOKIE,
    hdrs.PROXY_AUTHORIZATION,
)


def redirect_method(status: int, method: str) -> tuple[str, bool]:
    """The method of the next request, and whether the body is dropped."""
    if (status == 303 and method != "HEAD") or (
        status in (301, 302) and method == "POST"
    ):
        return "GET", True
    return method, False


def redirect_target(location: str, current: URL, *, requote: bool = True) -> URL:
    """The absolute URL a ``Location`` value points to.

    Raises:
        InvalidUrlRedirectClientError: the value is not a URL, or has no host.
        NonHttpUrlRedirectClientError: it is not an HTTP(S) URL.
    """
    try:
        parsed = URL(location, encoded=not requote)
    except ValueError as exc:
        raise InvalidUrlRedirectClientError(
            location,
            "Server attempted redirecting to a location that does not look like a URL",
        ) from exc
    if parsed.scheme not in _HTTP_SCHEMES:
        raise NonHttpUrlRedirectClientError(location)
    if not parsed.scheme:
        parsed = current.join(parsed)
    try:
        parsed.origin()
    except ValueError as exc:
        raise InvalidUrlRedirectClientError(
            parsed, "Invalid redirect URL origin"
        ) from exc
    if not parsed.host:
        raise InvalidUrlRedirectClientError(parsed, "Invalid redirect URL origin")
    return parsed


def is_cross_origin(current: URL, target: URL) -> bool:
    """Whether following to ``target`` leaves ``current``'s origin.

    An upgrade from ``http`` to ``https`` on the same host is not a move.
    """
    if current.origin() == target.origin():
        return False
    return not (
        current.host == target.host
        and current.scheme == "http"
        and target.scheme == "https"
    )


def strip_for_cross_origin(headers: CIMultiDict[str]) -> None:
    """Drop the credentials meant for the origin being left."""
    for name in _CROSS_ORIGIN_HEADERS:
        headers.popall(name, None)
