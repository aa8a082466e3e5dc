"""``ClientResponse.content.readchunk()`` against real chunked responses.

The fake server writes one HTTP chunk per piece of the reply's body; a
reader must get each piece back, ended by ``end_of_http_chunk``, however the
bytes were cut on the way (a piece may come as ``(part, False)`` and then
``(rest or b"", True)``).
"""

from __future__ import annotations

import gzip
import itertools

from aioweb.client import ClientResponse, ClientSession
from aioweb.testkit import FakeServerFactory, Reply

PIECES = [b"first", b"-", b"the third one" * 50, b"last"]


async def chunks_of(response: ClientResponse) -> list[bytes]:
    """The body cut where ``iter_chunks()`` (readchunk() in a loop) reports
    chunk ends; bytes after the last end would be a last, unended piece."""
    body, ends = b"", [0]
    async for data, end_of_chunk in response.content.iter_chunks():
        body += data
        if end_of_chunk:
            ends.append(len(body))
    if len(body) > ends[-1]:
        ends.append(len(body))
    return [body[start:stop] for start, stop in itertools.pairwise(ends)]


async def test_readchunk_ends_where_each_chunk_ends(
    fake_server: FakeServerFactory,
) -> None:
    server = await fake_server(Reply(200, body=PIECES, chunked=True))
    async with ClientSession() as session, session.get(server.url) as resp:
        assert resp.headers["Transfer-Encoding"] == "chunked"
        assert await chunks_of(resp) == PIECES
        assert resp.content.at_eof()


async def test_readchunk_with_chunks_dripping_in(
    fake_server: FakeServerFactory,
) -> None:
    # Bytes trickle in: chunk data often arrives before the CRLF that ends
    # it, so a piece may be read before its end is known.
    server = await fake_server(
        Reply(
            200, body=[b"abc", b"defgh", b"ij"], chunked=True, drip=0.002, drip_size=3
        )
    )
    async with ClientSession() as session, session.get(server.url) as resp:
        assert await chunks_of(resp) == [b"abc", b"defgh", b"ij"]


async def test_iter_chunks_gives_the_same_pairs(
    fake_server: FakeServerFactory,
) -> None:
    server = await fake_server(Reply(200, body=PIECES, chunked=True))
    async with ClientSession() as session, session.get(server.url) as resp:
        pairs = [pair async for pair in resp.content.iter_chunks()]
    assert b"".join(data for data, _ in pairs) == b"".join(PIECES)
    assert sum(end for _, end in pairs) == len(PIECES)
    assert pairs[-1][1] is True  # the body ends with its last chunk


async def test_a_sized_body_reports_no_chunk_end(
    fake_server: FakeServerFactory,
) -> None:
    server = await fake_server(Reply(200, body=b"not chunked at all"))
    async with ClientSession() as session, session.get(server.url) as resp:
        data, end_of_chunk = await resp.content.readchunk()
        assert (data, end_of_chunk) == (b"not chunked at all", False)
        assert await resp.content.readchunk() == (b"", False)


async def test_pooled_connection_tracks_each_response_apart(
    fake_server: FakeServerFactory,
) -> None:
    # Two chunked responses on one keep-alive connection: the second
    # body's chunk ends are its own.
    server = await fake_server(
        [
            Reply(200, body=[b"a", b"bb"], chunked=True),
            Reply(200, body=[b"ccc", b"d"], chunked=True),
        ]
    )
    async with ClientSession() as session:
        async with session.get(server.url) as resp:
            assert await chunks_of(resp) == [b"a", b"bb"]
        async with session.get(server.url) as resp:
            assert await chunks_of(resp) == [b"ccc", b"d"]
    assert len(server.requests) == 2


async def test_decoded_body_keeps_chunk_ends(fake_server: FakeServerFactory) -> None:
    # With gzip, each chunk end is marked after the bytes decoded from it.
    compressed = gzip.compress(b"hello world" * 100)
    pieces = [compressed[:10], compressed[10:40], compressed[40:]]
    server = await fake_server(
        Reply(200, headers={"Content-Encoding": "gzip"}, body=pieces, chunked=True)
    )
    async with ClientSession() as session, session.get(server.url) as resp:
        chunks = await chunks_of(resp)
    assert b"".join(chunks) == b"hello world" * 100
    assert 1 <= len(chunks) <= len(pieces)
