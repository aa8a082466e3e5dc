"""One HTTP/1.x connection on the server: :class:`RequestHandler`.

How this works: the handler is the connection's asyncio protocol. Bytes go
into a :class:`~aioweb.parser.RequestParser` whose events an
:class:`~aioweb.protocol.HttpMessageStreams` turns into ``(head, body
stream)`` pairs; those queue up (pipelining, bounded by ``max_pipelined``:
reading pauses while the queue is full) and the connection's task takes
them in order: it builds the request, awaits the server's handler, sends the
response, writes the access log line, and either waits for the next request
(keep-alive) or closes. The task starts with the first request, so a
connection that never sends one holds no task.

A response the handler returns unprepared, with a bytes body and nothing to
await before its head (no compression, no ``on_response_prepare``
receiver), leaves in one ``transport.write`` without the coroutines of
``prepare()`` and ``write_eof()``.

Timers (keep-alive, request head, request body; see :mod:`.connection_timers`)
close idle connections and answer slow clients with 408 (the slowloris
defence).

Errors: a malformed head is answered with the status the parser hints (400,
414, 431, 501, 505...) and ``Connection: close``, after the responses to
the requests before it; no handler sees it or anything after it. A broken
body breaks the request's body stream; a handler that lets the error out
gets an answer with its hint (400, 413...). Other handler exceptions give
500 (with the traceback in the body only when ``debug``), ``TimeoutError``
gives 504, and an :class:`~aioweb.web.HTTPException` raised *or returned*
is sent as the response it describes.

Client disconnects: the handler is not cancelled (aiohttp 3.9 semantics)
unless the server was made with ``handler_cancellation=True``; its body
reads fail with ``ConnectionResetError`` and its response goes nowhere.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any, Final, cast

from multidict import CIMultiDictProxy

from aioweb.parser import HttpParserError, RequestHead, RequestParser
from aioweb.protocol import (
    EMPTY_PAYLOAD,
    BaseProtocol,
    HttpMessageStreams,
    MessageHead,
    PayloadError,
    StreamReader,
    StreamWriter,
)

from .access_log import AbstractAccessLogger, AccessLogger, access_logger
from .connection_timers import ConnectionTimers, RequestTimeout
from .error_responses import error_response, response_from_exception
from .http_exceptions import HTTPException
from .response import Response
from .stream_response import StreamResponse

if TYPE_CHECKING:
    from .request import BaseRequest
    from .server import Server

__all__ = ("RequestHandler", "RequestTimeout", "server_logger")

#: Where the connection handler logs errors.
server_logger: Final = logging.getLogger("aioweb.server")

#: The most requests read ahead of the one being handled.
DEFAULT_MAX_PIPELINED: Final = 16


class _ServerStreams(HttpMessageStreams[RequestHead]):
    """Message streams that also tell the handler when a message begins.

    A request without a body (most of them) is queued here directly: no
    body reader, no decoder, nothing to end, so the general steps and the
    sink's calls they make are skipped; the handler's state changes as
    through :meth:`RequestHandler.message_received` and
    :meth:`RequestHandler.message_complete`.
    """

    __slots__ = ("_owner",)

    def __init__(self, owner: RequestHandler, **kwargs: Any) -> None:
        super().__init__(owner, owner, length_required=True, **kwargs)
        self._owner = owner

    def on_message_begin(self) -> None:
        # Not idle any more; the head timer starts when the read that began
        # the head ends with the head still incomplete (data_received).
        owner = self._owner
        owner._idle_since = None
        owner._head_pending = True

    def on_headers_complete(self, head: MessageHead) -> None:
        if head.chunked or head.content_length:
            super().on_headers_complete(head)
            return
        # RFC 9112 §6.3: neither chunked nor a length above 0, no body.
        self._head = cast(RequestHead, head)
        self._payload = EMPTY_PAYLOAD
        self._decoder = None
        owner = self._owner
        owner._head_since = None
        owner._head_pending = False
        messages = owner._messages
        messages.append((self._head, EMPTY_PAYLOAD))
        if len(messages) >= owner._max_pipelined:
            BaseProtocol.pause_reading(owner)

    def on_message_complete(self, trailers: CIMultiDictProxy[str] | None) -> None:
        if self._payload is not EMPTY_PAYLOAD:
            super().on_message_complete(trailers)
            return
        # A bodyless request: it armed no body timer and awaits no body.
        self._head = self._payload = None


class RequestHandler(ConnectionTimers):
    """The protocol of one server connection.

    Made by :class:`~aioweb.web.Server` (its ``__call__``), with the
    keyword arguments given to it.

    Args:
        manager: the server.
        loop: the event loop.
        keepalive_timeout: seconds an idle connection stays open.
        tcp_keepalive: enable TCP keep-alive probes on the socket.
        logger: where errors are logged.
        access_log_class: the access logger's class.
        access_log: the access logger's logger; None disables the log.
        access_log_format: the access log format.
        debug: put tracebacks in 500 answers.
        max_line_size: the longest request line (414).
        max_headers: the most header lines (431).
        max_field_size: the longest header line (431).
        lingering_time: seconds to drain an unread body after the response
            before the connection may be reused (or closed).
        read_bufsize: each body stream's low-water mark.
        auto_decompress: decode gzip/deflate/br/zstd request bodies.
        header_read_timeout: seconds to receive a whole head once it began.
        body_read_timeout: the most seconds between two pieces of a body.
        max_pipelined: the most requests read ahead of the current one.
        timeout_ceil_threshold: accepted for aiohttp compatibility.
    """

    __slots__ = (
        "_body_awaited",
        "_body_read_timeout",
        "_close",
        "_current_request",
        "_discarding",
        "_handed_over",
        "_head_pending",
        "_header_read_timeout",
        "_keepalive_timeout",
        "_lingering_time",
        "_lost",
        "_manager",
        "_max_pipelined",
        "_messages",
        "_parser",
        "_parser_done",
        "_read_bufsize",
        "_shutdown_callbacks",
        "_streams",
        "_tail",
        "_task_handler",
        "_tcp_keepalive",
        "_upgraded_reader",
        "_waiter",
        "access_logger",
        "debug",
        "logger",
        "peername",
        "sslcontext",
    )

    def __init__(
        self,
        manager: Server,
        *,
        loop: asyncio.AbstractEventLoop,
        keepalive_timeout: float = 75.0,
        tcp_keepalive: bool = True,
        logger: logging.Logger = server_logger,
        access_log_class: type[AbstractAccessLogger] = AccessLogger,
        access_log: logging.Logger | None = access_logger,
        access_log_format: str = AccessLogger.LOG_FORMAT,
        debug: bool = False,
        max_line_size: int = 8190,
        max_headers: int = 128,
        max_field_size: int = 8190,
        lingering_time: float = 10.0,
        read_bufsize: int = 2**16,
        auto_decompress: bool = True,
        header_read_timeout: float | None = 30.0,
        body_read_timeout: float | None = 60.0,
        max_pipelined: int = DEFAULT_MAX_PIPELINED,
        timeout_ceil_threshold: float = 5,
    ) -> None:
        super().__init__(loop)
        self._manager = manager
        self._keepalive_timeout = keepalive_timeout
        self._tcp_keepalive = tcp_keepalive
        self.logger = logger
        self.debug = debug
        self.access_logger: AbstractAccessLogger | None = (
            access_log_class(access_log, access_log_format) if access_log else None
        )
        self._lingering_time = lingering_time
        self._header_read_timeout = header_read_timeout
        self._body_read_timeout = body_read_timeout
        self._max_pipelined = max(1, max_pipelined)
        self._read_bufsize = read_bufsize
        self._streams = _ServerStreams(
            self, limit=read_bufsize, loop=loop, decompress=auto_decompress
        )
        self._parser = RequestParser(
            self._streams,
            max_line_size=max_line_size,
            max_field_size=max_field_size,
            max_headers=max_headers,
        )
        # A list, not a deque: it holds at most max_pipelined items, and an
        # empty deque costs an idle connection over 600 bytes.
        self._messages: list[tuple[RequestHead, StreamReader] | Exception] = []
        self._task_handler: asyncio.Task[None] | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._current_request: BaseRequest | None = None
        self._keepalive_handle: asyncio.TimerHandle | None = None
        self._header_handle: asyncio.TimerHandle | None = None
        self._body_handle: asyncio.TimerHandle | None = None
        self._idle_since: float | None = None  # when the connection went idle
        self._head_since: float | None = None  # when the head in progress began
        self._head_pending = False  # a head began and is not complete yet
        self._body_activity = 0.0  # when the last piece of a body came
        self._body_awaited = False  # a body is due now (no 100-continue wait)
        self._parser_done = False  # failed, timed out or handed the connection over
        self._discarding = False  # lingering close in progress
        self._handed_over = False
        self._tail = b""
        self._upgraded_reader: Any = None
        self._close = False  # close after the response in progress
        self._force_close = False  # take no further request
        self._shutdown_callbacks: list[Callable[[], Awaitable[None]]] | None = None
        # Made when a lingering close waits for the connection's end.
        self._lost: asyncio.Future[None] | None = None
        #: The peer's address and the TLS context, from connection_made.
        self.peername: Any = None
        self.sslcontext: Any = None

    # -- asyncio.Protocol ------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Start serving: the connection's task and the keep-alive timer."""
        super().connection_made(transport)
        # Read once: every request of the connection reports them.
        self.peername = transport.get_extra_info("peername")
        self.sslcontext = transport.get_extra_info("sslcontext")
        if self._tcp_keepalive:
            sock = transport.get_extra_info("socket")
            if sock is not None:
                with suppress(OSError, AttributeError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        self._manager.connection_made(self, transport)
        self._start_keepalive()

    def connection_lost(self, exc: BaseException | None) -> None:
        """Fail what is still open; cancel the handler only if asked to."""
        self._manager.connection_lost(self, exc)
        super().connection_lost(exc)
        if self._lost is not None and not self._lost.done():
            self._lost.set_result(None)
        self._cancel_timers()
        if self._upgraded_reader is not None:
            if exc is None:
                self._upgraded_reader.feed_eof()
            else:
                self._upgraded_reader.set_exception(exc)
        elif not self._parser_done:
            try:
                self._parser.feed_eof()
            except HttpParserError as error:
                self._streams.parser_failed(error)
        self._streams.connection_lost(exc)
        self._parser_done = True
        self._force_close = True
        lost = ConnectionResetError("Connection lost")
        lost.__cause__ = exc
        request = self._current_request
        if request is not None:
            request._cancel(lost)
        for item in self._messages:
            if not isinstance(item, Exception):
                item[1].set_exception(lost)
        self._messages.clear()
        self._wake()
        task = self._task_handler
        if task is not None and (request is None or self._manager.handler_cancellation):
            task.cancel()

    def data_received(self, data: bytes) -> None:
        """Parse request bytes (or hand them to an upgraded protocol)."""
        if self._discarding:
            return  # lingering close: what comes now is dropped
        if self._upgraded_reader is not None:
            self._upgraded_reader.feed_data(data)
            return
        if self._handed_over:
            self._tail += data  # the upgrade's first bytes, kept for its reader
            if len(self._tail) > self._read_bufsize:
                # Nobody took the connection over yet: hold no more.
                BaseProtocol.pause_reading(self)
            return
        if self._parser_done:
            return  # after an error: nothing more is read as HTTP
        try:
            tail = self._parser.feed_data(data)
        except HttpParserError as exc:
            error = self._streams.parser_failed(exc)
            self._fail_parsing(error if error is exc else None)
            return
        payload = self._streams.payload
        # Body bytes arrived (the first ones, after 100 Continue, too).
        if payload is not None and (
            self._body_handle is not None or payload.total_bytes or self._body_awaited
        ):
            self._restart_body_timer()
        if self._head_pending and self._head_since is None:
            self._head_incomplete()
        if tail is not None:
            self._handed_over = self._parser_done = True
            self._tail += tail
            if len(self._tail) > self._read_bufsize:
                BaseProtocol.pause_reading(self)
        if self._messages:
            if self._task_handler is None:
                self._start_serving()
            else:
                waiter = self._waiter  # _wake(), inline: once per request
                if waiter is not None and not waiter.done():
                    waiter.set_result(None)

    def _fail_parsing(self, error: Exception | None) -> None:
        """Stop reading HTTP; answer a head's error after earlier responses."""
        self._parser_done = True
        self._close = True
        self._cancel_timers()
        if error is not None:
            self._messages.append(error)
        if self._messages:  # what came before the failure is answered too
            if self._task_handler is None:
                self._start_serving()
            else:
                self._wake()

    # -- the parser's sink (aioweb.protocol.MessageSink) ------------------------

    def _head_incomplete(self) -> None:
        # A read ended inside a head: from now on it has header_read_timeout
        # to complete. (A head that comes whole in one read, the usual case,
        # never reads the clock for it.)
        if self._header_read_timeout is not None:
            self._head_since = now = self._loop.time()
            if self._header_handle is None:
                self._header_handle = self._loop.call_at(
                    now + self._header_read_timeout, self._header_timed_out
                )

    def message_received(self, head: RequestHead, payload: StreamReader) -> None:
        """A head is complete: queue the request."""
        self._head_since = None
        self._head_pending = False
        self._messages.append((head, payload))
        if (
            (head.chunked or head.content_length)
            and not payload.is_eof()
            and "100-continue" not in head.headers.get("Expect", "").lower()
        ):
            # With Expect: 100-continue the client waits for us first. The
            # timer is armed once this read is parsed, if the body is still
            # incomplete then: most bodies come with their heads.
            self._body_awaited = True
        if len(self._messages) >= self._max_pipelined:
            BaseProtocol.pause_reading(self)

    def message_complete(
        self, head: RequestHead, trailers: CIMultiDictProxy[str] | None
    ) -> None:
        """A body ended: its timer stops."""
        self._body_awaited = False
        if self._body_handle is not None:
            self._body_handle.cancel()
            self._body_handle = None

    def informational_received(self, head: RequestHead) -> None:  # pragma: no cover
        """Requests have no interim heads."""

    # -- flow control -------------------------------------------------------------

    def resume_reading(self) -> None:
        """Resume unless the pipelining queue is full."""
        if len(self._messages) < self._max_pipelined:
            super().resume_reading()
            if self._streams.payload is not None and not self._parser_done:
                self._restart_body_timer()  # the client's turn again

    def pause_reading(self) -> None:
        """Pause the transport; a paused body is not the client's delay."""
        super().pause_reading()
        if self._body_handle is not None:
            self._body_handle.cancel()
            self._body_handle = None

    # -- the connection's task --------------------------------------------------

    def _start_serving(self) -> None:
        # The connection's task starts with its first request: a connection
        # that never sends one holds no task. Once started it waits for the
        # next request on a future, which costs a request less than a new
        # task would.
        self._task_handler = self._loop.create_task(self._serve())

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def _serve(self) -> None:
        try:
            while not self._force_close:
                if not self._messages:
                    if self._close or self.transport is None:
                        break
                    self._waiter = self._loop.create_future()
                    try:
                        await self._waiter
                    finally:
                        self._waiter = None
                    continue
                item = self._messages.pop(0)
                if self._reading_paused and len(self._messages) < self._max_pipelined:
                    super().resume_reading()
                if isinstance(item, Exception):
                    await self._answer_parse_error(item)
                    break
                head, payload = item
                keep = await self._handle_one(head, payload)
                if not keep:
                    break
                if not self._messages:
                    self._start_keepalive()
        except asyncio.CancelledError:
            pass
        except Exception:  # pragma: no cover - a defect in this module
            self.logger.exception("Unhandled error in the connection handler")
        finally:
            self._task_handler = None
            self._close_transport()

    async def _handle_one(self, head: RequestHead, payload: StreamReader) -> bool:
        """Handle a request; return whether the connection may carry another."""
        manager = self._manager
        writer = StreamWriter(self, self._loop)
        manager.requests_count += 1
        request = manager.request_factory(
            head, payload, self, writer, self._task_handler
        )
        access_logger = self.access_logger
        if access_logger is not None and not access_logger.enabled:
            access_logger = None
        start = self._loop.time() if access_logger is not None else 0.0
        self._current_request = request
        try:
            response: StreamResponse | None
            result: Any = None
            try:
                result = await manager.request_handler(request)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                response = self._answer_error(exc)
            else:
                # The exact class first: isinstance of an abstract base
                # class (StreamResponse is a MutableMapping) runs Python code.
                response = (
                    result
                    if type(result) is Response or isinstance(result, StreamResponse)
                    else self._answer_result(result)
                )
            if response is not None and (
                response is not result or head.upgrade or response.status >= 400
            ):
                # Only these can need settling (see _settle).
                response = self._settle(request, payload, response, result)
            if response is not None:
                # Most answers leave here, in one write and without a
                # coroutine; the others are prepared and ended by _send.
                try:
                    sent = self._send_now(request, response)
                except Exception as exc:
                    response = await self._send(request, response, exc)
                else:
                    if not sent:
                        response = await self._send(request, response, None)
                    elif self._writing_paused and self.transport is not None:
                        try:
                            await self.drain()
                        except ConnectionError:
                            response = None
        finally:
            self._current_request = None
            if request._files is not None:  # uploaded form fields to close
                request._finish()
        if response is None:
            return False
        if access_logger is not None:
            access_logger.log(request, response, self._loop.time() - start)
        if writer.length:  # the body fell short of its Content-Length
            return False
        # After a parsing failure, the error queued behind this request is
        # still to be answered; nothing else will come.
        closing = self._close and not self._messages
        if not response.keep_alive or closing or head.upgrade:
            if not payload.is_eof() or self._tail:
                await self._lingering_close()
            return False
        if payload is not EMPTY_PAYLOAD and not payload.is_eof():
            return await self._drain_body(payload)
        return True

    def _answer_error(self, exc: Exception) -> StreamResponse | None:
        """The answer to a handler's exception; None if none can be sent."""
        if isinstance(exc, HTTPException):
            return response_from_exception(exc)
        if isinstance(exc, ConnectionError):
            return None if self.transport is None else error_response(500)
        if isinstance(exc, PayloadError):
            status = exc.status if exc.status and exc.status >= 400 else 400
            self._close = True
            return error_response(status, exc=exc, debug=self.debug)
        if isinstance(exc, asyncio.TimeoutError):
            self.logger.debug("Request handler timed out", exc_info=exc)
            return error_response(504, exc=exc, debug=self.debug)
        self.logger.exception("Error handling request", exc_info=exc)
        return error_response(500, exc=exc, debug=self.debug)

    def _answer_result(self, result: Any) -> StreamResponse:
        """The answer a handler returned (an HTTPException may be returned too)."""
        if isinstance(result, StreamResponse):
            return result
        if isinstance(result, HTTPException):
            return response_from_exception(result)
        self.logger.error("Missing return statement on request handler: %r", result)
        return error_response(500)

    def _settle(
        self,
        request: BaseRequest,
        payload: StreamReader,
        response: StreamResponse,
        result: Any,
    ) -> StreamResponse | None:
        """Check an answer against the connection; None if it must end here."""
        if response is not result and request._response_started:
            # The handler failed after its response's head went out: another
            # answer cannot follow it on this connection, so it ends here.
            self.logger.debug("Handler failed after sending its head; closing")
            self._force_close = True
            return None
        if request._message.upgrade and response.status != 101:
            # The parser handed the connection over after this request; if
            # the handler did not take it, nothing more can be read as HTTP.
            response.force_close()
        if response.status >= 400 and not payload.is_eof():
            # An unread body after an error: the client may still be sending
            # it, so the connection cannot be reused.
            response.force_close()
        return response

    def _send_now(self, request: BaseRequest, response: StreamResponse) -> bool:
        """Send an unprepared answer whole if it can go without awaiting.

        Raises what preparing it raised (see :meth:`_send`).
        """
        if self.transport is None:
            raise ConnectionResetError("Connection lost")
        if response.prepared:
            return False
        if self._force_close:
            response.force_close()  # shutting down: say so to the client
        return response._send_at_once(request)

    async def _send(
        self,
        request: BaseRequest,
        response: StreamResponse,
        failure: Exception | None,
    ) -> StreamResponse | None:
        """Prepare and end an answer; None if nothing more could be sent.

        ``failure`` is what :meth:`_send_now` raised: a prepare signal
        receiver or a header value failed before the head was sent, so an
        error answer still can be.
        """
        try:
            if failure is None and not response.prepared:
                try:
                    await response.prepare(request)
                except Exception as exc:
                    failure = exc
            if failure is None:
                await response.write_eof()
                return response
            if isinstance(failure, ConnectionError):
                raise failure
            self.logger.exception("Error preparing the response", exc_info=failure)
            error = error_response(500, exc=failure, debug=self.debug)
            await error.prepare(request)
            await error.write_eof()
        except (ConnectionError, RuntimeError) as exc:
            if self.transport is not None and not response.prepared:
                self.logger.exception("Error sending the response", exc_info=exc)
            return None
        return response

    async def _answer_parse_error(self, error: Exception) -> None:
        """Answer a malformed or timed-out head, then close."""
        status = getattr(error, "status", 400) or 400
        response = error_response(status, exc=error, debug=self.debug)
        response.force_close()
        writer = StreamWriter(self, self._loop)
        head = f"HTTP/1.1 {response.status} {response.reason}"
        body = response.body
        assert isinstance(body, bytes)
        headers = response.headers
        headers["Content-Length"] = str(len(body))
        headers["Connection"] = "close"
        with suppress(ConnectionError):
            await writer.write_headers(head, headers)
            await writer.write_eof(body)
            await self._lingering_close()

    async def _drain_body(self, payload: StreamReader) -> bool:
        """Read an unread body to its end within ``lingering_time``."""
        if not self._lingering_time:
            return False
        deadline = self._loop.time() + self._lingering_time
        with suppress(asyncio.TimeoutError, PayloadError, ConnectionError):
            while not payload.is_eof():
                remaining = deadline - self._loop.time()
                if remaining <= 0:
                    break
                await asyncio.wait_for(payload.readany(), remaining)
        return payload.is_eof() and payload.exception() is None

    async def _lingering_close(self) -> None:
        """Half-close, then drop what the client still sends, for a while.

        Closing at once while the client is still sending would make the
        kernel answer its bytes with a reset, which may destroy the response
        before the client read it.
        """
        transport = self.transport
        if transport is None:
            return
        self._parser_done = self._discarding = True
        self._tail = b""
        with suppress(OSError, NotImplementedError, RuntimeError):
            if transport.can_write_eof():
                transport.write_eof()
        if self._reading_paused:
            super().resume_reading()
        if self._lingering_time:
            with suppress(asyncio.TimeoutError):
                lost = self._lost
                if lost is None:
                    lost = self._lost = self._loop.create_future()
                await asyncio.wait_for(asyncio.shield(lost), self._lingering_time)

    def _close_transport(self) -> None:
        if self.transport is not None:
            self.transport.close()

    # -- upgrades and shutdown ------------------------------------------------------

    def switch_protocol(self, reader: Any) -> bytes:
        """Hand the connection's further bytes to ``reader`` (after an upgrade).

        Args:
            reader: has ``feed_data``, ``feed_eof`` and ``set_exception``.

        Returns:
            The bytes already received after the upgrade request, which the
            caller feeds first.

        Raises:
            RuntimeError: the last request did not ask for an upgrade.
        """
        if not self._handed_over:
            raise RuntimeError("the connection was not handed over")
        self._stop_keepalive()
        self._upgraded_reader = reader
        tail, self._tail = self._tail, b""
        if self._reading_paused:
            super().resume_reading()  # the new reader has its own flow control
        return tail

    def add_shutdown_callback(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Await ``callback()`` first when the server shuts down gracefully.

        A WebSocket registers its close with code 1001 (going away) here.
        """
        if self._shutdown_callbacks is None:
            self._shutdown_callbacks = []
        self._shutdown_callbacks.append(callback)

    def remove_shutdown_callback(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Forget a callback given to :meth:`add_shutdown_callback`."""
        if self._shutdown_callbacks is not None:
            with suppress(ValueError):
                self._shutdown_callbacks.remove(callback)

    def close(self) -> None:
        """Take no further request; close now if idle."""
        self._force_close = True
        self._stop_keepalive()
        if self._current_request is None:
            self._wake()
            if self._waiter is None and self.transport is not None:
                self.transport.close()

    async def shutdown(self, timeout: float | None = 15.0) -> None:
        """Finish the request in progress within ``timeout``, then close.

        Shutdown callbacks run first; a handler still running at the
        deadline is cancelled.
        """
        self.close()
        callbacks, self._shutdown_callbacks = self._shutdown_callbacks or [], None
        for callback in callbacks:
            with suppress(Exception):
                await callback()
        task = self._task_handler
        if task is not None and not task.done():
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(task), timeout)
        task = self._task_handler
        if task is not None and not task.done():
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        self._close_transport()

    # -- what aiohttp's protocol also offers -----------------------------------------

    @property
    def keep_alive_timeout(self) -> float:
        """The keep-alive timeout in seconds."""
        return self._keepalive_timeout

    def force_close(self) -> None:
        """Close the connection after the response in progress."""
        self._force_close = True

    def log_debug(self, *args: Any, **kwargs: Any) -> None:
        """Log at DEBUG level when the loop is in debug mode."""
        if self._loop.get_debug():
            self.logger.debug(*args, **kwargs)

    def log_exception(self, *args: Any, **kwargs: Any) -> None:
        """Log an exception."""
        self.logger.exception(*args, **kwargs)
