"""Requests made without a connection, for unit-testing handlers.

:func:`make_mocked_request` builds a real :class:`aioweb.web.Request` over a
transport that keeps what is written to it, so a handler or a middleware can
be called directly and what it sent checked afterwards::

    request = make_mocked_request("GET", "/users/7", match_info={"id": "7"})
    response = await handler(request)
    assert response.status == 200
    await response.prepare(request); await response.write_eof()
    assert request.transport.written.startswith(b"HTTP/1.1 200 OK\\r\\n")

Nothing is read from a socket: the body is ``payload`` (empty by default),
the peer is unknown (``request.remote`` is None), and the request cannot be
upgraded to a WebSocket (use ``aioweb_client`` for that).

Importing this module without aioweb-httpserver raises
:class:`~aioweb.testkit.MissingExtraError` naming the extra.
"""

from __future__ import annotations

from .extras import require_server_core

require_server_core("aioweb.testkit.make_mocked_request")

import asyncio  # noqa: E402  (after the check: a clear error comes first)
from collections.abc import Mapping  # noqa: E402
from ssl import SSLContext  # noqa: E402
from typing import Any, cast  # noqa: E402

from multidict import CIMultiDict, CIMultiDictProxy  # noqa: E402
from yarl import URL  # noqa: E402

from aioweb.parser import HttpVersion, HttpVersion11, RequestHead  # noqa: E402
from aioweb.protocol import (  # noqa: E402
    EMPTY_PAYLOAD,
    BaseProtocol,
    StreamReader,
    StreamWriter,
)
from aioweb.web import (  # noqa: E402
    Application,
    PlainResource,
    Request,
    RequestHandler,
    ResourceRoute,
    UrlMappingMatchInfo,
)

from .exceptions import TestkitError  # noqa: E402

__all__ = ("MockedProtocol", "MockedTransport", "make_mocked_request")


class MockedTransport(asyncio.Transport):
    """A transport that keeps what is written to it, in :attr:`written`.

    Args:
        sslcontext: what ``get_extra_info("sslcontext")`` answers, making
            the request's scheme ``https``.
        extra: further ``get_extra_info`` answers (``peername``...).
    """

    def __init__(
        self,
        sslcontext: SSLContext | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__({"sslcontext": sslcontext, **(extra or {})})
        self.written = bytearray()
        self._closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Keep ``data``."""
        self.written += data

    def writelines(self, list_of_data: Any) -> None:
        """Keep each piece."""
        for data in list_of_data:
            self.write(data)

    def is_closing(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closing

    def close(self) -> None:
        """Mark the transport closed (nothing to release)."""
        self._closing = True

    def abort(self) -> None:
        """As :meth:`close`."""
        self._closing = True

    def can_write_eof(self) -> bool:
        """Whether :meth:`write_eof` is supported: it is."""
        return True

    def write_eof(self) -> None:
        """Nothing to do: there is no peer."""

    def get_write_buffer_size(self) -> int:
        """Nothing is ever buffered."""
        return 0


class MockedProtocol(BaseProtocol):
    """The connection a mocked request claims to come from.

    It has what a request and a response use of a server connection (the
    transport, the peer's address, the TLS context, flow control), and
    refuses to hand the connection over to a WebSocket.
    """

    def __init__(
        self, loop: asyncio.AbstractEventLoop, transport: asyncio.Transport
    ) -> None:
        super().__init__(loop)
        self.connection_made(transport)
        self.peername: Any = transport.get_extra_info("peername")
        self.sslcontext: Any = transport.get_extra_info("sslcontext")

    def switch_protocol(self, reader: Any) -> bytes:
        """Refuse: a mocked request has no connection to take over."""
        raise TestkitError(
            "a mocked request cannot be upgraded to a WebSocket; test WebSocket "
            "handlers through a test server (aioweb_client, TestClient)"
        )


async def _not_routed(request: Request) -> Any:
    raise TestkitError("a mocked request's default route has no handler")


def _closed_loop() -> asyncio.AbstractEventLoop:
    # Outside a running loop the request still needs one to hold; a closed
    # loop makes anything that would really need it fail loudly instead of
    # leaking an open loop.
    loop = asyncio.new_event_loop()
    loop.close()
    return loop


def make_mocked_request(
    method: str,
    path: str,
    headers: Mapping[str, str] | None = None,
    *,
    match_info: Mapping[str, str] | UrlMappingMatchInfo | None = None,
    version: HttpVersion = HttpVersion11,
    closing: bool = False,
    app: Application | None = None,
    writer: StreamWriter | None = None,
    protocol: RequestHandler | BaseProtocol | None = None,
    transport: asyncio.Transport | None = None,
    payload: StreamReader = EMPTY_PAYLOAD,
    sslcontext: SSLContext | None = None,
    client_max_size: int = 1024**2,
    loop: asyncio.AbstractEventLoop | None = None,
) -> Request:
    """A :class:`~aioweb.web.Request` for ``method path``, with no connection.

    Args:
        method: the method, as sent.
        path: the request target (``"/a/b?c=d"``).
        headers: the header fields.
        match_info: the path's variables (a mapping), or a whole
            :class:`~aioweb.web.UrlMappingMatchInfo`; empty by default.
        version: the HTTP version.
        closing: the client asked to close the connection after it
            (``request.keep_alive`` is False); always so for HTTP/1.0.
        app: the application ``request.app`` returns; a new empty one by
            default.
        writer: where the response goes; by default a real
            :class:`~aioweb.protocol.StreamWriter` over ``transport``.
        protocol: the connection; by default a :class:`MockedProtocol`.
        transport: by default a :class:`MockedTransport`, whose ``written``
            holds the bytes of the response.
        payload: the body stream; empty by default.
        sslcontext: makes the request ``https``.
        client_max_size: the largest body ``read()`` and ``post()`` accept.
        loop: the event loop; the running one by default (outside one, a
            closed loop: properties work, I/O fails).

    Returns:
        The request, routed to ``match_info`` in ``app``.
    """
    if loop is None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = _closed_loop()
    fields: CIMultiDict[str] = CIMultiDict(headers or {})
    if version < HttpVersion(1, 1):
        closing = True
    connection = fields.get("Connection", "").lower()
    content_length = fields.get("Content-Length")
    message = RequestHead(
        method=method,
        target=path,
        version=version,
        headers=CIMultiDictProxy(fields),
        raw_headers=tuple(
            (name.encode("utf-8"), value.encode("utf-8"))
            for name, value in fields.items()
        ),
        keep_alive=not closing,
        upgrade="upgrade" in connection and "Upgrade" in fields,
        chunked="chunked" in fields.get("Transfer-Encoding", "").lower(),
        content_length=int(content_length) if content_length is not None else None,
    )
    if transport is None:
        transport = MockedTransport(sslcontext)
    if protocol is None:
        protocol = MockedProtocol(loop, transport)
    if writer is None:
        writer = StreamWriter(protocol, loop)
    request = Request(
        message,
        payload,
        cast(RequestHandler, protocol),
        writer,
        None,
        loop,
        client_max_size=client_max_size,
    )
    if app is None:
        app = Application()
    if not isinstance(match_info, UrlMappingMatchInfo):
        route = ResourceRoute(method, _not_routed, PlainResource(URL(path).path))
        match_info = UrlMappingMatchInfo(dict(match_info or {}), route)
    match_info.add_app(app)
    request.match_info = match_info
    return request
