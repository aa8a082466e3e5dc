"""The server's WebSocket: :class:`WebSocketResponse`.

How this works: :meth:`WebSocketResponse.prepare` validates the opening
handshake (RFC 6455 §4.2) with :func:`aioweb.websocket.accept_request`,
sends the ``101 Switching Protocols`` head, then asks the connection's
:class:`~aioweb.web.RequestHandler` for the bytes that follow the upgrade
request (:meth:`~aioweb.web.RequestHandler.switch_protocol`) and attaches
the shared :class:`~aioweb.protocol.WebSocketBase` machinery to the
transport. Messages are then sent and received as with aiohttp.

Graceful shutdown: the WebSocket registers itself with its connection, so a
server shutting down closes it with 1001 (going away) before waiting for
its handler.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from aioweb.protocol import StreamWriter, WebSocketBase, WSCloseCode
from aioweb.websocket import (
    DEFAULT_MAX_MESSAGE_SIZE,
    DeflateOptions,
    HandshakeError,
    HandshakeResult,
    Role,
    accept_request,
)

from .http_exceptions import (
    HTTPBadRequest,
    HTTPMethodNotAllowed,
    HTTPUpgradeRequired,
)
from .request_handler import RequestHandler
from .stream_response import StreamResponse

if TYPE_CHECKING:
    from .request import BaseRequest

__all__ = ("WebSocketReady", "WebSocketResponse")


class WebSocketReady(NamedTuple):
    """What :meth:`WebSocketResponse.can_prepare` found."""

    ok: bool
    protocol: str | None

    def __bool__(self) -> bool:
        return self.ok


class WebSocketResponse(StreamResponse, WebSocketBase):
    """A WebSocket on the server side, with aiohttp's arguments.

    Args:
        timeout: seconds :meth:`close` waits for the client's Close frame.
        receive_timeout: default seconds :meth:`receive` waits.
        autoclose: answer the client's Close frame at once.
        autoping: answer pings and swallow pongs.
        heartbeat: ping after this many idle seconds; drop the connection
            when nothing answers within half of it.
        protocols: the subprotocols the server speaks, preferred first.
        compress: accept permessage-deflate.
        max_msg_size: the largest message, decompressed (0: no limit).
    """

    # Its own attributes in slots: an idle WebSocket is kept for as long as
    # its client stays, thousands of them per process.
    __slots__ = (
        "_compress",
        "_connection",
        "_protocols",
        "_server_shutdown",
        "_started",
    )

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        receive_timeout: float | None = None,
        autoclose: bool = True,
        autoping: bool = True,
        heartbeat: float | None = None,
        protocols: Iterable[str] = (),
        compress: bool = True,
        max_msg_size: int = DEFAULT_MAX_MESSAGE_SIZE,
    ) -> None:
        StreamResponse.__init__(self, status=101)
        WebSocketBase.__init__(
            self,
            timeout=timeout,
            receive_timeout=receive_timeout,
            autoclose=autoclose,
            autoping=autoping,
            heartbeat=heartbeat,
            max_msg_size=max_msg_size,
        )
        self._protocols = tuple(protocols)
        self._compress = compress
        self._started = False
        self._connection: RequestHandler | None = None
        self._server_shutdown = False

    @property
    def compress(self) -> bool:
        """Whether permessage-deflate was negotiated (or, before, accepted)."""
        return self._compress

    def _check_handshake(self, request: BaseRequest) -> HandshakeResult:
        version = request.version
        try:
            return accept_request(
                request.method,
                f"HTTP/{version[0]}.{version[1]}",
                list(request.headers.items()),
                subprotocols=self._protocols,
                deflate=DeflateOptions() if self._compress else None,
            )
        except HandshakeError as exc:
            if exc.status == 405:
                raise HTTPMethodNotAllowed(request.method, ["GET"]) from exc
            if exc.status == 426:
                raise HTTPUpgradeRequired(headers=exc.headers, text=str(exc)) from exc
            raise HTTPBadRequest(text=str(exc)) from exc

    def can_prepare(self, request: BaseRequest) -> WebSocketReady:
        """Whether ``request`` is a valid opening handshake, and the
        subprotocol it would select.

        Raises:
            RuntimeError: already prepared.
        """
        if self._started:
            raise RuntimeError("Already started")
        try:
            result = self._check_handshake(request)
        except HTTPBadRequest:
            return WebSocketReady(False, None)
        except (HTTPMethodNotAllowed, HTTPUpgradeRequired):
            return WebSocketReady(False, None)
        return WebSocketReady(True, result.subprotocol)

    async def prepare(self, request: BaseRequest) -> StreamWriter | None:
        """Answer the handshake with 101 and start the WebSocket.

        Raises:
            HTTPBadRequest: the request is not a valid opening handshake
                (HTTPMethodNotAllowed for a method other than GET,
                HTTPUpgradeRequired for an unsupported version).
        """
        if self._payload_writer is not None or self._eof_sent:
            return self._payload_writer
        result = self._check_handshake(request)
        # Only what the WebSocket needs later is kept of the handshake.
        self._started = True
        self._compress = bool(result.extensions)
        for name, value in result.headers:
            self._headers[name] = value
        writer = await super().prepare(request)
        assert writer is not None
        writer.send_headers()
        await writer.drain()
        protocol = request.protocol
        transport = request.transport
        if transport is None:
            raise ConnectionResetError("Connection lost")
        reader = self._attach(
            transport,
            protocol,
            Role.SERVER,
            extensions=result.extensions,
            subprotocol=result.subprotocol,
        )
        tail = protocol.switch_protocol(reader)
        if tail:
            reader.feed_data(tail)
        self._connection = protocol
        protocol.add_shutdown_callback(self._going_away)
        return writer

    async def _going_away(self) -> None:
        # The handler's own close (or the one after it returns) may win the
        # race with this one: it too must say "going away".
        self._server_shutdown = True
        if not self.closed:
            await self.close(code=WSCloseCode.GOING_AWAY, message=b"Server shutdown")

    async def close(
        self,
        *,
        code: int = WSCloseCode.OK,
        message: bytes | str = b"",
        drain: bool = True,
    ) -> bool:
        """Close the WebSocket (see :meth:`WebSocketBase.close
        <aioweb.protocol.WebSocketBase.close>`); ``drain`` is accepted for
        aiohttp compatibility.

        Raises:
            RuntimeError: the WebSocket was never prepared.
        """
        if self._writer is None:
            raise RuntimeError("Call .prepare() first")
        if self._server_shutdown and code == WSCloseCode.OK:
            code, message = WSCloseCode.GOING_AWAY, b"Server shutdown"
        closed = await WebSocketBase.close(self, code=code, message=message)
        if self._connection is not None:
            self._connection.remove_shutdown_callback(self._going_away)
        return closed

    async def write(self, data: Any) -> None:
        """Not for WebSockets: send messages with :meth:`send_str` and friends.

        Raises:
            RuntimeError: always.
        """
        raise RuntimeError("Cannot call .write() for websocket")

    async def write_eof(self, data: bytes = b"") -> None:
        """End the WebSocket: close it if the handler did not."""
        if self._eof_sent:
            return
        if self._writer is None:
            raise RuntimeError("Response has not been started")
        if not self.closed:
            await self.close()
        self._eof_sent = True
        writer = self._payload_writer
        if writer is not None:
            self._body_length = writer.output_size
        self._payload_writer = None
        self._req = None

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<WebSocketResponse {state}>"
