"""The HTTP errors that routing raises, until the HTTP exception classes exist.

Routing needs five answers that are not handlers' own: 404 (no resource), 405
(a resource, but not for this method; with ``Allow``), 400 (a path whose
percent-encoding is broken), 417 (an ``Expect`` it cannot meet) and a 308
redirect from ``normalize_path_middleware``. Routing code only uses the five
``HTTP...`` names at the bottom of this module, with the constructor
arguments of aiohttp's classes of the same names, so replacing the stand-in
classes by the real HTTP exceptions is the one import line below them.

::

    AiowebError                   (aioweb.protocol)
     └── RoutingHTTPError         an HTTP answer decided by routing; ``status``
          ├── RouteNotFound              404
          ├── RouteMethodNotAllowed      405, ``method``, ``allowed_methods``
          ├── InvalidPathEncoding        400, broken %-escapes or UTF-8
          ├── ExpectationNotMet          417
          └── PathRedirect               308, ``location``
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from multidict import CIMultiDict
from yarl import URL

from aioweb.protocol import AiowebError


class RoutingHTTPError(AiowebError):
    """An HTTP answer that routing decided on; ``status`` is the status code.

    Args:
        headers: extra response headers.
        reason: the reason phrase; the status's standard one by default.
        text: the body text; ``"<status>: <reason>"`` by default.
    """

    status_code: ClassVar[int] = 500
    default_reason: ClassVar[str] = "Internal Server Error"

    def __init__(
        self,
        *,
        headers: Mapping[str, str] | None = None,
        reason: str | None = None,
        text: str | None = None,
    ) -> None:
        self.reason = reason if reason is not None else self.default_reason
        self.text = text if text is not None else f"{self.status_code}: {self.reason}"
        super().__init__(self.text, status=self.status_code)
        self.headers: CIMultiDict[str] = CIMultiDict(headers or {})

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.reason}>"


class RouteNotFound(RoutingHTTPError):
    """No resource matches the path (404)."""

    status_code = 404
    default_reason = "Not Found"


class RouteMethodNotAllowed(RoutingHTTPError):
    """A resource matches the path but not the method (405).

    RFC 9110 §15.5.6: the response carries ``Allow`` listing the methods the
    resource does support.

    Args:
        method: the request's method.
        allowed_methods: the methods the matching resources accept.
    """

    status_code = 405
    default_reason = "Method Not Allowed"

    def __init__(
        self,
        method: str,
        allowed_methods: Iterable[str],
        *,
        headers: Mapping[str, str] | None = None,
        reason: str | None = None,
        text: str | None = None,
    ) -> None:
        allowed = frozenset(allowed_methods)
        super().__init__(headers=headers, reason=reason, text=text)
        self.headers["Allow"] = ",".join(sorted(allowed))
        self.method = method.upper()
        self.allowed_methods = set(allowed)


class InvalidPathEncoding(RoutingHTTPError):
    """The path's percent-encoding is malformed or is not UTF-8 (400)."""

    status_code = 400
    default_reason = "Bad Request"


class ExpectationNotMet(RoutingHTTPError):
    """The request's ``Expect`` cannot be met (417, RFC 9110 §10.1.1)."""

    status_code = 417
    default_reason = "Expectation Failed"


class PathRedirect(RoutingHTTPError):
    """Send the client to another location (308, RFC 9110 §15.4.9).

    Args:
        location: where to go; becomes the ``Location`` header.
    """

    status_code = 308
    default_reason = "Permanent Redirect"

    def __init__(
        self,
        location: str | URL,
        *,
        headers: Mapping[str, str] | None = None,
        reason: str | None = None,
        text: str | None = None,
    ) -> None:
        if not str(location):
            raise ValueError("HTTP redirects need a location to redirect to.")
        super().__init__(headers=headers, reason=reason, text=text)
        self.headers["Location"] = str(location)
        self.location = location


# Routing refers only to these five names. When the HTTP exception classes of
# aioweb.web exist, this block becomes one import of the same five names.
HTTPNotFound = RouteNotFound
HTTPMethodNotAllowed = RouteMethodNotAllowed
HTTPBadRequest = InvalidPathEncoding
HTTPExpectationFailed = ExpectationNotMet
HTTPPermanentRedirect = PathRedirect

__all__ = (
    "RoutingHTTPError",
    "RouteNotFound",
    "RouteMethodNotAllowed",
    "InvalidPathEncoding",
    "ExpectationNotMet",
    "PathRedirect",
)
