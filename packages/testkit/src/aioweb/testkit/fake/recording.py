"""What a fake server records of each request, and the reader that frames it.

How this works: the reader pulls one request at a time off an
:class:`asyncio.StreamReader` and hands every byte it reads to an
:class:`aioweb.parser.RequestParser`, which parses and judges the request
(strictly by default, smuggling-shaped requests included). The reader only
cuts the stream where the parser's head says the message ends: the head up
to its empty line, then ``Content-Length`` bytes, or chunk by chunk up to the
last chunk's trailers (RFC 9112 section 6.3). So each recorded request keeps
the exact bytes that carried it, even when requests are pipelined.

A request the parser rejects, or one too large, is reported as
:class:`BadRequest` carrying the status the parser suggests; the server
answers with it and records the error.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from multidict import CIMultiDict, CIMultiDictProxy

from aioweb.parser import HttpParserError, RequestHead, RequestParser, ResponseHead

from ..exceptions import FakeServerError

__all__ = (
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_MAX_HEAD_SIZE",
    "BadRequest",
    "RecordedRequest",
    "read_request",
)

#: Largest request head (request line and fields) a fake server reads.
DEFAULT_MAX_HEAD_SIZE = 1 << 20
#: Largest request body a fake server keeps in memory.
DEFAULT_MAX_BODY_SIZE = 64 << 20

RawHeaders = tuple[tuple[bytes, bytes], ...]

_NO_FIELDS: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict())


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as a fake server received it.

    Attributes:
        method: the method token, as sent.
        target: the request-target, as sent (``/path?query``, or an absolute
            URL for a proxy request).
        version: ``(major, minor)`` of the request line.
        headers: the header fields, values decoded as latin-1.
        raw_headers: the header fields as received.
        body: the body, de-chunked.
        trailers: the trailer fields of a chunked body, if any.
        raw: every byte of the request as received, framing included.
        connection: the index of the connection that carried it, counting
            from 0 per server: equal indexes mean a reused connection.
    """

    method: str
    target: str
    version: tuple[int, int]
    headers: CIMultiDictProxy[str]
    raw_headers: RawHeaders
    body: bytes
    trailers: CIMultiDictProxy[str]
    raw: bytes
    connection: int

    @property
    def path(self) -> str:
        """The target without its query string."""
        return self.target.partition("?")[0]

    @property
    def query_string(self) -> str:
        """The part of the target after ``?``, or ``""``."""
        return self.target.partition("?")[2]


class BadRequest(FakeServerError):
    """A request the fake server could not accept, recorded in ``server.errors``.

    Attributes:
        reason: what was wrong.
        status: the status the fake server answered with.
        raw: the bytes read before the problem was found.
    """

    def __init__(self, reason: str, status: int = 400, raw: bytes = b"") -> None:
        super().__init__(f"{status}: {reason}")
        self.reason = reason
        self.status = status
        self.raw = raw


class _Collector:
    """The parser's handler: keeps the one message it is fed."""

    def __init__(self) -> None:
        self.head: RequestHead | None = None
        self.body = bytearray()
        self.trailers: CIMultiDictProxy[str] | None = None
        self.complete = False

    def on_message_begin(self) -> None:
        pass

    def on_headers_complete(self, head: RequestHead | ResponseHead) -> None:
        assert isinstance(head, RequestHead)
        self.head = head

    def on_body(self, data: bytes) -> None:
        self.body += data

    def on_message_complete(self, trailers: CIMultiDictProxy[str] | None) -> None:
        self.trailers = trailers
        self.complete = True

    def on_informational(self, head: ResponseHead) -> None:
        pass  # responses only


class _Reading:
    """One request being read: the raw bytes so far, fed to the parser."""

    def __init__(
        self, reader: asyncio.StreamReader, max_head_size: int, lenient: bool
    ) -> None:
        self.reader = reader
        self.raw = bytearray()
        self.collector = _Collector()
        self.parser = RequestParser(
            self.collector,
            max_line_size=max_head_size,
            max_field_size=max_head_size,
            max_headers=max(128, max_head_size // 4),
            max_trailer_size=max_head_size,
            lenient=lenient,
        )

    def bad(self, reason: str, status: int = 400) -> BadRequest:
        return BadRequest(reason, status, bytes(self.raw))

    def feed(self, data: bytes) -> None:
        self.raw += data
        try:
            self.parser.feed_data(data)
        except HttpParserError as exc:
            raise self.bad(str(exc), exc.status) from exc

    async def line(self) -> bytes:
        """One line, terminator included; ``b""`` at a clean end of stream."""
        try:
            return await self.reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as exc:
            if exc.partial:
                self.raw += exc.partial
                raise self.bad("connection closed inside a line") from None
            return b""
        except asyncio.LimitOverrunError:
            raise self.bad("line longer than the stream limit", 431) from None

    async def exactly(self, size: int) -> bytes:
        try:
            return await self.reader.readexactly(size)
        except asyncio.IncompleteReadError as exc:
            self.raw += exc.partial
            raise self.bad("connection closed inside the body") from None


async def read_request(
    reader: asyncio.StreamReader,
    connection: int,
    *,
    max_head_size: int = DEFAULT_MAX_HEAD_SIZE,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    lenient: bool = False,
    on_expect_continue: asyncio.StreamWriter | None = None,
    continue_delay: float = 0.0,
    skip_expected_body: bool = False,
) -> RecordedRequest | None:
    """Read one request off ``reader``.

    Args:
        reader: the connection's stream.
        connection: the connection's index, recorded with the request.
        max_head_size: limit on request line plus fields, in bytes (431).
        max_body_size: limit on the (de-chunked) body, in bytes (413).
        lenient: parse with the parser's lenient rules, to record requests
            from a client known to be sloppy.
        on_expect_continue: if given, ``100 Continue`` is written to it when
            the request carries ``Expect: 100-continue`` (RFC 9110
            section 10.1.1), before the body is read.
        continue_delay: seconds to wait before that ``100 Continue``; a body
            byte arriving meanwhile rejects the request with 417.
        skip_expected_body: with ``Expect: 100-continue``, return the
            request at once with an empty body, leaving the body unread.

    Returns:
        The request, or ``None`` if the connection ended cleanly before its
        first byte.

    Raises:
        BadRequest: the request was rejected by the parser, too large, or cut
            short.
    """
    reading = _Reading(reader, max_head_size, lenient)
    collector = reading.collector
    # The head: lines up to the empty one (RFC 9112 section 2.1).
    while collector.head is None:
        line = await reading.line()
        if not line:
            if not reading.raw:
                return None
            raise reading.bad("connection closed inside the head")
        if len(reading.raw) + len(line) > max_head_size:
            reading.raw += line
            raise reading.bad("request head too large", 431)
        reading.feed(line)
    head = collector.head

    expects_continue = head.headers.get("Expect", "").lower() == "100-continue"
    if (
        skip_expected_body
        and expects_continue
        and (head.chunked or head.content_length)
    ):
        return _recorded(head, b"", None, reading.raw, connection)
    if on_expect_continue is not None and expects_continue:
        if continue_delay > 0 and (head.chunked or head.content_length):
            await _no_early_body(reading, continue_delay)
        on_expect_continue.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await on_expect_continue.drain()

    if head.chunked:
        await _read_chunked(reading, max_head_size, max_body_size)
    elif head.content_length:
        if head.content_length > max_body_size:
            raise reading.bad("request body too large", 413)
        reading.feed(await reading.exactly(head.content_length))
    if not collector.complete:
        raise reading.bad("the request did not end where its framing said")

    return _recorded(
        head, bytes(collector.body), collector.trailers, reading.raw, connection
    )


def _recorded(
    head: RequestHead,
    body: bytes,
    trailers: CIMultiDictProxy[str] | None,
    raw: bytearray,
    connection: int,
) -> RecordedRequest:
    return RecordedRequest(
        method=head.method,
        target=head.target,
        version=(head.version[0], head.version[1]),
        headers=head.headers,
        raw_headers=head.raw_headers,
        body=body,
        trailers=trailers if trailers is not None else _NO_FIELDS,
        raw=bytes(raw),
        connection=connection,
    )


async def _no_early_body(reading: _Reading, delay: float) -> None:
    """Wait ``delay`` seconds for a body that must not come yet.

    A client that asked for ``100 Continue`` must wait for it, or for its own
    timeout, before sending the body (RFC 9110 section 10.1.1). A byte here
    means it did not: the server may answer 417 (RFC 9110 section 15.5.18).
    """
    try:
        early = await asyncio.wait_for(reading.reader.read(1), delay)
    except asyncio.TimeoutError:
        return  # the client waited, as it should
    reading.raw += early
    if not early:
        raise reading.bad("connection closed while waiting to send 100 Continue")
    raise reading.bad("the body came before 100 Continue was sent", 417)


async def _read_chunked(
    reading: _Reading, max_head_size: int, max_body_size: int
) -> None:
    """Cut a chunked body off the stream, feeding it to the parser as it comes.

    The parser validates each size line; this only needs the size to know how
    many bytes follow (RFC 9112 section 7.1).
    """
    body_size = 0
    while True:
        line = await reading.line()
        if not line:
            raise reading.bad("connection closed inside the chunked body")
        reading.feed(line)
        size = int(line.partition(b";")[0].strip(), 16)  # the parser checked it
        if size == 0:
            break
        body_size += size
        if body_size > max_body_size:
            raise reading.bad("request body too large", 413)
        reading.feed(await reading.exactly(size + 2))
    # Trailer fields up to the empty line (RFC 9112 section 7.1.2).
    trailer_size = 0
    while not reading.collector.complete:
        line = await reading.line()
        if not line:
            raise reading.bad("connection closed inside the trailers")
        trailer_size += len(line)
        if trailer_size > max_head_size:
            raise reading.bad("trailer section too large", 431)
        reading.feed(line)
