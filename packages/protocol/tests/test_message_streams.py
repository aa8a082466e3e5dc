"""HttpMessageStreams: parser callbacks become (head, body stream) pairs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from aioweb.protocol import (
    EMPTY_PAYLOAD,
    BaseProtocol,
    ContentLengthError,
    HttpMessageStreams,
    PayloadError,
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


class ParserError(Exception):
    status = 400


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
    ("head", "error_type"),
    [
        (Head(chunked=True), TransferEncodingError),
        (Head(content_length=50), ContentLengthError),
        (Head(), PayloadError),
    ],
)
async def test_parser_failure_in_body(
    sink: Recorder,
    streams: HttpMessageStreams[Head],
    head: Head,
    error_type: type[PayloadError],
) -> None:
    streams.on_message_begin()
    streams.on_headers_complete(head)
    streams.on_body(b"partial")
    cause = ParserError("bad chunk size")
    error = streams.parser_failed(cause)
    assert type(error) is error_type
    assert error.__cause__ is cause
    assert error.status == 400
    payload = sink.messages[0][1]
    with pytest.raises(error_type) as info:
        await payload.read()
    assert info.value is error
    assert streams.payload is None


async def test_parser_failure_in_head_is_returned_as_is(
    streams: HttpMessageStreams[Head],
) -> None:
    cause = ParserError("bad request line")
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
