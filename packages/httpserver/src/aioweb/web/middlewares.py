"""Middlewares: ``async def middleware(request, handler)`` around handlers.

A middleware receives the request and the next handler of the chain, and
returns a response (usually ``await handler(request)``). Middlewares of an
application run outermost-first in the order given; those of a
sub-application run inside those of its parent.

Every callable in ``Application(middlewares=...)`` is a new-style middleware;
:func:`middleware` is kept so that code decorated for aiohttp 3.x runs as is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final, TypeVar

from yarl import URL

from .routing.errors import HTTPPermanentRedirect
from .routing.route import SystemRoute
from .typedefs import Handler, Middleware, Request, Response

_MiddlewareT = TypeVar("_MiddlewareT", bound=Middleware)
_SLASHES: Final = re.compile(r"//+")


def middleware(func: _MiddlewareT) -> _MiddlewareT:
    """Mark ``func`` as a ``(request, handler)`` middleware (no other effect).

    Returns:
        ``func`` itself.
    """
    func.__middleware_version__ = 1  # type: ignore[attr-defined]
    return func


def normalize_path_middleware(
    *,
    append_slash: bool = True,
    remove_slash: bool = False,
    merge_slashes: bool = True,
    redirect_class: Callable[[str], BaseException] = HTTPPermanentRedirect,
) -> Middleware:
    """A middleware that redirects to a normalised path when that one resolves.

    Only requests that did not match any route are considered. The
    candidates, tried in order, are: slashes merged; a trailing slash added
    (``append_slash``) or removed (``remove_slash``); both. The first
    candidate that resolves is answered with ``redirect_class(location)``,
    keeping the query string.

    Args:
        append_slash: try the path with a trailing ``/`` added.
        remove_slash: try the path with the trailing ``/`` removed.
        merge_slashes: try the path with runs of ``/`` merged.
        redirect_class: builds the redirect from the new location; 308 by
            default, so the method and body are kept (RFC 9110 §15.4.9).

    Raises:
        ValueError: both ``append_slash`` and ``remove_slash``.
    """
    if append_slash and remove_slash:
        raise ValueError("Cannot both remove and append slash")

    @middleware
    async def impl(request: Request, handler: Handler) -> Response:
        if isinstance(request.match_info.route, SystemRoute):
            path = request.rel_url.raw_path
            candidates = []
            if merge_slashes:
                candidates.append(_SLASHES.sub("/", path))
            if append_slash and not path.endswith("/"):
                candidates.append(path + "/")
            if remove_slash and path.endswith("/"):
                candidates.append(path[:-1])
            if merge_slashes and append_slash:
                candidates.append(_SLASHES.sub("/", path + "/"))
            if merge_slashes and remove_slash:
                candidates.append(_SLASHES.sub("/", path)[:-1])
            query = request.rel_url.raw_query_string
            for candidate in candidates:
                # A leading "//" would make the Location a network-path
                # reference to another host (RFC 3986 §4.2): an open redirect.
                candidate = "/" + candidate.lstrip("/")
                if candidate == path:
                    continue
                target = URL.build(path=candidate, query_string=query, encoded=True)
                clone = request.clone(rel_url=target)
                match_info = await request.match_info.current_app.router.resolve(clone)
                if match_info.http_exception is None:
                    location = candidate + ("?" + query if query else "")
                    raise redirect_class(location)
        return await handler(request)

    return impl


__all__ = ("middleware", "normalize_path_middleware")
