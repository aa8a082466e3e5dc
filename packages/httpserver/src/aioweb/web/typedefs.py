"""What the application and routing layer needs from a request and a handler.

Routing is written against two small protocols, not
against a concrete request class, so the request type of the HTTP layer slots
in without the router importing it. Resolving needs only
:class:`ResolvableRequest`; the application needs :class:`RoutableRequest`:

* ``method`` and ``rel_url`` (the path is matched on ``rel_url.raw_path``,
  decoded by the router itself, see :mod:`aioweb.web.routing.paths`);
* ``headers`` (``Host`` for domain sub-applications, ``Expect`` for the
  expect handler), ``version`` and ``writer`` (the default expect handler
  writes ``100 Continue``);
* a writable ``match_info``: :meth:`Application.handle
  <aioweb.web.Application.handle>` stores the resolved match there, and the
  request derives ``app`` (``match_info.current_app``) and ``config_dict``
  (``ChainMapProxy`` over ``match_info.apps`` up to ``app``) from it;
* ``clone(rel_url=...)``, used by ``normalize_path_middleware`` to try
  another path.

``Request`` below is the concrete :class:`~aioweb.web.Request` (and
``Response`` the :class:`~aioweb.web.StreamResponse`), for type checking
only: every handler and middleware alias refers to them, while routing's
own code needs only the protocols above.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Protocol, TypeAlias

from yarl import URL

if TYPE_CHECKING:
    from .request import Request as ConcreteRequest
    from .routing.match_info import UrlMappingMatchInfo
    from .stream_response import StreamResponse


class ContinueWriter(Protocol):
    """The part of a response writer that the expect handler uses."""

    async def write(self, chunk: bytes) -> None:
        """Send bytes to the peer."""

    async def drain(self) -> None:
        """Wait until the transport's buffer has room."""


class ResolvableRequest(Protocol):
    """What the router reads to resolve a request."""

    @property
    def method(self) -> str:
        """The request method, upper case."""

    @property
    def rel_url(self) -> URL:
        """The request target as a relative URL (path and query)."""

    @property
    def headers(self) -> Mapping[str, str]:
        """Case-insensitive request headers."""


class RoutableRequest(ResolvableRequest, Protocol):
    """What the application, middlewares and expect handlers read too."""

    @property
    def version(self) -> tuple[int, int]:
        """The HTTP version as ``(major, minor)``."""

    @property
    def writer(self) -> ContinueWriter:
        """The response writer (for ``100 Continue``)."""

    @property
    def match_info(self) -> UrlMappingMatchInfo:
        """The result of routing; set once by the application."""

    @match_info.setter
    def match_info(self, value: UrlMappingMatchInfo) -> None: ...

    def clone(self, *, rel_url: URL | str) -> ResolvableRequest:
        """A copy of the request with another target."""


#: The request type handlers receive: the HTTP layer's Request.
Request: TypeAlias = "ConcreteRequest"

#: What a handler returns: the HTTP layer's StreamResponse (or a subclass).
Response: TypeAlias = "StreamResponse"

#: A request handler: ``async def handler(request) -> response``.
Handler: TypeAlias = Callable[[Request], Awaitable[Response]]

#: A middleware: ``async def middleware(request, handler) -> response``.
Middleware: TypeAlias = Callable[[Request, Handler], Awaitable[Response]]

#: Called when a request carries ``Expect``; returns a response to send
#: instead of running the handler, or ``None`` to go on.
ExpectHandler: TypeAlias = Callable[[Request], Awaitable["Response | None"]]

__all__ = (
    "ContinueWriter",
    "ExpectHandler",
    "Handler",
    "Middleware",
    "Request",
    "ResolvableRequest",
    "Response",
    "RoutableRequest",
)
