"""HttpMessageStreams marks where HTTP chunks end, for ``readchunk()``.

The parser's optional ``on_chunk_complete`` callback reaches the body's
reader as ``end_http_chunk_receiving``; these tests drive it through both
parser twins.
"""

from __future__ import annotations

import importlib
import os
import zlib
from typing import Any

import pytest
from multidict import CIMultiDictProxy

from aioweb.parser import _implementation
from aioweb.protocol import BaseProtocol, HttpMessageStreams, StreamReader

HEAD = b"POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"


class Sink:
    def __init__(self) -> None:
        self.payloads: list[StreamReader] = []

    def message_received(self, head: Any, payload: StreamReader) -> None:
        self.payloads.append(payload)

    def message_complete(
        self, head: Any, trailers: CIMultiDictProxy[str] | None
    ) -> None:
        pass

    def informational_received(self, head: Any) -> None:
        pass


@pytest.fixture(params=["pure", "compiled"])
def request_parser(request: pytest.FixtureRequest) -> Any:
    """The request parser of one twin (the compiled one where it is built)."""
    if request.param == "pure":
        return importlib.import_module("aioweb.parser._parser").RequestParser
    if _implementation.NO_EXTENSIONS:
        pytest.skip("AIOWEB_NO_EXTENSIONS is set: the pure build has no compiled twin")
    try:
        return importlib.import_module("aioweb.parser._cparser").RequestParser
    except ImportError:
        if os.environ.get("AIOWEB_REQUIRE_EXTENSIONS"):
            raise
        pytest.skip("the compiled parser was not built")


async def pairs_of(payload: StreamReader) -> list[tuple[bytes, bool]]:
    return [pair async for pair in payload.iter_chunks()]


@pytest.mark.parametrize("step", [1, 5, 1000])
async def test_each_chunk_end_reaches_the_reader(
    protocol: BaseProtocol, request_parser: Any, step: int
) -> None:
    sink = Sink()
    parser = request_parser(HttpMessageStreams(sink, protocol))
    wire = HEAD + b"3\r\nabc\r\n1;x=y\r\nd\r\n5\r\nefghi\r\n0\r\n\r\n"
    for i in range(0, len(wire), step):
        parser.feed_data(wire[i : i + step])
    # Read after the whole body arrived: one pair per chunk, exactly.
    assert await pairs_of(sink.payloads[0]) == [
        (b"abc", True),
        (b"d", True),
        (b"efghi", True),
    ]


async def test_a_chunk_read_before_its_end_arrives(
    protocol: BaseProtocol, request_parser: Any
) -> None:
    sink = Sink()
    parser = request_parser(HttpMessageStreams(sink, protocol))
    parser.feed_data(HEAD + b"4\r\nab")
    payload = sink.payloads[0]
    assert await payload.readchunk() == (b"ab", False)  # its end is unknown yet
    parser.feed_data(b"cd\r\n")
    assert await payload.readchunk() == (b"cd", True)
    parser.feed_data(b"0\r\n\r\n")
    assert await payload.readchunk() == (b"", False)  # the end of the body


async def test_each_message_has_its_own_chunk_ends(
    protocol: BaseProtocol, request_parser: Any
) -> None:
    sink = Sink()
    parser = request_parser(HttpMessageStreams(sink, protocol))
    sized = b"POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz"
    parser.feed_data(
        HEAD + b"2\r\nab\r\n0\r\n\r\n" + sized + HEAD + b"1\r\nc\r\n0\r\n\r\n"
    )
    first, second, third = [await pairs_of(p) for p in sink.payloads]
    assert first == [(b"ab", True)]
    assert second == [(b"xyz", False)]  # a sized body has no chunk ends
    assert third == [(b"c", True)]


async def test_decoded_chunks_end_after_their_decoded_bytes(
    protocol: BaseProtocol, request_parser: Any
) -> None:
    sink = Sink()
    parser = request_parser(HttpMessageStreams(sink, protocol, decompress=True))
    packer = zlib.compressobj()
    one = packer.compress(b"one ") + packer.flush(zlib.Z_SYNC_FLUSH)
    two = packer.compress(b"two") + packer.flush()
    head = HEAD.replace(b"\r\n\r\n", b"\r\nContent-Encoding: deflate\r\n\r\n")
    parser.feed_data(
        head + b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (len(one), one, len(two), two)
    )
    assert await pairs_of(sink.payloads[0]) == [(b"one ", True), (b"two", True)]


async def test_a_body_that_failed_to_decode_takes_no_chunk_end(
    protocol: BaseProtocol, request_parser: Any
) -> None:
    sink = Sink()
    parser = request_parser(HttpMessageStreams(sink, protocol, decompress=True))
    head = HEAD.replace(b"\r\n\r\n", b"\r\nContent-Encoding: deflate\r\n\r\n")
    parser.feed_data(head + b"9\r\nnot zlib!\r\n4\r\nmore\r\n0\r\n\r\n")
    payload = sink.payloads[0]
    assert payload.exception() is not None
    with pytest.raises(type(payload.exception())):
        await payload.readchunk()
