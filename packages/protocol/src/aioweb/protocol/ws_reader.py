"""The receiving half of an asyncio WebSocket: bytes in, queued messages out.

How this works: the asyncio protocol that owns the transport (the client's or
the server's HTTP protocol, once the upgrade is done) hands every received
byte to :meth:`WebSocketReader.feed_data`. The reader gives them to the
sans-I/O :class:`aioweb.websocket.WebSocketProtocol`, turns its events into
:class:`~aioweb.protocol.ws_types.WSMessage` values and queues them for
:meth:`WebSocketReader.read`. Replies the sans-I/O object owes the peer (a Pong
for a Ping, the echo of a Close frame, the Close frame that fails the
connection) are written at once, so a peer's ping is answered even while the
application is not reading.

Pongs are written by the reader itself, under ``autoping``: one for every
ping while the transport's write buffer holds at most ``pong_backlog``
bytes, and none above that, where only the latest ping stays owed (RFC 6455
§5.5.3 lets an endpoint answer only the most recent ping). A peer that
floods pings and never reads thus cannot make this side buffer pongs
without end; the owed pong goes out with the next bytes received once the
buffer has drained.

Flow control: when the queue holds more than ``limit`` bytes, or more than
``max_messages`` messages, the reader asks the protocol to pause reading from
the transport; it resumes once the application has read the queue down to
half of both. The peer is slowed by TCP, and memory stays bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Protocol

from aioweb.websocket import (
    Binary,
    Close,
    CloseCode,
    Event,
    Ping,
    Pong,
    ProtocolError,
    State,
    Text,
    WebSocketProtocol,
)

from .exceptions import WebSocketError
from .ws_types import WS_CLOSED_MESSAGE, WSMessage, WSMsgType

__all__ = (
    "DEFAULT_PONG_BACKLOG",
    "DEFAULT_READER_LIMIT",
    "DEFAULT_READER_MAX_MESSAGES",
    "WebSocketReader",
)

#: Queued bytes above which reading from the transport pauses.
DEFAULT_READER_LIMIT = 2**16
#: Queued messages above which reading from the transport pauses.
DEFAULT_READER_MAX_MESSAGES = 1024
#: Bytes waiting to be written above which pongs are held back.
DEFAULT_PONG_BACKLOG = 2**16

# RFC 6455 §7.4.1: 1005 stands for a Close frame that carried no code.
_NO_STATUS = 1005
_TEXT = WSMsgType.TEXT
_BINARY = WSMsgType.BINARY
#: The message type of each data event.
_DATA_TYPES: dict[type[Event], WSMsgType] = {Text: _TEXT, Binary: _BINARY}


class ReadFlowControl(Protocol):
    """What the reader pauses: the protocol that owns the transport."""

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


class WebSocketReader:
    """Turns a WebSocket's received bytes into queued messages.

    Args:
        connection: the sans-I/O connection, already open.
        flow: the protocol whose ``pause_reading``/``resume_reading`` stop and
            restart reading from the transport.
        send: writes bytes to the transport (for pongs and close frames
            the connection owes the peer).
        autoping: answer pings (build the connection with
            ``auto_pong=False``) and leave pings and pongs out of the queue.
        limit: queued bytes above which reading pauses.
        max_messages: queued messages above which reading pauses.
        on_activity: called whenever bytes arrive (the heartbeat uses it).
        write_buffer_size: the transport's ``get_write_buffer_size``; without
            it, pongs are never held back.
        pong_backlog: bytes waiting in the write buffer above which pongs
            are held back.

    Raises:
        ValueError: ``limit`` or ``max_messages`` is not positive.
    """

    __slots__ = (
        "_autoping",
        "_connection",
        "_eof",
        "_exception",
        "_flow",
        "_limit",
        "_loop",
        "_max_messages",
        "_paused",
        "_pong_backlog",
        "_pong_owed",
        "_queue",
        "_send",
        "_size",
        "_waiter",
        "_write_buffer_size",
        "on_activity",
    )

    def __init__(
        self,
        connection: WebSocketProtocol,
        flow: ReadFlowControl,
        send: Callable[[bytes], None],
        *,
        autoping: bool = True,
        limit: int = DEFAULT_READER_LIMIT,
        max_messages: int = DEFAULT_READER_MAX_MESSAGES,
        on_activity: Callable[[], None] | None = None,
        write_buffer_size: Callable[[], int] | None = None,
        pong_backlog: int = DEFAULT_PONG_BACKLOG,
    ) -> None:
        if limit <= 0 or max_messages <= 0:
            raise ValueError("limit and max_messages must be positive")
        self._connection = connection
        self._flow = flow
        self._send = send
        self._autoping = autoping
        self._limit = limit
        self._max_messages = max_messages
        #: Called whenever bytes arrive (the heartbeat uses it).
        self.on_activity = on_activity
        # A list, not a deque: an idle WebSocket's queue is empty or holds a
        # message or two, and an empty deque allocates a 64-slot block.
        self._queue: list[tuple[WSMessage, int]] = []
        self._size = 0
        self._paused = False
        self._eof = False
        self._exception: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        # The loop, found at the first wait (asking for it each time costs
        # more than the rest of a wait's set-up).
        self._loop: asyncio.AbstractEventLoop | None = None
        self._write_buffer_size = write_buffer_size
        self._pong_backlog = pong_backlog
        # The payload of the latest ping not answered yet.
        self._pong_owed: bytes | None = None

    def __repr__(self) -> str:
        state = "eof" if self._eof else "paused" if self._paused else "reading"
        return (
            f"<WebSocketReader {state} messages={len(self._queue)} bytes={self._size}>"
        )

    @property
    def queued_messages(self) -> int:
        """Messages received and not read yet."""
        return len(self._queue)

    @property
    def queued_bytes(self) -> int:
        """The size of the messages received and not read yet."""
        return self._size

    @property
    def paused(self) -> bool:
        """True while the reader holds reading from the transport paused."""
        return self._paused

    def at_eof(self) -> bool:
        """True once the stream ended and every message was read."""
        return self._eof and not self._queue

    def exception(self) -> BaseException | None:
        """The error that ended the stream, if any."""
        return self._exception

    # -- fed by the transport's protocol -------------------------------------

    def feed_data(self, data: bytes | bytearray | memoryview) -> None:
        """Take bytes received from the peer."""
        if self._eof or not data:
            return
        on_activity = self.on_activity
        if on_activity is not None:
            on_activity()
        # The whole messages at the front of the bytes come decoded in one
        # call to the (compiled) core; only what follows them, if anything,
        # goes through the events. This runs once per read.
        messages, more = self._connection.receive_messages(data)
        added = 0
        if messages:
            queue = self._queue
            for opcode, payload in messages:
                size = len(payload)
                # tuple.__new__ skips the NamedTuple constructor's argument
                # handling: this runs once per message.
                queue.append(
                    (
                        tuple.__new__(
                            WSMessage,
                            (_TEXT if opcode == 0x1 else _BINARY, payload, None),
                        ),
                        size,
                    )
                )
                added += size
            if not more:
                # _queued() inline: pause above the limits, wake read().
                size = self._size = self._size + added
                if not self._paused and (
                    size > self._limit or len(queue) > self._max_messages
                ):
                    self._paused = True
                    self._flow.pause_reading()
                waiter = self._waiter
                if waiter is not None and not waiter.done():
                    waiter.set_result(None)
                if self._pong_owed is not None:
                    self._write_pending()
                return
        self._read_events(added)

    def feed_eof(self) -> None:
        """The peer closed the TCP connection (or the transport was lost)."""
        if self._eof:
            return
        self._connection.receive_eof()
        self._read_events()
        self._end()

    def set_exception(self, exc: BaseException) -> None:
        """End the stream with an error, raised by :meth:`read` once the
        messages already queued are read."""
        if self._eof:
            return
        self._exception = exc
        self._end()

    def feed_message(self, message: WSMessage) -> None:
        """Queue a message that did not come from the peer.

        The WebSocket object uses this to wake a pending :meth:`read` with
        ``CLOSING`` or ``ERROR``.
        """
        self._queue.append((message, 0))
        self._wake()

    # -- read by the application ---------------------------------------------

    async def read(self, timeout: float | None = None) -> WSMessage:
        """The next message, waiting for one if needed.

        Args:
            timeout: seconds to wait, or ``None`` to wait without limit.

        Returns:
            The next message; :data:`~aioweb.protocol.ws_types.WS_CLOSED_MESSAGE`
            once the stream ended without an error.

        Raises:
            WebSocketError: the peer broke the protocol (the close code is
                the one sent to it).
            asyncio.TimeoutError: nothing arrived in ``timeout`` seconds.
            RuntimeError: another coroutine is already waiting.
        """
        waiter = self.waiter()
        if waiter is not None:
            if timeout is None:
                try:
                    await waiter
                finally:
                    self._waiter = None
            else:
                timer = waiter.get_loop().call_later(timeout, _time_out, waiter)
                try:
                    await waiter
                finally:
                    self._waiter = None
                    timer.cancel()
        return self.take()

    def waiter(self) -> asyncio.Future[None] | None:
        """A future that is done once :meth:`take` has something to return;
        ``None`` if it has already.

        :meth:`read` in two halves, for a caller that awaits the future
        itself (one coroutine less per message); :meth:`take` forgets the
        future, and a caller that abandons it calls :meth:`stop_waiting`.

        Raises:
            RuntimeError: another coroutine is already waiting.
        """
        if self._queue or self._eof:
            return None
        if self._waiter is not None:
            raise RuntimeError("read() called while another coroutine is waiting")
        loop = self._loop
        if loop is None:
            loop = self._loop = asyncio.get_running_loop()
        waiter = self._waiter = loop.create_future()
        return waiter

    def stop_waiting(self) -> None:
        """Forget the future :meth:`waiter` returned."""
        self._waiter = None

    def take(self) -> WSMessage:
        """The next message, once :meth:`waiter` says there is one.

        Raises:
            WebSocketError: as :meth:`read`.
        """
        self._waiter = None
        queue = self._queue
        if queue:
            message, size = queue.pop(0)
            self._size -= size
            if (
                self._paused
                and self._size <= self._limit // 2
                and len(queue) <= self._max_messages // 2
            ):
                self._paused = False
                self._flow.resume_reading()
            return message
        if self._exception is not None:
            raise self._exception
        return WS_CLOSED_MESSAGE

    # -- internals -----------------------------------------------------------

    def _read_events(self, added: int = 0) -> None:
        """Queue the messages of the buffered bytes' events; ``added`` bytes
        of messages were queued already and are not counted yet."""
        connection = self._connection
        next_event = connection.next_event
        queue = self._queue
        owed = False
        try:
            event = next_event()
            while event is not None:
                # Data messages inline: this runs once per message.
                # tuple.__new__ skips the NamedTuple constructor's argument
                # handling; flow control and the wake-up follow the batch.
                message_type = _DATA_TYPES.get(type(event))
                if message_type is not None:
                    data = event.data  # type: ignore[union-attr]  # Text, Binary
                    size = len(data)
                    queue.append(
                        (tuple.__new__(WSMessage, (message_type, data, None)), size)
                    )
                    added += size
                elif self._on_event(event):
                    owed = True
                event = next_event()
        except ProtocolError as exc:
            self._size += added
            # The connection failed itself (RFC 6455 §7.1.7); its Close frame
            # waits in data_to_send.
            self._write_pending()
            error = WebSocketError(exc.close_code, exc.reason)
            error.__cause__ = exc
            self.set_exception(error)
            return
        if queue:
            self._size += added
            if not self._paused and (
                self._size > self._limit or len(queue) > self._max_messages
            ):
                self._paused = True
                self._flow.pause_reading()
            waiter = self._waiter
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        if owed or self._eof or self._pong_owed is not None:
            self._write_pending()

    def _write_pending(self) -> None:
        connection = self._connection
        pending = b""
        pong = self._pong_owed
        if pong is not None:
            if connection.state is not State.OPEN:
                # No frame may follow a Close frame (RFC 6455 §5.5.1).
                self._pong_owed = None
            elif (
                self._write_buffer_size is None
                or self._write_buffer_size() <= self._pong_backlog
            ):
                self._pong_owed = None
                pending = connection.send_pong(pong)
        pending += connection.data_to_send()
        if pending:
            # A closing transport means the peer gets no reply;
            # connection_lost will end the stream.
            with contextlib.suppress(ConnectionError, RuntimeError):
                self._send(pending)

    def _on_event(self, event: Event) -> bool:
        """Queue the message an event makes; True if the connection now owes
        the peer a reply (a Pong, the echo of a Close frame)."""
        # tuple.__new__ skips the NamedTuple constructor's argument handling:
        # this runs once per message.
        if isinstance(event, Text):
            text = event.data
            self._put(tuple.__new__(WSMessage, (_TEXT, text, None)), len(text))
            return False
        if isinstance(event, Binary):
            data = event.data
            self._put(tuple.__new__(WSMessage, (_BINARY, data, None)), len(data))
            return False
        if isinstance(event, Close):
            if event.code == CloseCode.ABNORMAL_CLOSURE:
                # No Close frame came before the end of the TCP stream (RFC
                # 6455 §7.1.5); the peer cannot send 1006 itself.
                return False
            code = _NO_STATUS if event.code is None else event.code
            self._put(WSMessage(WSMsgType.CLOSE, code, event.reason), 0)
            return True
        if self._autoping:
            if isinstance(event, Ping):
                if self._pong_owed is not None:
                    # The earlier ping's pong goes out first unless the
                    # transport is congested; then only the latest is owed.
                    self._write_pending()
                self._pong_owed = event.data
                return True
            return False
        message_type = WSMsgType.PING if isinstance(event, Ping) else WSMsgType.PONG
        assert isinstance(event, (Ping, Pong))
        self._put(WSMessage(message_type, event.data, None), len(event.data))
        return False

    def _put(self, message: WSMessage, size: int) -> None:
        self._queue.append((message, size))
        self._size += size
        self._queued()

    def _queued(self) -> None:
        """Messages were queued: pause reading above the limits, wake read()."""
        if not self._paused and (
            self._size > self._limit or len(self._queue) > self._max_messages
        ):
            self._paused = True
            self._flow.pause_reading()
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _end(self) -> None:
        self._eof = True
        if self._paused:
            # Nothing more will be read; let the transport report its end.
            self._paused = False
            self._flow.resume_reading()
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


def _time_out(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(asyncio.TimeoutError())
