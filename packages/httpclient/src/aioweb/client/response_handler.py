"""The asyncio protocol of a client connection: bytes in, responses out.

How this works: :class:`ResponseHandler` owns one connection. It feeds what
arrives to an :class:`aioweb.parser.ResponseParser` whose events go to an
:class:`aioweb.protocol.HttpMessageStreams`, made anew for every request so
that each one can choose its own buffer size and decompression. The streams
hand ``(head, payload)`` back to this object (it is their sink), which
resolves the future the request is awaiting in :meth:`read_head`.

Errors are translated here, at the boundary between the shared layer and the
client: a broken head becomes :class:`ClientResponseError` carrying the
parser's status hint; a body cut short or malformed becomes
:class:`ClientPayloadError` on the body's reader; a connection lost before a
head arrived becomes :class:`ServerDisconnectedError`.

The ``sock_read`` timeout (:class:`~aioweb.client.timeout.ReadTimer`) runs
while a response is awaited or read, and is re-armed by every byte received;
without a ``sock_read`` timeout there is no timer at all.

An idle connection in the pool holds nothing of the last response: the head
future is dropped once the head was taken, and :meth:`ResponseHandler.idle`
(called as the connection goes back to the pool) drops the rest, so a pooled
connection costs its transport, parser and streams only.

With ``read_until_eof=False`` a response framed by the end of the connection
(no Content-Length, not chunked) gets an empty body, as in aiohttp; the bytes
the server sends after the head are dropped and the connection is closed,
since its framing leaves no way to find the next response.

With ``Expect: 100-continue`` the body waits for :meth:`wait_continue`: it
resolves ``True`` on ``100 Continue`` and ``False`` when a final response
(or the end of the connection) comes first, in which case the body is not
sent (RFC 9110 §10.1.1) and the connection is not reused.

After a ``101`` or a successful ``CONNECT`` the parser stops; the bytes after
the head are kept in :attr:`upgraded_tail` for whoever takes over.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import TYPE_CHECKING, Any, Protocol

from multidict import CIMultiDictProxy

from aioweb.parser import HttpParserError, ResponseHead, ResponseParser
from aioweb.protocol import (
    DEFAULT_LIMIT,
    BaseProtocol,
    HttpMessageStreams,
    PayloadError,
    StreamReader,
)

from .exceptions import (
    ClientConnectionResetError,
    ClientOSError,
    ClientPayloadError,
    ServerDisconnectedError,
    SocketTimeoutError,
)
from .timeout import ReadTimer

if TYPE_CHECKING:
    from aioweb.parser import ParserHandler  # noqa: F401

__all__ = ("ResponseHandler", "HeadError")


class HeadError(Exception):
    """The response head could not be parsed (carries the parser's error)."""

    def __init__(self, error: HttpParserError) -> None:
        super().__init__(error.message)
        self.error = error


class ResponseHandler(BaseProtocol):
    """One client connection's protocol.

    Args:
        loop: the event loop.
    """

    __slots__ = (
        "__weakref__",
        "_closed",
        "_continue_waiter",
        "_drop_body",
        "_exception",
        "_head_waiter",
        "_message_done",
        "_method",
        "_parser",
        "_read_timer",
        "_read_until_eof",
        "_settings",
        "_should_close",
        "_streams",
        "_streams_settings",
        "_upgraded_reader",
        "requests_sent",
        "upgraded_tail",
    )

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self._parser: ResponseParser | None = None
        self._streams: HttpMessageStreams[ResponseHead] | None = None
        self._streams_settings: tuple[int, bool] | None = None
        self._head_waiter: asyncio.Future[tuple[ResponseHead, StreamReader]] | None = (
            None
        )
        self._continue_waiter: asyncio.Future[bool] | None = None
        self._read_until_eof = True
        self._drop_body = False
        self._method = "GET"
        self._settings: dict[str, Any] | None = None
        self._read_timer: ReadTimer | None = None
        self._message_done = True
        self._should_close = False
        self._exception: BaseException | None = None
        # Made when first asked for: most connections never are.
        self._closed: asyncio.Future[None] | None = None
        self.upgraded_tail: bytes | None = None
        self._upgraded_reader: _TailSink | None = None
        #: How many requests were sent on this connection (more than one:
        #: it was reused from the pool).
        self.requests_sent = 0

    # -- state --------------------------------------------------------------

    @property
    def should_close(self) -> bool:
        """Whether the connection may not carry another request."""
        return (
            self._should_close
            or not self._message_done
            or self.upgraded_tail is not None
            or self._exception is not None
            or self.transport is None
            or self.transport.is_closing()
        )

    def is_connected(self) -> bool:
        """Whether the transport is open."""
        return self.transport is not None and not self.transport.is_closing()

    @property
    def closed(self) -> asyncio.Future[None]:
        """Resolved once the connection is lost."""
        closed = self._closed
        if closed is None:
            closed = self._closed = self._loop.create_future()
            if self._connection_lost:
                closed.set_result(None)
        return closed

    def force_close(self) -> None:
        """Mark the connection as not reusable."""
        self._should_close = True

    def close(self) -> None:
        """Close the transport; a pending read fails."""
        self._should_close = True
        transport = self.transport
        if transport is not None:
            transport.close()

    # -- per request --------------------------------------------------------

    def start_response(
        self,
        method: str,
        *,
        read_timeout: float | None = None,
        timeout_ceil_threshold: float = 5,
        read_bufsize: int = DEFAULT_LIMIT,
        auto_decompress: bool = True,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
        read_until_eof: bool = True,
    ) -> None:
        """Get ready for the response to a request being sent.

        Args:
            method: the request's method (frames the response).
            read_timeout: ``sock_read`` in seconds, or None.
            timeout_ceil_threshold: see :class:`~aioweb.client.ClientTimeout`.
            read_bufsize: the body reader's buffer limit.
            auto_decompress: decode a compressed body.
            max_line_size: longest status line.
            max_field_size: longest header line.
            max_headers: most header lines.
            read_until_eof: read a body framed by the end of the connection;
                ``False`` makes it empty (and the connection not reused).
        """
        settings = {
            "read_timeout": read_timeout,
            "timeout_ceil_threshold": timeout_ceil_threshold,
            "read_bufsize": read_bufsize,
            "auto_decompress": auto_decompress,
            "max_line_size": max_line_size,
            "max_field_size": max_field_size,
            "max_headers": max_headers,
        }
        self.begin_response(method, settings, read_until_eof)

    def begin_response(
        self, method: str, settings: dict[str, Any], read_until_eof: bool = True
    ) -> None:
        """:meth:`start_response` with its settings in a dict.

        A session passes the same dict to every request that uses its
        defaults: a connection that saw it last time has nothing to redo.
        """
        if settings is not self._settings:
            self._configure(**settings)
            self._settings = settings
        parser = self._parser
        assert parser is not None and self._streams is not None
        parser.expect_response(method)
        # Made now, usually after the request went out, while the server
        # works: not once the head is here.
        self._streams.prepare_payload()
        self.requests_sent += 1
        self._message_done = False
        self._read_until_eof = read_until_eof
        self._drop_body = False
        self._method = method
        self._head_waiter = waiter = self._loop.create_future()
        if self._exception is not None:
            waiter.set_exception(self._exception)
        elif self.transport is None:
            waiter.set_exception(ServerDisconnectedError())

    def _configure(
        self,
        *,
        read_timeout: float | None = None,
        timeout_ceil_threshold: float = 5,
        read_bufsize: int = DEFAULT_LIMIT,
        auto_decompress: bool = True,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
    ) -> None:
        # The streams keep no state between messages: a connection reuses
        # them while the body settings stay the same.
        streams_settings = (read_bufsize, auto_decompress)
        if self._streams is None or self._streams_settings != streams_settings:
            self._streams = HttpMessageStreams(
                self,
                self,
                limit=read_bufsize,
                loop=self._loop,
                decompress=auto_decompress,
                payload_error=_client_payload_error,
            )
            self._streams_settings = streams_settings
        if self._parser is None:
            # The head limits apply from the connection's first request on.
            self._parser = ResponseParser(
                self,  # type: ignore[arg-type]  # delegates to the streams
                max_line_size=max_line_size,
                max_field_size=max_field_size,
                max_headers=max_headers,
                lenient=True,
            )
        if self._read_timer is not None:
            self._read_timer.cancel()
        self._read_timer = (
            ReadTimer(
                self._loop, read_timeout, self._on_read_timeout, timeout_ceil_threshold
            )
            if read_timeout
            else None
        )

    def start_reading(self) -> None:
        """The request is sent: the read timeout starts counting."""
        if self._read_timer is not None and not self._message_done:
            self._read_timer.reschedule()

    def read_head(self) -> asyncio.Future[tuple[ResponseHead, StreamReader]]:
        """The response head and the body's reader, to await.

        A future, not a coroutine: the request awaits it directly. It is
        dropped when the connection goes idle or is taken over, so that an
        idle connection keeps nothing of its last response.

        Raises (when awaited):
            HeadError: the head is malformed.
            ServerDisconnectedError: the connection closed first.
            SocketTimeoutError: ``sock_read`` ran out.
        """
        waiter = self._head_waiter
        assert waiter is not None, "start_response() first"
        return waiter

    def wait_continue(self) -> asyncio.Future[bool]:
        """A future resolved when the server answers ``Expect: 100-continue``.

        ``True`` on ``100 Continue`` (send the body); ``False`` when a final
        response or the end of the connection came first (do not send it).
        """
        if self._continue_waiter is None:
            self._continue_waiter = self._loop.create_future()
        return self._continue_waiter

    def idle(self) -> None:
        """Forget the last response: the connection goes back to the pool."""
        self._head_waiter = None
        if self._continue_waiter is not None:
            self._wake_continue(False)
        if self._read_timer is not None:
            self._read_timer.cancel()

    # -- asyncio.Protocol ---------------------------------------------------

    def data_received(self, data: bytes) -> None:
        """Parse what arrived."""
        if self._upgraded_reader is not None:
            self._upgraded_reader(data)
            return
        if self.upgraded_tail is not None:
            self.upgraded_tail += data
            return
        if self._read_timer is not None and not self._message_done:
            self._read_timer.reschedule()
        parser = self._parser
        if parser is None or self._streams is None or self._drop_body:
            # Bytes nobody asked for: the server is confused; drop the link.
            self._should_close = True
            if self.transport is not None:
                self.transport.close()
            return
        try:
            tail = parser.feed_data(data)
        except HttpParserError as exc:
            self._parser_failed(exc)
            return
        if tail is not None:
            self.upgraded_tail = tail
            if self._read_timer is not None:
                self._read_timer.cancel()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport; turn off Nagle's algorithm on TCP.

        asyncio sets ``TCP_NODELAY`` only on sockets whose protocol number is
        explicitly TCP, which a socket made from a resolver's answer with
        protocol ``0`` is not; a request's head and body go in one write, so
        nothing is gained by delaying small segments.
        """
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def pause_reading(self) -> None:
        """The body's reader is full: stop reading, and stop the read timer
        (the silence is the consumer's, not the peer's)."""
        super().pause_reading()
        if self._read_timer is not None:
            self._read_timer.cancel()

    def resume_reading(self) -> None:
        """Read again, and count the peer's silence from now."""
        super().resume_reading()
        if self._read_timer is not None and not self._message_done:
            self._read_timer.reschedule()

    def eof_received(self) -> bool:
        """Let asyncio close the transport; ``connection_lost`` does the rest."""
        return False

    def connection_lost(self, exc: BaseException | None) -> None:
        """End or fail whatever is in progress."""
        super().connection_lost(exc)
        self._should_close = True
        if self._read_timer is not None:
            self._read_timer.cancel()
        streams, parser = self._streams, self._parser
        if parser is not None and streams is not None and self.upgraded_tail is None:
            payload = streams.payload
            try:
                parser.feed_eof()
            except HttpParserError as parse_error:
                if payload is None:
                    self._fail_head(parse_error)
                else:
                    streams.parser_failed(parse_error)
            streams.connection_lost(exc)
        if self._upgraded_reader is not None:
            self._upgraded_reader.eof(exc)
        waiter = self._head_waiter
        if waiter is not None and not waiter.done():
            if isinstance(exc, OSError) and not isinstance(exc, ConnectionResetError):
                error: BaseException = ClientOSError(*exc.args)
            elif isinstance(exc, ConnectionResetError):
                error = ClientConnectionResetError(*exc.args)
            else:
                error = ServerDisconnectedError()
            error.__cause__ = exc
            waiter.set_exception(error)
            _retrieve(waiter)
        self._wake_continue(False)
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(None)

    # -- the streams' sink --------------------------------------------------

    def message_received(self, head: ResponseHead, payload: StreamReader) -> None:
        """A response head is complete."""
        if not head.keep_alive:
            self._should_close = True
        # A final answer before "100 Continue": the body is not to be sent.
        if self._continue_waiter is not None:
            self._wake_continue(False)
        waiter = self._head_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result((head, payload))

    def message_complete(
        self, head: ResponseHead, trailers: CIMultiDictProxy[str] | None
    ) -> None:
        """The response body ended."""
        self._message_done = True
        if self._read_timer is not None:
            self._read_timer.cancel()

    def informational_received(self, head: ResponseHead) -> None:
        """A 1xx head: wake a request waiting for ``100 Continue``."""
        if head.status == 100:
            self._wake_continue(True)

    # -- the parser's handler, forwarded to this request's streams -----------

    def on_message_begin(self) -> None:
        """Forwarded to the streams."""

    def on_headers_complete(self, head: ResponseHead) -> None:
        """Forwarded to the streams."""
        streams = self._streams
        assert streams is not None
        if (
            not self._read_until_eof
            and head.content_length is None
            and not head.chunked
            and not head.upgrade
            and _reads_until_close(self._method, head.status)
        ):
            # aiohttp's read_until_eof=False: the body is empty. The bytes
            # that follow are not a response either: drop them, and never
            # reuse the connection.
            self._should_close = True
            streams.on_headers_complete(head)
            self._drop_body = True
            self._message_done = True
            streams.on_message_complete(None)
            return
        streams.on_headers_complete(head)

    def on_body(self, data: bytes) -> None:
        """Forwarded to the streams."""
        if self._drop_body:
            return
        assert self._streams is not None
        self._streams.on_body(data)

    def on_message_complete(self, trailers: CIMultiDictProxy[str] | None) -> None:
        """Forwarded to the streams, the message marked done first."""
        if self._drop_body:
            return
        assert self._streams is not None
        # The streams end the body's reader before they call
        # message_complete, and its end-of-body callback gives the
        # connection back to the pool at once: it must already count as
        # reusable then, or every body read before its end arrived (a large
        # one) would close a keep-alive connection.
        self._message_done = True
        self._streams.on_message_complete(trailers)

    def on_informational(self, head: ResponseHead) -> None:
        """Forwarded to the streams."""
        assert self._streams is not None
        self._streams.on_informational(head)

    def on_chunk_complete(self) -> None:
        """Forwarded to the streams (``readchunk()`` sees where chunks end)."""
        assert self._streams is not None
        self._streams.on_chunk_complete()

    # -- upgrade hand-off ---------------------------------------------------

    def take_over(self, sink: _TailSink) -> None:
        """Send every byte from now on (and the tail kept so far) to ``sink``."""
        tail, self.upgraded_tail = self.upgraded_tail or b"", b""
        self._upgraded_reader = sink
        self._head_waiter = None
        if tail:
            sink(tail)
        if self.transport is None:
            sink.eof(self._lost_exception)

    # -- failures -----------------------------------------------------------

    def _parser_failed(self, exc: HttpParserError) -> None:
        assert self._streams is not None
        payload = self._streams.payload
        self._streams.parser_failed(exc)
        if payload is None:
            self._fail_head(exc)
        self._should_close = True
        if self.transport is not None:
            self.transport.close()

    def _fail_head(self, exc: HttpParserError) -> None:
        self._exception = HeadError(exc)
        waiter = self._head_waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(self._exception)
            _retrieve(waiter)

    def _on_read_timeout(self, error: SocketTimeoutError) -> None:
        waiter = self._head_waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)
            _retrieve(waiter)
        elif self._streams is not None and self._streams.payload is not None:
            self._streams.payload.set_exception(error)
        self.close()

    def _wake_continue(self, send_body: bool) -> None:
        waiter, self._continue_waiter = self._continue_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(send_body)


class _TailSink(Protocol):
    """Receives a connection's bytes after an upgrade (a WebSocket reader)."""

    def __call__(self, data: bytes) -> None:
        """Bytes received."""

    def eof(self, exc: BaseException | None) -> None:
        """The connection ended (with ``exc`` if it broke)."""


def _reads_until_close(method: str, status: int) -> bool:
    """Whether a response without Content-Length or chunked framing runs to
    the end of the connection (RFC 9112 §6.3): not one to HEAD, not a 1xx,
    204 or 304, not a successful CONNECT."""
    if method == "HEAD" or status < 200 or status in (204, 304):
        return False
    return not (method == "CONNECT" and status < 300)


def _client_payload_error(error: PayloadError) -> BaseException:
    """The shared layer's body error as aiohttp's ClientPayloadError."""
    return ClientPayloadError(f"Response payload is not completed: {error!r}")


def _retrieve(future: asyncio.Future[Any]) -> None:
    # A failure nobody awaits must not be logged as "never retrieved".
    future.add_done_callback(lambda f: f.cancelled() or f.exception())
