"""What aiohttp's client and server WebSocket objects share, in one base.

:class:`WebSocketBase` is the behaviour common to aiohttp's
``ClientWebSocketResponse`` and ``WebSocketResponse``: sending and receiving
messages, the closing handshake with its timeout, automatic pongs and closes,
and the heartbeat. The client and the server subclass it; each does its own
handshake and then calls :meth:`WebSocketBase._attach` with the transport.

The heartbeat (see :mod:`aioweb.protocol.ws_heartbeat`) pings a peer that
has been silent for ``heartbeat`` seconds; if nothing comes back within half
of that, the connection is dropped with ``ABNORMAL_CLOSURE``, a pending
:meth:`~WebSocketBase.receive` returns an ``ERROR`` message carrying an
:class:`asyncio.TimeoutError`, and later calls return ``CLOSED``.

Where aiohttp's behaviour is kept although another would be tidier, it is
kept on purpose: code ported from aiohttp relies on it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, ClassVar, Final

from aioweb.websocket import (
    DEFAULT_MAX_FRAGMENTS,
    DEFAULT_MAX_MESSAGE_SIZE,
    PerMessageDeflate,
    Role,
    WebSocketProtocol,
)
from aioweb.websocket.enums import is_valid_close_code

from .base_protocol import BaseProtocol
from .exceptions import WebSocketError, WSMessageTypeError
from .ws_heartbeat import Heartbeat
from .ws_reader import DEFAULT_READER_LIMIT, WebSocketReader
from .ws_types import (
    WS_CLOSED_MESSAGE,
    WS_CLOSING_MESSAGE,
    WSCloseCode,
    WSMessage,
    WSMsgType,
)
from .ws_writer import WebSocketWriter

__all__ = ("WebSocketBase",)

_DATA_TYPES: Final = (WSMsgType.TEXT, WSMsgType.BINARY)
_END_TYPES: Final = (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED)


def _check_close_frame(code: int, message: bytes | str) -> None:
    if not is_valid_close_code(code):
        raise ValueError(f"close code {code} may not be sent")
    try:
        reason = message.encode() if isinstance(message, str) else message
        reason.decode()
    except UnicodeError as exc:
        raise ValueError("a close reason must be UTF-8") from exc
    if len(reason) > 123:
        raise ValueError("a close reason is at most 123 bytes")


class WebSocketBase:
    """The shared part of client and server WebSocket objects.

    Args:
        timeout: seconds :meth:`close` waits for the peer's Close frame.
        receive_timeout: default seconds :meth:`receive` waits for a
            message; ``None`` waits without limit.
        autoclose: answer the peer's Close frame and close the connection
            as soon as it arrives. With ``False`` the peer's Close frame
            reaches :meth:`receive` as a ``CLOSE`` message and is answered
            only by the application's own :meth:`close` (messages may still
            be sent before that).
        autoping: answer pings and swallow pongs; with ``False``,
            :meth:`receive` returns them and the application answers.
        heartbeat: send a ping after this many seconds without traffic,
            and drop the connection if nothing answers within half of it.
        max_msg_size: the largest message accepted, after decompression;
            ``0`` for no limit (on the number of fragments too).
        reader_limit: bytes of unread messages above which reading from
            the transport pauses.

    Raises:
        ValueError: a timeout or the heartbeat is not positive.

    aiohttp's client and server differ in three small ways; the defaults here
    are the server's, and a subclass sets the class attributes below (or
    overrides :meth:`_receive_while_closing`) to get the client's.
    """

    # Slots: thousands of idle WebSockets each hold one of these, and a
    # slot costs a fraction of a dictionary entry.
    __slots__ = (
        "__weakref__",  # applications keep their WebSockets in a WeakSet
        "_autoclose",
        "_autoping",
        "_close_code",
        "_close_timeout",
        "_close_wait",
        "_closed",
        "_closed_receives",
        "_closing",
        "_exception",
        "_heartbeat",
        "_heartbeat_interval",
        "_loop",
        "_max_msg_size",
        "_protocol_name",
        "_reader",
        "_reader_limit",
        "_receive_timeout",
        "_transport",
        "_waiting",
        "_writer",
    )

    #: What :meth:`receive` and the senders say before :meth:`_attach`.
    _NOT_CONNECTED: ClassVar[str] = "WebSocket is not connected"
    #: ``receive()`` on a closed WebSocket raises ``RuntimeError`` after
    #: returning ``CLOSED`` this many times (a loop ignoring ``CLOSED`` would
    #: spin for ever); ``None`` never raises, as aiohttp's client.
    _CLOSED_RECEIVE_LIMIT: ClassVar[int | None] = 5
    #: A ``receive()`` timeout sets :attr:`close_code` to 1006, as aiohttp's
    #: client does; its server leaves the code alone.
    _TIMEOUT_IS_ABNORMAL: ClassVar[bool] = False

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        receive_timeout: float | None = None,
        autoclose: bool = True,
        autoping: bool = True,
        heartbeat: float | None = None,
        max_msg_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        reader_limit: int = DEFAULT_READER_LIMIT,
    ) -> None:
        if timeout <= 0 or (receive_timeout is not None and receive_timeout <= 0):
            raise ValueError("timeouts must be positive")
        if heartbeat is not None and heartbeat <= 0:
            raise ValueError("heartbeat must be positive")
        self._close_timeout = timeout
        self._receive_timeout = receive_timeout
        self._autoclose = autoclose
        self._autoping = autoping
        self._heartbeat_interval = heartbeat
        self._heartbeat: Heartbeat | None = None
        self._max_msg_size = max_msg_size
        self._reader_limit = reader_limit
        self._reader: WebSocketReader | None = None
        self._writer: WebSocketWriter | None = None
        self._transport: asyncio.Transport | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._protocol_name: str | None = None
        self._closed = False
        self._closing = False
        self._close_code: int | None = None
        self._exception: BaseException | None = None
        self._waiting = False
        self._close_wait: asyncio.Future[None] | None = None
        self._closed_receives = 0

    # -- connection ----------------------------------------------------------

    def _attach(
        self,
        transport: asyncio.Transport,
        protocol: BaseProtocol,
        role: Role,
        *,
        extensions: Sequence[PerMessageDeflate] = (),
        subprotocol: str | None = None,
    ) -> WebSocketReader:
        """Start speaking WebSocket on a transport whose handshake is done.

        Args:
            transport: the connection's transport.
            protocol: the asyncio protocol that owns it; it must hand every
                byte received from now on to the returned reader's
                ``feed_data``, and call ``feed_eof`` (or ``set_exception``)
                from ``connection_lost``.
            role: which end of the connection this object is.
            extensions: what the handshake negotiated.
            subprotocol: the subprotocol the handshake selected.

        Returns:
            The reader to feed.

        Raises:
            RuntimeError: the WebSocket is attached already.
        """
        if self._reader is not None:
            raise RuntimeError("the WebSocket is attached to a transport already")
        limit = self._max_msg_size or None
        connection = WebSocketProtocol(
            role,
            extensions=extensions,
            # A frame may be a little larger than the message it carries when
            # deflate could not shrink it (5 bytes per stored block).
            max_frame_size=None if limit is None else limit + limit // 8192 + 1024,
            max_message_size=limit,
            # Without a size limit the number of fragments is not limited
            # either: a 4 MiB message may come in 64-byte fragments
            # (Autobahn 9.3.1), and the bytes they carry are what costs.
            max_fragments=None if limit is None else DEFAULT_MAX_FRAGMENTS,
            # The reader answers pings, and holds pongs back when the
            # transport is congested.
            auto_pong=False,
            auto_close=self._autoclose,
        )
        writer = WebSocketWriter(connection, protocol, transport)
        reader = WebSocketReader(
            connection,
            protocol,
            # The writer itself, callable as its write(): a bound method
            # would be one more object per WebSocket.
            writer,
            autoping=self._autoping,
            limit=self._reader_limit,
            write_buffer_size=transport.get_write_buffer_size,
        )
        self._loop = asyncio.get_running_loop()
        self._transport = transport
        self._reader = reader
        self._writer = writer
        self._protocol_name = subprotocol
        if self._heartbeat_interval is not None:
            heartbeat = Heartbeat(
                self._loop,
                self._heartbeat_interval,
                self._send_heartbeat_ping,
                self._pong_not_received,
            )
            self._heartbeat = heartbeat
            reader.on_activity = heartbeat.activity
            heartbeat.activity()
        return reader

    def _close_transport(self) -> None:
        """Close the connection once the WebSocket is done with it.

        Subclasses that hand connections back to a pool override this.
        """
        if self._transport is not None and not self._transport.is_closing():
            self._transport.close()

    def _pong_timeout_error(self) -> BaseException:
        """The error of a heartbeat that got no answer (aiohttp's client
        raises its ``ServerTimeoutError`` here, a subclass)."""
        timeout = self._heartbeat.pong_timeout if self._heartbeat else 0.0
        return asyncio.TimeoutError(f"No PONG received after {timeout} seconds")

    # -- state ---------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran or the connection failed."""
        return self._closed

    @property
    def close_code(self) -> int | None:
        """The close code: the peer's, ours, or 1006 for a dropped connection."""
        return self._close_code

    @property
    def protocol(self) -> str | None:
        """The subprotocol the handshake selected."""
        return self._protocol_name

    def exception(self) -> BaseException | None:
        """The error that ended the connection, if any."""
        return self._exception

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """Information about the transport, as ``transport.get_extra_info``.

        Returns ``default`` before the handshake and after the transport is
        gone.
        """
        transport = self._transport
        if transport is None:
            return default
        return transport.get_extra_info(name, default)

    def _require_writer(self) -> WebSocketWriter:
        if self._writer is None:
            raise RuntimeError(self._NOT_CONNECTED)
        return self._writer

    def _set_closing(self) -> None:
        self._closing = True
        self._cancel_heartbeat()

    def _set_closed(self) -> None:
        self._closed = True
        self._cancel_heartbeat()

    # -- heartbeat -----------------------------------------------------------

    def _send_heartbeat_ping(self) -> bool:
        assert self._writer is not None
        try:
            self._writer.write_frame(b"", WSMsgType.PING)
        except (ConnectionError, ValueError) as exc:
            self._fail_heartbeat(exc)
            return False
        return True

    def _pong_not_received(self) -> None:
        self._fail_heartbeat(self._pong_timeout_error())

    def _fail_heartbeat(self, exc: BaseException) -> None:
        if self._closed:
            return
        self._set_closed()
        self._close_code = WSCloseCode.ABNORMAL_CLOSURE
        self._exception = exc
        if self._transport is not None:
            # The peer is gone or stuck: do not wait for a buffer to drain.
            self._transport.abort()
        self._close_transport()
        if self._waiting and not self._closing and self._reader is not None:
            self._reader.feed_message(WSMessage(WSMsgType.ERROR, exc, None))

    def _cancel_heartbeat(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.stop()

    # -- sending -------------------------------------------------------------

    async def send_frame(
        self, message: bytes, opcode: WSMsgType, compress: int | None = None
    ) -> None:
        """Send one frame of any type.

        Args:
            message: the payload.
            opcode: TEXT, BINARY, PING, PONG or CLOSE.
            compress: for TEXT and BINARY, as for :meth:`send_str`.

        Raises:
            ConnectionResetError: the connection is closing or closed.
            ValueError: the payload does not suit the opcode.
        """
        await self._require_writer().send_frame(message, opcode, compress)

    async def send_str(self, data: str, compress: int | None = None) -> None:
        """Send a text message.

        Args:
            data: the text.
            compress: this message's compression when permessage-deflate
                was negotiated (without it, messages are never compressed):
                ``None`` for the negotiated default, ``0`` to send it
                uncompressed, or window bits (8-15, at most the negotiated
                window) to compress it alone with a window that small.

        Raises:
            TypeError: ``data`` is not ``str``.
            ValueError: ``compress`` is none of the above.
            ConnectionResetError: the connection is closing or closed.
        """
        if not isinstance(data, str):
            raise TypeError(f"data argument must be str ({type(data)!r})")
        writer = self._writer
        if writer is None:
            raise RuntimeError(self._NOT_CONNECTED)
        if writer.write_message(data, compress):
            await writer.drain()

    async def send_bytes(self, data: bytes, compress: int | None = None) -> None:
        """Send a binary message.

        Args:
            data: the payload.
            compress: as for :meth:`send_str`.

        Raises:
            TypeError: ``data`` is not bytes-like.
            ValueError: ``compress`` is not a valid choice.
            ConnectionResetError: the connection is closing or closed.
        """
        if type(data) is not bytes:
            if not isinstance(data, (bytes, bytearray, memoryview)):
                raise TypeError(f"data argument must be byte-ish ({type(data)!r})")
            data = bytes(data)
        writer = self._writer
        if writer is None:
            raise RuntimeError(self._NOT_CONNECTED)
        if writer.write_message(data, compress):
            await writer.drain()

    async def send_json(
        self,
        data: Any,
        compress: int | None = None,
        *,
        dumps: Callable[[Any], str] = json.dumps,
    ) -> None:
        """Send ``data`` encoded as JSON in a text message.

        Args:
            data: what to encode.
            compress: as for :meth:`send_str`.
            dumps: the encoder, ``json.dumps`` by default.
        """
        await self.send_str(dumps(data), compress=compress)

    async def ping(self, message: bytes | str = b"") -> None:
        """Send a Ping (at most 125 bytes of payload)."""
        await self._require_writer().send_frame(message, WSMsgType.PING)

    async def pong(self, message: bytes | str = b"") -> None:
        """Send a Pong (at most 125 bytes of payload)."""
        await self._require_writer().send_frame(message, WSMsgType.PONG)

    # -- closing -------------------------------------------------------------

    async def close(
        self, *, code: int = WSCloseCode.OK, message: bytes | str = b""
    ) -> bool:
        """Close the connection: send a Close frame and wait for the peer's.

        Waits at most ``timeout`` seconds (see the constructor) for the
        peer's Close frame; on timeout the connection is dropped,
        :attr:`close_code` is 1006 and :meth:`exception` holds the
        :class:`asyncio.TimeoutError`.

        Args:
            code: the close code to send.
            message: the reason, at most 123 bytes of UTF-8.

        Returns:
            False if the WebSocket was already closed.

        Raises:
            ValueError: the code may not be sent (RFC 6455 §7.4: 1005, 1006,
                1015, and codes outside the registered ones and 3000-4999),
                or the reason is not UTF-8 or longer than 123 bytes; nothing
                is sent and the WebSocket stays open.
        """
        _check_close_frame(code, message)
        writer = self._require_writer()
        reader = self._reader
        assert reader is not None and self._loop is not None
        if self._waiting and not self._closing:
            # receive() runs in another task: wake it with CLOSING, then read
            # the peer's answer here once it has returned.
            self._close_wait = self._loop.create_future()
            self._set_closing()
            reader.feed_message(WS_CLOSING_MESSAGE)
            await self._close_wait
        if self._closed:
            return False
        self._set_closed()
        try:
            await writer.close(code, message)
        except asyncio.CancelledError:
            self._close_code = WSCloseCode.ABNORMAL_CLOSURE
            self._close_transport()
            raise
        except Exception as exc:
            self._close_code = WSCloseCode.ABNORMAL_CLOSURE
            self._exception = exc
            self._close_transport()
            return True
        if self._close_code is not None:
            # The peer's Close frame came first; ours, if any, answered it.
            self._close_transport()
            return True
        deadline = self._loop.time() + self._close_timeout
        try:
            while True:
                message_in = await reader.read(deadline - self._loop.time())
                if message_in.type is WSMsgType.CLOSE:
                    self._close_code = message_in.data
                    break
                if message_in.type is WSMsgType.CLOSED:
                    # The peer hung up without answering (RFC 6455 §7.1.5).
                    self._close_code = WSCloseCode.ABNORMAL_CLOSURE
                    break
                # Messages still in flight before the peer's Close are dropped.
        except asyncio.CancelledError:
            self._close_code = WSCloseCode.ABNORMAL_CLOSURE
            self._close_transport()
            raise
        except Exception as exc:
            self._close_code = WSCloseCode.ABNORMAL_CLOSURE
            self._exception = exc
        self._close_transport()
        return True

    # -- receiving -----------------------------------------------------------

    async def receive(self, timeout: float | None = None) -> WSMessage:
        """The next message.

        Pings and pongs are handled here under ``autoping``; the peer's
        Close frame is answered and the connection closed under
        ``autoclose``, and the ``CLOSE`` message is still returned.

        Args:
            timeout: seconds to wait; defaults to ``receive_timeout``.

        Returns:
            The message. ``CLOSED`` once the connection is closed, ``CLOSING``
            while another task closes it, ``ERROR`` (with the exception as
            ``data``) when it failed.

        Raises:
            asyncio.TimeoutError: nothing arrived in time; the connection
                stays open (see ``_TIMEOUT_IS_ABNORMAL``).
            RuntimeError: another task is already receiving, or ``CLOSED``
                was returned too often already (see
                ``_CLOSED_RECEIVE_LIMIT``).
        """
        return await self._receive(timeout, False)

    async def _receive(self, timeout: float | None, iterating: bool) -> WSMessage:
        """:meth:`receive`; with ``iterating``, :meth:`__anext__`, which
        raises StopAsyncIteration instead of returning CLOSE, CLOSING or
        CLOSED."""
        reader = self._reader
        if reader is None:
            raise RuntimeError(self._NOT_CONNECTED)
        if timeout is None:
            timeout = self._receive_timeout
        while True:
            if self._waiting:
                raise RuntimeError("Concurrent call to receive() is not allowed")
            if self._closed:
                self._closed_receives += 1
                limit = self._CLOSED_RECEIVE_LIMIT
                if limit is not None and self._closed_receives >= limit:
                    raise RuntimeError("WebSocket connection is closed.")
                if iterating:
                    raise StopAsyncIteration
                return WS_CLOSED_MESSAGE
            if self._closing:
                closing = await self._receive_while_closing()
                if iterating and closing.type in _END_TYPES:
                    raise StopAsyncIteration
                return closing
            try:
                self._waiting = True
                try:
                    if timeout is None:
                        # reader.read() without its coroutine: this runs
                        # once per message.
                        waiter = reader.waiter()
                        if waiter is not None:
                            try:
                                await waiter
                            except BaseException:
                                reader.stop_waiting()
                                raise
                        message = reader.take()
                    else:
                        message = await reader.read(timeout)
                finally:
                    self._waiting = False
                    close_wait = self._close_wait
                    if close_wait is not None and not close_wait.done():
                        close_wait.set_result(None)
            except asyncio.TimeoutError:
                if self._TIMEOUT_IS_ABNORMAL:
                    self._close_code = WSCloseCode.ABNORMAL_CLOSURE
                raise
            except asyncio.CancelledError:
                self._close_code = WSCloseCode.ABNORMAL_CLOSURE
                raise
            except WebSocketError as exc:
                self._close_code = exc.code
                await self.close(code=exc.code)
                return WSMessage(WSMsgType.ERROR, exc, None)
            except Exception as exc:
                self._exception = exc
                self._set_closing()
                self._close_code = WSCloseCode.ABNORMAL_CLOSURE
                await self.close()
                return WSMessage(WSMsgType.ERROR, exc, None)

            message_type = message.type
            if message_type in _DATA_TYPES:
                return message
            if message_type is WSMsgType.CLOSE:
                self._set_closing()
                self._close_code = message.data
                if not self._closed and self._autoclose:
                    await self.close()
            elif message_type is WSMsgType.CLOSING:
                self._set_closing()
            elif message_type is WSMsgType.CLOSED:
                # The TCP connection ended without a Close frame.
                if self._close_code is None:
                    self._close_code = WSCloseCode.ABNORMAL_CLOSURE
                await self.close()
            elif self._autoping and message_type in (WSMsgType.PING, WSMsgType.PONG):
                continue
            if iterating and message_type in _END_TYPES:
                raise StopAsyncIteration
            return message

    async def _receive_while_closing(self) -> WSMessage:
        """What :meth:`receive` returns once closing began.

        ``CLOSING``, as aiohttp's server; its client finishes the close and
        returns ``CLOSED`` instead.
        """
        return WS_CLOSING_MESSAGE

    async def receive_str(self, *, timeout: float | None = None) -> str:
        """The next message, which must be text.

        Raises:
            WSMessageTypeError: the next message was of another type.
        """
        message = await self._receive(timeout, False)
        if message.type is not WSMsgType.TEXT:
            raise WSMessageTypeError(
                f"Received message {message.type}:{message.data!r} "
                "is not WSMsgType.TEXT"
            )
        data: str = message.data
        return data

    async def receive_bytes(self, *, timeout: float | None = None) -> bytes:
        """The next message, which must be binary.

        Raises:
            WSMessageTypeError: the next message was of another type.
        """
        message = await self._receive(timeout, False)
        if message.type is not WSMsgType.BINARY:
            raise WSMessageTypeError(
                f"Received message {message.type}:{message.data!r} "
                "is not WSMsgType.BINARY"
            )
        data: bytes = message.data
        return data

    async def receive_json(
        self,
        *,
        loads: Callable[[Any], Any] = json.loads,
        timeout: float | None = None,
    ) -> Any:
        """The next message, text decoded as JSON.

        Args:
            loads: the decoder, ``json.loads`` by default.
            timeout: as for :meth:`receive`.

        Raises:
            WSMessageTypeError: the next message was not text.
        """
        return loads(await self.receive_str(timeout=timeout))

    def __aiter__(self) -> WebSocketBase:
        return self

    def __anext__(self) -> Coroutine[Any, Any, WSMessage]:
        # The receiving coroutine itself rather than one awaiting it: a
        # frame less per message, and per idle WebSocket.
        return self._receive(None, True)
