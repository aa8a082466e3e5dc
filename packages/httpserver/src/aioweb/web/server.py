"""The low-level server: :class:`Server`, a protocol factory for asyncio.

``loop.create_server(Server(handler), ...)`` serves ``handler(request)`` on
every connection; the runners and sites of :mod:`.runner` and :mod:`.sites`
do that for you. The server keeps its connections, so that a graceful
shutdown can finish the requests in progress and close the rest.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aioweb.parser import RequestHead
from aioweb.protocol import StreamReader, StreamWriter

from .request import BaseRequest
from .request_handler import RequestHandler
from .stream_response import StreamResponse

__all__ = ("Server", "RequestFactory")

#: ``factory(message, payload, protocol, writer, task) -> BaseRequest``.
RequestFactory = Callable[
    [
        RequestHead,
        StreamReader,
        RequestHandler,
        StreamWriter,
        "asyncio.Task[None] | None",
    ],
    BaseRequest,
]


class Server:
    """Makes a :class:`RequestHandler` for each connection.

    Args:
        handler: ``async def handler(request) -> StreamResponse``.
        request_factory: builds each request; :class:`BaseRequest` by default.
            It receives the parsed :class:`~aioweb.parser.RequestHead` where
            aiohttp passes its ``RawRequestMessage``.
        handler_cancellation: cancel the handler when its client disconnects.
        loop: the event loop; the running one by default.
        **kwargs: passed to each :class:`RequestHandler` (timeouts, limits,
            access log...).
    """

    def __init__(
        self,
        handler: Callable[[BaseRequest], Awaitable[StreamResponse]],
        *,
        request_factory: RequestFactory | None = None,
        handler_cancellation: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        **kwargs: Any,
    ) -> None:
        self._loop = loop if loop is not None else asyncio.get_running_loop()
        self._connections: dict[RequestHandler, asyncio.BaseTransport] = {}
        self._kwargs = kwargs
        # aiohttp's runners pass these on; they mean nothing to a connection.
        self._kwargs.pop("shutdown_timeout", None)
        self.requests_count = 0
        self.request_handler = handler
        self.request_factory: RequestFactory = (
            request_factory if request_factory is not None else self._make_request
        )
        self.handler_cancellation = handler_cancellation

    @property
    def connections(self) -> list[RequestHandler]:
        """The open connections."""
        return list(self._connections)

    def connection_made(
        self, handler: RequestHandler, transport: asyncio.BaseTransport
    ) -> None:
        """Called by a connection when it opens."""
        self._connections[handler] = transport

    def connection_lost(
        self, handler: RequestHandler, exc: BaseException | None = None
    ) -> None:
        """Called by a connection when it closes."""
        self._connections.pop(handler, None)

    def _make_request(
        self,
        message: RequestHead,
        payload: StreamReader,
        protocol: RequestHandler,
        writer: StreamWriter,
        task: asyncio.Task[None] | None,
    ) -> BaseRequest:
        return BaseRequest(message, payload, protocol, writer, task, self._loop)

    def pre_shutdown(self) -> None:
        """Stop keep-alive: idle connections close, busy ones after their
        response."""
        for connection in list(self._connections):
            connection.close()

    async def shutdown(self, timeout: float | None = None) -> None:
        """Let the requests in progress finish within ``timeout``, then close.

        Handlers still running at the deadline are cancelled.
        """
        connections = list(self._connections)
        if connections:
            await asyncio.gather(
                *(connection.shutdown(timeout) for connection in connections)
            )
        self._connections.clear()

    def __call__(self) -> RequestHandler:
        """A protocol for a new connection (``create_server``'s factory)."""
        return RequestHandler(self, loop=self._loop, **self._kwargs)
