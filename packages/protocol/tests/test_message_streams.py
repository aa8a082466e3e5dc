"""HttpMessageStreams: parser callbacks become (head, body stream) pairs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from aioweb.parser import (
    BadRequestLine,
    BodyTooLarge,
    HttpParserError,
    IncompleteMessage,
    InvalidChunk,
    RequestHead,
    RequestParser,
    ResponseHead,
    ResponseParser,
)
from aioweb.protocol import (
    EMPTY_PAYLOAD,
    BaseProtocol,
    ContentLengthError,
    HttpMessageStreams,
    MessageQueue,
    PayloadError,
    PayloadTooLargeError,
    StreamReader,
    TransferEncodingError,
)


@dataclass(frozen=True)
class Head:
    """Stands in for aioweb.parser's heads: only what the glue reads."""

    target: str = "/"
    headers: CIMultiDictProxy[str] = field(
        default_factory=lambda: CIMultiDictProxy(CIMultiDict())
    )
    keep_alive: bool = True
    upgrade: bool = False
    chunked: bool = False
    content_length: int | None = None


class Recorder:
    def __init__(self) -> None:
        self.messages: list[tuple[Head, StreamReader]] = []
        self.completed: list[tuple[Head, CIMultiDictProxy[str] | None]] = []
        self.informational: list[Head] = []

    def message_received(self, head: Head, payload: StreamReader) -> None:
        self.messages.append((head, payload))

    def message_complete(
        self, head: Head, trailers: CIMultiDictProxy[str] | None
    ) -> None:
        self.completed.append((head, trailers))

    def informational_received(self, head: Head) -> None:
        self.informational.append(head)


@pytest.fixture
def sink() -> Recorder:
    return Recorder()


@pytest.fixture
def streams(sink: Recorder, protocol: BaseProtocol) -> HttpMessageStreams[Head]:
    return HttpMessageStreams(sink, protocol, limit=4)


async def test_message_flow(sink: Recorder, streams: HttpMessageStreams[Head]) -> None:
    head = Head(content_length=10)
    streams.on_message_begin()
    streams.on_headers_complete(head)
    assert len(sink.messages) == 1
    got_head, payload = sink.messages[0]
    assert got_head is head
    assert streams.payload is payload
    streams.on_body(b"hello")
    streams.on_body(b"world")
    assert not payload.is_eof()
    trailers = CIMultiDictProxy(CIMultiDict({"X-Sum": "1"}))
    streams.on_message_complete(trailers)
    assert sink.completed == [(head, trailers)]
    assert streams.payload is None
    assert await payload.read() == b"helloworld"
    assert payload.at_eof()


async def test_zero_length_body_gets_empty_payload(
    sink: Recorder, streams: HttpMessageStreams[Head]
) -> None:
    streams.on_message_begin()
    streams.on_headers_complete(Head(content_length=0))
    streams.on_message_complete(None)
    assert sink.messages[0][1] is EMPTY_PAYLOAD


async def test_a_prepared_reader_serves_the_next_body(
    sink: Recorder, streams: HttpMessageStreams[Head]
) -> None:
    streams.prepare_payload()
    spare = streams._spare
    assert spare is not None
    # A message without a body leaves the prepared reader for the next.
    streams.on_message_begin()
    streams.on_headers_complete(Head(content_length=0))
    streams.on_message_complete(None)
    assert sink.messages[0][1] is EMPTY_PAYLOAD
    streams.prepare_payload()  # nothing new: one is waiting already
    assert streams._spare is spare
    for length in (3, 3):
        streams.on_message_begin()
        streams.on_headers_complete(Head(content_length=length))
        streams.on_body(b"abc")
        streams.on_message_complete(None)
    first, second = sink.messages[1][1], sink.messages[2][1]
    # The prepared reader went to the first body; the second got a new one.
    assert first is spare and second is not spare
    assert streams._spare is None
    assert [await first.read(), await second.read()] == [b"abc", b"abc"]
    assert first.at_eof() and second.at_eof()


async def test_a_prepared_reader_takes_a_chunked_body(
    sink: Recorder, streams: HttpMessageStreams[Head]
) -> None:
    streams.prepare_payload()
    streams.on_message_begin()
    streams.on_headers_complete(Head(chunked=True))
    streams.on_body(b"ab")
    streams.on_chunk_complete()
    streams.on_body(b"c")
    streams.on_chunk_complete()
    streams.on_message_complete(None)
    payload = sink.messages[0][1]
    assert payload is not EMPTY_PAYLOAD and streams._spare is None
    assert await payload.readchunk() == (b"ab", True)
    assert await payload.readchunk() == (b"c", True)
    assert await payload.readchunk() == (b"", False)


async def test_pipelined_messages_keep_their_bodies(
    sink: Recorder, streams: HttpMessageStreams[Head]
) -> None:
    for name in ("a", "b"):
        streams.on_message_begin()
        streams.on_headers_complete(Head(target=f"/{name}", chunked=True))
        streams.on_body(name.encode() * 3)
        streams.on_message_complete(None)
    assert [h.target for h, _ in sink.messages] == ["/a", "/b"]
    assert [await p.read() for _, p in sink.messages] == [b"aaa", b"bbb"]


async def test_informational_heads(
    sink: Recorder, streams: HttpMessageStreams[Head]
) -> None:
    interim = Head(target="100")
    streams.on_informational(interim)
    assert sink.informational == [interim]
    assert sink.messages == []


async def test_body_reader_pauses_the_transport(
    sink: Recorder, streams: HttpMessageStreams[Head], transport: object
) -> None:
    calls: list[str] = transport.calls  # type: ignore[attr-defined]
    streams.on_message_begin()
    streams.on_headers_complete(Head(content_length=100))
    streams.on_body(b"x" * 9)  # limit=4: high-water mark 8
    assert calls == ["pause_reading"]
    await sink.messages[0][1].read(6)
    assert calls == ["pause_reading", "resume_reading"]


@pytest.mark.parametrize(
    ("head", "cause", "error_type", "status"),
    [
        (
            Head(chunked=True),
            InvalidChunk("bad chunk size"),
            TransferEncodingError,
            400,
        ),
        (Head(chunked=True), IncompleteMessage("cut"), TransferEncodingError, 400),
        (Head(content_length=50), IncompleteMessage("cut"), ContentLengthError, 400),
        (Head(content_length=50), BodyTooLarge("huge"), PayloadTooLargeError, 413),
        (Head(), HttpParserError("other"), PayloadError, 400),
    ],
)
async def test_parser_failure_in_body(
    sink: Recorder,
    streams: HttpMessageStreams[Head],
    head: Head,
    cause: HttpParserError,
    error_type: type[PayloadError],
    status: int,
) -> None:
    streams.on_message_begin()
    streams.on_headers_complete(head)
    streams.on_body(b"partial")
    error = streams.parser_failed(cause)
    assert type(error) is error_type
    assert error.__cause__ is cause
    assert error.status == status
    payload = sink.messages[0][1]
    with pytest.raises(error_type) as info:
        await payload.read()
    assert info.value is error
    assert streams.payload is None


async def test_parser_failure_in_head_is_returned_as_is(
    streams: HttpMessageStreams[Head],
) -> None:
    cause = BadRequestLine("bad request line")
    assert streams.parser_failed(cause) is cause


async def test_connection_lost_mid_body(
    sink: Recorder, streams: HttpMessageStreams[Head]
) -> None:
    streams.on_message_begin()
    streams.on_headers_complete(Head(content_length=20))
    streams.on_body(b"12")
    reset = ConnectionResetError("peer reset")
    read = asyncio.create_task(sink.messages[0][1].read())
    await asyncio.sleep(0)
    streams.connection_lost(reset)
    with pytest.raises(ContentLengthError) as info:
        await read
    assert info.value.__cause__ is reset


async def test_connection_lost_between_messages_is_quiet(
    sink: Recorder, streams: HttpMessageStreams[Head]
) -> None:
    streams.on_message_begin()
    streams.on_headers_complete(Head(content_length=1))
    streams.on_body(b"1")
    streams.on_message_complete(None)
    streams.connection_lost(None)
    assert await sink.messages[0][1].read() == b"1"


# -- through the real parser ------------------------------------------------


async def test_real_request_parser_pipelined_and_chunked(
    protocol: BaseProtocol,
) -> None:
    sink = Recorder()
    streams: HttpMessageStreams[RequestHead] = HttpMessageStreams(sink, protocol)  # type: ignore[arg-type]
    parser = RequestParser(streams)
    wire = (
        b"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
        b"POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: 5\r\n\r\n"
        b"GET /c HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    for i in range(0, len(wire), 7):  # arbitrary splits
        assert parser.feed_data(wire[i : i + 7]) is None
    heads = [h for h, _ in sink.messages]
    assert [h.target for h in heads] == ["/a", "/b", "/c"]  # type: ignore[attr-defined]
    bodies = [await p.read() for _, p in sink.messages]
    assert bodies == [b"hello", b"abcde", b""]
    assert sink.completed[1][1] is not None
    assert sink.completed[1][1]["X-Sum"] == "5"


async def test_real_parser_broken_chunk_breaks_the_body(protocol: BaseProtocol) -> None:
    sink = Recorder()
    streams: HttpMessageStreams[RequestHead] = HttpMessageStreams(sink, protocol)  # type: ignore[arg-type]
    parser = RequestParser(streams)
    wire = (
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\nzz\r\n"
    )
    with pytest.raises(HttpParserError) as info:
        parser.feed_data(wire)
    error = streams.parser_failed(info.value)
    assert isinstance(error, TransferEncodingError)
    assert error.__cause__ is info.value
    with pytest.raises(TransferEncodingError):
        await sink.messages[0][1].read()


async def test_real_response_parser_cut_short(protocol: BaseProtocol) -> None:
    sink = Recorder()
    streams: HttpMessageStreams[ResponseHead] = HttpMessageStreams(sink, protocol)  # type: ignore[arg-type]
    parser = ResponseParser(streams)
    parser.expect_response("GET")
    parser.feed_data(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345")
    reader = sink.messages[0][1]
    with pytest.raises(HttpParserError) as info:
        parser.feed_eof()
    streams.parser_failed(info.value)
    streams.connection_lost(None)
    with pytest.raises(ContentLengthError):
        await reader.read()


async def test_real_response_read_until_close(protocol: BaseProtocol) -> None:
    sink = Recorder()
    streams: HttpMessageStreams[ResponseHead] = HttpMessageStreams(sink, protocol)  # type: ignore[arg-type]
    parser = ResponseParser(streams)
    parser.expect_response("GET")
    parser.feed_data(b"HTTP/1.1 100 Continue\r\n\r\n")
    parser.feed_data(b"HTTP/1.1 200 OK\r\n\r\nbody until")
    parser.feed_data(b" close")
    parser.feed_eof()
    streams.connection_lost(None)
    assert [h.status for h in sink.informational] == [100]  # type: ignore[attr-defined]
    assert await sink.messages[0][1].read() == b"body until close"


async def test_real_parser_with_decompression(protocol: BaseProtocol) -> None:
    import gzip

    sink = Recorder()
    streams: HttpMessageStreams[ResponseHead] = HttpMessageStreams(
        sink,  # type: ignore[arg-type]
        protocol,
        decompress=True,
        max_decompressed_size=1000,
    )
    parser = ResponseParser(streams)
    body = gzip.compress(b"decoded text")
    bomb = gzip.compress(bytes(5000))
    for coded in (body, bomb):
        parser.expect_response("GET")
        parser.feed_data(
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(coded), coded)
        )
    parser.expect_response("GET")
    parser.feed_data(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nraw")
    readers = [p for _, p in sink.messages]
    assert await readers[0].read() == b"decoded text"
    with pytest.raises(PayloadTooLargeError):
        await readers[1].read()
    # The framing stayed intact: the next message is fine.
    assert await readers[2].read() == b"raw"
    assert len(sink.completed) == 3


async def test_broken_coding_breaks_only_its_body(protocol: BaseProtocol) -> None:
    from aioweb.protocol import DecompressionError

    sink = Recorder()
    streams: HttpMessageStreams[Head] = HttpMessageStreams(
        sink, protocol, decompress=True
    )
    head = Head(
        content_length=9,
        headers=CIMultiDictProxy(CIMultiDict({"Content-Encoding": "deflate"})),
    )
    streams.on_message_begin()
    streams.on_headers_complete(head)
    streams.on_body(b"not zlib!")
    streams.on_body(b"more")
    streams.on_message_complete(None)
    with pytest.raises(DecompressionError):
        await sink.messages[0][1].read()


async def test_unknown_coding_passes_through(protocol: BaseProtocol) -> None:
    sink = Recorder()
    streams: HttpMessageStreams[Head] = HttpMessageStreams(
        sink, protocol, decompress=True
    )
    head = Head(headers=CIMultiDictProxy(CIMultiDict({"Content-Encoding": "compress"})))
    streams.on_message_begin()
    streams.on_headers_complete(head)
    streams.on_body(b"as is")
    streams.on_message_complete(None)
    assert await sink.messages[0][1].read() == b"as is"


# -- MessageQueue ---------------------------------------------------------------


async def test_queue_delivers_in_order_then_eof(protocol: BaseProtocol) -> None:
    queue: MessageQueue[RequestHead] = MessageQueue()
    parser = RequestParser(HttpMessageStreams(queue, protocol))
    waiting = asyncio.create_task(queue.get())
    await asyncio.sleep(0)
    assert not waiting.done()
    parser.feed_data(b"POST /1 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nab")
    head, payload = await asyncio.wait_for(waiting, 1)  # type: ignore[misc]
    assert head.target == "/1"
    assert await payload.read() == b"ab"
    parser.feed_data(b"GET /2 HTTP/1.1\r\nHost: h\r\n\r\n")
    assert len(queue) == 1
    queue.feed_eof()
    message = await queue.get()
    assert message is not None and message[0].target == "/2"
    assert await queue.get() is None


async def test_queue_raises_after_pending_messages(protocol: BaseProtocol) -> None:
    queue: MessageQueue[RequestHead] = MessageQueue()
    parser = RequestParser(HttpMessageStreams(queue, protocol))
    streams_error = ConnectionResetError("reset")
    parser.feed_data(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    queue.set_exception(streams_error)
    assert await queue.get() is not None
    with pytest.raises(ConnectionResetError):
        await queue.get()


async def test_queue_wakes_a_waiter_with_the_error() -> None:
    queue: MessageQueue[Head] = MessageQueue()
    waiting = asyncio.create_task(queue.get())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError):
        await queue.get()
    queue.set_exception(BadRequestLine("bad"))
    with pytest.raises(BadRequestLine):
        await waiting


async def test_queue_keeps_interim_heads_and_trailers(protocol: BaseProtocol) -> None:
    queue: MessageQueue[ResponseHead] = MessageQueue()
    parser = ResponseParser(HttpMessageStreams(queue, protocol))
    parser.expect_response("GET")
    parser.feed_data(
        b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"1\r\nx\r\n0\r\nX-Sum: 1\r\n\r\n"
    )
    assert [h.status for h in queue.informational] == [103]
    assert queue.trailers is not None and queue.trailers["X-Sum"] == "1"
    message = await queue.get()
    assert message is not None and await message[1].read() == b"x"


class OwnerError(Exception):
    """An owner's own body error, as the client's ClientPayloadError."""


async def test_payload_error_hook_translates_every_body_error(
    sink: Recorder, protocol: BaseProtocol
) -> None:
    streams: HttpMessageStreams[Head] = HttpMessageStreams(
        sink, protocol, payload_error=lambda error: OwnerError(str(error))
    )
    # A waiting reader sees the owner's error, not the shared one.
    streams.on_headers_complete(Head(content_length=10))
    payload = sink.messages[-1][1]
    read = asyncio.ensure_future(payload.read())
    await asyncio.sleep(0)
    streams.connection_lost(ConnectionResetError())
    with pytest.raises(OwnerError) as info:
        await read
    assert isinstance(info.value.__cause__, ContentLengthError)
    assert isinstance(info.value.__cause__.__cause__, ConnectionResetError)

    streams.on_headers_complete(Head(chunked=True))
    payload = sink.messages[-1][1]
    streams.parser_failed(InvalidChunk("bad chunk"))
    with pytest.raises(OwnerError) as info:
        await payload.read()
    assert isinstance(info.value.__cause__, TransferEncodingError)
