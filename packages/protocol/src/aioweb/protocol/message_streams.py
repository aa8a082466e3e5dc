"""The glue between the sans-I/O parser and asyncio: one body stream a message.

How this works: ``aioweb.parser``'s parsers call a handler object as bytes go
through them. :class:`HttpMessageStreams` is that handler. For each message it
makes a :class:`~aioweb.protocol.StreamReader` when the head is complete and
hands ``(head, payload)`` to its *sink* (the client's response waiter or the
server's request dispatcher); body bytes then go into that reader, the end of
the message ends it, and a broken message breaks it with one of this layer's
errors. The owner of the connection does three things::

    streams = HttpMessageStreams(sink, protocol)
    parser = RequestParser(streams)          # or ResponseParser(streams)

    def data_received(self, data):           # in the owner's protocol
        try:
            tail = parser.feed_data(data)
        except HttpParserError as exc:
            error = streams.parser_failed(exc)   # the body being read sees it too
            ...                                  # answer 400 / fail the request
        ...

    def connection_lost(self, exc):
        try:
            parser.feed_eof()                # a read-until-close body ends here
        except HttpParserError as error:
            streams.parser_failed(error)     # a sized or chunked one cut short
        streams.connection_lost(exc)         # whatever is still open fails

With ``decompress=True`` a body whose Content-Encoding is one of
:data:`~aioweb.protocol.SUPPORTED_ENCODINGS` reaches its reader decoded,
within the decoded-size and ratio limits of :mod:`.codings`; a body that fails
to decode breaks its reader with the coding's error and the rest of that body
is dropped (its framing is intact, so the connection may carry on).

Messages are delivered in the order the parser completes their heads; with
pipelining a sink may receive a second head before the first body was read,
and the first body's reader still gets all its bytes. Flow control follows
from the readers: a full reader pauses reading on the protocol, so the parser
gets no more bytes until the consumer catches up.

Bodies that cannot hold a byte (``Content-Length: 0``, and with
``length_required=True`` a message with neither Content-Length nor chunked
framing: a request, RFC 9112 §6.3) get the shared
:data:`~aioweb.protocol.EMPTY_PAYLOAD`: no reader is made for them.

An owner whose users expect errors of its own layer (the client's
``ClientPayloadError``) passes ``payload_error``: every body error goes
through it before the reader sees it, so a reader never raises two kinds.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable
from typing import TYPE_CHECKING, Final, Generic, Protocol, TypeVar, cast

from multidict import CIMultiDictProxy

from aioweb.parser import BodyTooLarge, HttpParserError, IncompleteMessage, InvalidChunk

from . import hdrs
from .codings import DEFAULT_MAX_RATIO, SUPPORTED_ENCODINGS, ContentDecoder, get_decoder
from .exceptions import (
    ContentLengthError,
    PayloadError,
    PayloadTooLargeError,
    TransferEncodingError,
)
from .streams import DEFAULT_LIMIT, EMPTY_PAYLOAD, StreamReader

_CONTENT_ENCODING: Final = hdrs.CONTENT_ENCODING

if TYPE_CHECKING:
    from .base_protocol import BaseProtocol

__all__ = ("HttpMessageStreams", "MessageHead", "MessageQueue", "MessageSink")


class MessageHead(Protocol):
    """What this layer reads of a parsed head (``RequestHead``/``ResponseHead``)."""

    @property
    def headers(self) -> CIMultiDictProxy[str]: ...

    @property
    def keep_alive(self) -> bool: ...

    @property
    def upgrade(self) -> bool: ...

    @property
    def chunked(self) -> bool: ...

    @property
    def content_length(self) -> int | None: ...


HeadT = TypeVar("HeadT", bound=MessageHead)
HeadT_contra = TypeVar("HeadT_contra", bound=MessageHead, contravariant=True)


class MessageSink(Protocol[HeadT_contra]):
    """The owner of a connection's messages, as :class:`HttpMessageStreams` sees it."""

    def message_received(self, head: HeadT_contra, payload: StreamReader) -> None:
        """A head is complete; its body arrives through ``payload``."""

    def message_complete(
        self, head: HeadT_contra, trailers: CIMultiDictProxy[str] | None
    ) -> None:
        """The message whose head was ``head`` ended, with its trailers if any."""

    def informational_received(self, head: HeadT_contra) -> None:
        """An interim (1xx) response head arrived; no body follows it."""


class HttpMessageStreams(Generic[HeadT]):
    """A parser handler that turns each parsed message into ``(head, payload)``.

    Args:
        sink: receives the heads and body streams.
        protocol: the connection's protocol, for the readers' flow control.
        limit: each body reader's low-water mark (the high one is twice it).
        max_line_length: each body reader's longest line for ``readline``.
        loop: the event loop; the protocol's when omitted.
        decompress: decode bodies of a supported Content-Encoding.
        max_decompressed_size: the most decoded bytes of one body; None for
            no limit.
        max_ratio: the most decoded bytes per coded byte (see
            :func:`~aioweb.protocol.get_decoder`); None for no limit.
        payload_error: turns each body error into the one the reader
            raises (its cause is set to the original); None keeps them.
        length_required: a message without Content-Length or chunked
            framing has no body (requests, RFC 9112 §6.3); when False such
            a body runs until the connection closes (responses).
    """

    __slots__ = (
        "_decoder",
        "_decompress",
        "_head",
        "_length_required",
        "_limit",
        "_loop",
        "_max_decompressed_size",
        "_max_line_length",
        "_max_ratio",
        "_payload",
        "_payload_error",
        "_protocol",
        "_sink",
        "_spare",
    )

    def __init__(
        self,
        sink: MessageSink[HeadT],
        protocol: BaseProtocol,
        *,
        limit: int = DEFAULT_LIMIT,
        max_line_length: int | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        decompress: bool = False,
        max_decompressed_size: int | None = None,
        max_ratio: float | None = DEFAULT_MAX_RATIO,
        payload_error: Callable[[PayloadError], BaseException] | None = None,
        length_required: bool = False,
    ) -> None:
        self._sink = sink
        self._length_required = length_required
        self._payload_error = payload_error
        self._decompress = decompress
        self._max_decompressed_size = max_decompressed_size
        self._max_ratio = max_ratio
        self._decoder: ContentDecoder | None = None
        self._protocol = protocol
        self._limit = limit
        self._max_line_length = max_line_length
        self._loop = loop if loop is not None else protocol._loop
        self._head: HeadT | None = None
        self._payload: StreamReader | None = None
        self._spare: StreamReader | None = None

    @property
    def payload(self) -> StreamReader | None:
        """The body being received now, if a message is in progress."""
        return self._payload

    def prepare_payload(self) -> None:
        """Make the next message's body reader ahead of its head.

        A client calls this right after writing a request, while it waits
        for the answer: the reader then costs nothing once the head arrives.
        A message without a body leaves it for the next one.
        """
        if self._spare is None:
            self._spare = StreamReader(
                self._protocol,
                self._limit,
                loop=self._loop,
                max_line_length=self._max_line_length,
            )

    # -- aioweb.parser.ParserHandler ------------------------------------------

    def on_message_begin(self) -> None:
        """A new message starts (nothing to do until its head is complete)."""

    # The parser's handler protocol passes a request-or-response head; a
    # parser of one direction only ever passes that direction's head, which
    # is the sink's HeadT, so the casts below hold.

    def on_headers_complete(self, head: MessageHead) -> None:
        """Make the message's body reader and deliver ``(head, payload)``."""
        payload: StreamReader
        length = head.content_length
        if not head.chunked and (
            length == 0 or (length is None and self._length_required)
        ):
            payload = EMPTY_PAYLOAD
        elif self._spare is not None:
            payload, self._spare = self._spare, None
        else:
            payload = StreamReader(
                self._protocol,
                self._limit,
                loop=self._loop,
                max_line_length=self._max_line_length,
            )
        # No cast() call: this runs for every message.
        self._head = head  # type: ignore[assignment]
        self._payload = payload
        self._decoder = None
        if self._decompress and payload is not EMPTY_PAYLOAD:
            coding = head.headers.get(_CONTENT_ENCODING, "").strip().lower()
            if coding in SUPPORTED_ENCODINGS or coding == "x-gzip":
                self._decoder = get_decoder(
                    coding,
                    max_size=self._max_decompressed_size,
                    max_ratio=self._max_ratio,
                )
        if head.chunked:
            # Chunk ends (on_chunk_complete) are marked for readchunk().
            payload.begin_http_chunk_receiving()
        self._sink.message_received(head, payload)  # type: ignore[arg-type]

    def on_body(self, data: bytes) -> None:
        """Feed a piece of the current body to its reader."""
        payload = self._payload
        assert payload is not None, "body bytes outside a message"
        if payload.exception() is not None:
            return  # a body that failed to decode: drop the rest of it
        if self._decoder is not None:
            try:
                data = self._decoder.decompress(data)
            except PayloadError as exc:
                self._fail(payload, exc)
                return
        payload.feed_data(data)

    def on_chunk_complete(self) -> None:
        """Mark the end of an HTTP chunk on the body's reader (``readchunk``)."""
        payload = self._payload
        assert payload is not None, "a chunk end outside a message"
        if payload.exception() is None:
            payload.end_http_chunk_receiving()

    def on_message_complete(self, trailers: CIMultiDictProxy[str] | None) -> None:
        """End the current body and tell the sink."""
        head, payload = self._head, self._payload
        self._head = self._payload = None
        assert head is not None and payload is not None
        decoder, self._decoder = self._decoder, None
        if decoder is not None and payload.exception() is None:
            try:
                payload.feed_data(decoder.flush())
            except PayloadError as exc:
                self._fail(payload, exc)
        if payload.exception() is None:
            payload.feed_eof()
        self._sink.message_complete(head, trailers)

    def on_informational(self, head: MessageHead) -> None:
        """Pass an interim (1xx) response head on to the sink."""
        self._sink.informational_received(cast(HeadT, head))

    # -- failures -------------------------------------------------------------

    def parser_failed(self, exc: HttpParserError) -> Exception:
        """Translate a parser error; break the body being received, if any.

        A failure inside a body becomes one of this layer's errors, raised
        from ``exc`` and set on the body's reader: :class:`PayloadTooLargeError`
        for a body or chunk too large, :class:`TransferEncodingError` for a
        broken or cut chunked body, :class:`ContentLengthError` for a sized
        body cut short, :class:`PayloadError` otherwise; ``exc``'s status
        hint carries over. A failure in a head is returned as it is: the
        owner answers it (400, 431, 501... from ``exc.status``).

        Args:
            exc: what the parser raised.

        Returns:
            The error the owner should act on.
        """
        head, payload = self._head, self._payload
        if head is None or payload is None:
            return exc
        self._head = self._payload = None
        self._decoder = None
        error: PayloadError
        if isinstance(exc, BodyTooLarge):
            error = PayloadTooLargeError(exc.message, status=exc.status)
        elif head.chunked or isinstance(exc, InvalidChunk):
            error = TransferEncodingError(exc.message, status=exc.status)
        elif head.content_length is not None and isinstance(exc, IncompleteMessage):
            error = ContentLengthError(exc.message, status=exc.status)
        else:
            error = PayloadError(exc.message, status=exc.status)
        error.__cause__ = exc
        self._fail(payload, error)
        return error

    def connection_lost(self, exc: BaseException | None) -> None:
        """Fail a body that the closed connection cut short.

        Call it after the parser's ``feed_eof()``, which completes a body
        framed by the connection's end.
        """
        head, payload = self._head, self._payload
        if head is None or payload is None:
            return
        self._head = self._payload = None
        self._decoder = None
        error: PayloadError
        if head.chunked:
            error = TransferEncodingError(
                "connection lost before the last chunk of the body"
            )
        elif head.content_length is not None:
            error = ContentLengthError(
                "connection lost before the body's Content-Length was received"
            )
        else:
            error = PayloadError("connection lost before the end of the body")
        self._fail(payload, error, exc)

    def _fail(
        self,
        payload: StreamReader,
        error: PayloadError,
        cause: BaseException | None = None,
    ) -> None:
        if self._payload_error is None:
            payload.set_exception(error, cause)
            return
        if cause is not None:
            error.__cause__ = cause
        payload.set_exception(self._payload_error(error), error)


class MessageQueue(Generic[HeadT]):
    """A ready-made :class:`MessageSink`: messages queued for one consumer.

    The connection's owner calls :meth:`set_exception` when the connection
    fails (a broken head, a reset) and :meth:`feed_eof` when it closes; a
    consumer awaits :meth:`get` for each ``(head, payload)`` in order.

    Example:
        >>> import asyncio
        >>> from aioweb.parser import RequestParser
        >>> from aioweb.protocol import BaseProtocol, HttpMessageStreams, MessageQueue
        >>> async def main() -> list[str]:
        ...     loop = asyncio.get_running_loop()
        ...     queue = MessageQueue()
        ...     parser = RequestParser(HttpMessageStreams(queue, BaseProtocol(loop)))
        ...     parser.feed_data(b"GET /a HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n" * 2)
        ...     queue.feed_eof()
        ...     targets = []
        ...     while (message := await queue.get()) is not None:
        ...         targets.append(message[0].target)
        ...     return targets
        >>> asyncio.run(main())
        ['/a', '/a']
    """

    def __init__(self) -> None:
        self._messages: collections.deque[tuple[HeadT, StreamReader]] = (
            collections.deque()
        )
        self._waiter: asyncio.Future[None] | None = None
        self._exception: BaseException | None = None
        self._eof = False
        self.informational: list[HeadT] = []
        """Interim (1xx) heads received so far, oldest first."""
        self.trailers: CIMultiDictProxy[str] | None = None
        """The trailers of the last message that had some."""

    def __len__(self) -> int:
        return len(self._messages)

    def message_received(self, head: HeadT, payload: StreamReader) -> None:
        """Queue a message and wake the consumer."""
        self._messages.append((head, payload))
        self._wake()

    def message_complete(
        self, head: HeadT, trailers: CIMultiDictProxy[str] | None
    ) -> None:
        """Keep the trailers of a message that had some."""
        if trailers is not None:
            self.trailers = trailers

    def informational_received(self, head: HeadT) -> None:
        """Keep an interim response head."""
        self.informational.append(head)

    def set_exception(self, exc: BaseException) -> None:
        """Fail the connection: :meth:`get` raises ``exc`` once the queue is empty."""
        self._exception = exc
        self._wake()

    def feed_eof(self) -> None:
        """End the connection: :meth:`get` returns None once the queue is empty."""
        self._eof = True
        self._wake()

    async def get(self) -> tuple[HeadT, StreamReader] | None:
        """The next message, waiting for it; None after :meth:`feed_eof`.

        Raises:
            BaseException: what :meth:`set_exception` was given, once the
                messages received before it were taken.
            RuntimeError: another coroutine is already waiting.
        """
        while not self._messages:
            if self._exception is not None:
                raise self._exception
            if self._eof:
                return None
            if self._waiter is not None:
                raise RuntimeError("get() called while another coroutine waits")
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._messages.popleft()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
