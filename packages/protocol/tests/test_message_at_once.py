"""Whole messages at once: StreamWriter.write_message, cached heads, and
bodyless requests without a body stream."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from aioweb.parser import RequestParser
from aioweb.protocol import (
    EMPTY_PAYLOAD,
    BaseProtocol,
    ContentLengthError,
    HeaderInjectionError,
    HttpMessageStreams,
    MessageQueue,
    StreamReader,
    StreamWriter,
    serialize_head,
)

HEAD = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"


@pytest.fixture
async def writer(protocol: BaseProtocol) -> StreamWriter:
    return StreamWriter(protocol, asyncio.get_running_loop())


# -- StreamWriter.write_message ------------------------------------------------


async def test_head_and_body_leave_in_one_write(
    writer: StreamWriter, transport: Any
) -> None:
    writer.length = 5
    writer.write_message(HEAD, b"hello")
    assert transport.written == [HEAD + b"hello"]
    assert writer.output_size == writer.buffer_size == len(HEAD) + 5
    assert writer.length == 0
    # The message is ended: a later end writes nothing, a later write fails.
    await writer.write_eof(b"more")
    assert transport.written == [HEAD + b"hello"]
    with pytest.raises(RuntimeError):
        await writer.write(b"x")


async def test_a_message_without_body(writer: StreamWriter, transport: Any) -> None:
    writer.write_message(b"HTTP/1.1 204 No Content\r\n\r\n")
    assert transport.written == [b"HTTP/1.1 204 No Content\r\n\r\n"]


async def test_a_body_past_its_length_is_refused_whole(
    writer: StreamWriter, transport: Any
) -> None:
    writer.length = 3
    with pytest.raises(ContentLengthError):
        writer.write_message(HEAD, b"hello")
    assert transport.written == []
    assert writer.length == 3


async def test_a_short_body_leaves_its_shortfall(
    writer: StreamWriter, transport: Any
) -> None:
    writer.length = 5
    writer.write_message(HEAD, b"hel")
    assert writer.length == 2  # the caller sees the body fell short


@pytest.mark.parametrize("setup", ["chunked", "compressed", "head pending", "ended"])
async def test_write_message_refuses_what_it_cannot_send(
    writer: StreamWriter, transport: Any, setup: str
) -> None:
    if setup == "chunked":
        writer.enable_chunking()
    elif setup == "compressed":
        writer.enable_compression("gzip")
    elif setup == "head pending":
        await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    else:
        await writer.write_eof()
    written = list(transport.written)
    with pytest.raises(RuntimeError):
        writer.write_message(HEAD, b"hello")
    assert transport.written == written


async def test_write_message_on_a_closing_transport(
    writer: StreamWriter, transport: Any
) -> None:
    transport.close()
    with pytest.raises(ConnectionResetError):
        writer.write_message(HEAD, b"hello")


# -- serialize_head's cache of checked heads -------------------------------------


def test_a_repeated_head_is_the_same_bytes() -> None:
    fields = CIMultiDict({"Content-Type": "text/plain", "Content-Length": "2"})
    first = serialize_head("HTTP/1.1 200 OK", fields.items())
    assert serialize_head("HTTP/1.1 200 OK", list(fields.items())) == first
    assert first == (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n"
    )


def test_heads_differing_in_a_value_or_the_start_line_differ() -> None:
    one = serialize_head("HTTP/1.1 200 OK", [("X-A", "1")])
    two = serialize_head("HTTP/1.1 200 OK", [("X-A", "2")])
    other = serialize_head("HTTP/1.1 404 Not Found", [("X-A", "1")])
    assert (one, two, other) == (
        b"HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nX-A: 2\r\n\r\n",
        b"HTTP/1.1 404 Not Found\r\nX-A: 1\r\n\r\n",
    )


@pytest.mark.parametrize("bad", ["a\r\nX-Evil: 1", "a\nb", "a\x00"])
def test_a_cached_name_does_not_let_a_bad_value_through(bad: str) -> None:
    assert serialize_head("HTTP/1.1 200 OK", [("X-Cached", "fine")])
    for _ in range(2):  # refused every time: a refused head is not cached
        with pytest.raises(HeaderInjectionError):
            serialize_head("HTTP/1.1 200 OK", [("X-Cached", bad)])


def test_the_cache_stays_bounded() -> None:
    for number in range(2000):
        head = serialize_head("HTTP/1.1 200 OK", [("X-N", str(number))])
        assert head == f"HTTP/1.1 200 OK\r\nX-N: {number}\r\n\r\n".encode()
    # A head made long before is still right after the cache was emptied.
    assert serialize_head("HTTP/1.1 200 OK", [("X-N", "0")]) == (
        b"HTTP/1.1 200 OK\r\nX-N: 0\r\n\r\n"
    )


# -- HttpMessageStreams(length_required=True) ----------------------------------


async def _parse(
    protocol: BaseProtocol, data: bytes, *, length_required: bool
) -> list[tuple[Any, StreamReader]]:
    queue: MessageQueue[Any] = MessageQueue()
    streams = HttpMessageStreams(queue, protocol, length_required=length_required)
    RequestParser(streams).feed_data(data)
    queue.feed_eof()
    messages = []
    while (message := await queue.get()) is not None:
        messages.append(message)
    return messages


async def test_a_request_without_framing_gets_no_body_stream(
    protocol: BaseProtocol,
) -> None:
    # RFC 9112 §6.3: a request without Content-Length or Transfer-Encoding
    # has no body, so no reader is made for it.
    data = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n" * 2
    messages = await _parse(protocol, data, length_required=True)
    assert [payload for _, payload in messages] == [EMPTY_PAYLOAD, EMPTY_PAYLOAD]
    assert await messages[0][1].read() == b""


async def test_framed_request_bodies_still_get_their_streams(
    protocol: BaseProtocol,
) -> None:
    data = (
        b"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
        b"POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"2\r\nde\r\n0\r\n\r\n"
    )
    messages = await _parse(protocol, data, length_required=True)
    assert [payload is EMPTY_PAYLOAD for _, payload in messages] == [False, False]
    assert [await payload.read() for _, payload in messages] == [b"abc", b"de"]


async def test_without_length_required_an_unframed_message_gets_a_stream(
    protocol: BaseProtocol,
) -> None:
    # The default is the response's rule: such a body runs to the close.
    messages = await _parse(
        protocol, b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n", length_required=False
    )
    payload = messages[0][1]
    assert payload is not EMPTY_PAYLOAD
    assert payload.is_eof()
    assert isinstance(messages[0][0].headers, CIMultiDictProxy)
