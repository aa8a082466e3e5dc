"""The HTTP errors that routing raises: the real HTTP exceptions, by role.

Routing needs five answers that are not handlers' own: 404 (no resource), 405
(a resource, but not for this method; with ``Allow``), 400 (a path whose
percent-encoding is broken), 417 (an ``Expect`` it cannot meet) and a 308
redirect from ``normalize_path_middleware``. They are the classes of
:mod:`aioweb.web.http_exceptions`, so ``except web.HTTPNotFound`` in a
middleware catches routing's 404 as it does a handler's. The names below
say what routing means by each.
"""

from __future__ import annotations

from ..http_exceptions import (
    HTTPBadRequest,
    HTTPException,
    HTTPExpectationFailed,
    HTTPMethodNotAllowed,
    HTTPNotFound,
    HTTPPermanentRedirect,
)

RoutingHTTPError = HTTPException
RouteNotFound = HTTPNotFound
RouteMethodNotAllowed = HTTPMethodNotAllowed
InvalidPathEncoding = HTTPBadRequest
ExpectationNotMet = HTTPExpectationFailed
PathRedirect = HTTPPermanentRedirect

__all__ = (
    "RoutingHTTPError",
    "RouteNotFound",
    "RouteMethodNotAllowed",
    "InvalidPathEncoding",
    "ExpectationNotMet",
    "PathRedirect",
    "HTTPBadRequest",
    "HTTPExpectationFailed",
    "HTTPMethodNotAllowed",
    "HTTPNotFound",
    "HTTPPermanentRedirect",
)
