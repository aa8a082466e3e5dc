"""Client middlewares: functions wrapped around sending a request.

A middleware is ``async def middleware(request, handler) -> response``; it
may change the request, call ``handler(request)`` zero, one or more times
(a retry: release the response it drops), and return a response. The
innermost handler connects and sends. Middlewares run for every request a
session sends, redirects included; a request's ``middlewares=`` replaces the
session's, and ``middlewares=()`` turns them off for one request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .client_request import ClientRequest
    from .client_response import ClientResponse

__all__ = ("ClientHandlerType", "ClientMiddlewareType", "build_client_middlewares")

ClientHandlerType = Callable[["ClientRequest"], Awaitable["ClientResponse"]]
ClientMiddlewareType = Callable[
    ["ClientRequest", ClientHandlerType], Awaitable["ClientResponse"]
]


def build_client_middlewares(
    handler: ClientHandlerType, middlewares: Sequence[ClientMiddlewareType]
) -> ClientHandlerType:
    """Wrap ``handler`` so that the first middleware runs first.

    Args:
        handler: the innermost handler.
        middlewares: outermost first.

    Returns:
        The handler to call with the request.
    """
    for middleware in reversed(middlewares):
        handler = _wrap(middleware, handler)
    return handler


def _wrap(
    middleware: ClientMiddlewareType, handler: ClientHandlerType
) -> ClientHandlerType:
    # Called positionally, as aiohttp does: the second parameter may have
    # any name.
    async def call(request: ClientRequest) -> ClientResponse:
        return await middleware(request, handler)

    return call
