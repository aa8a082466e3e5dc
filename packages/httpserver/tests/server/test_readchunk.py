"""``request.content.readchunk()`` against real chunked request bodies.

A raw client sends the chunks; the handler must get each one back, ended by
``end_of_http_chunk``, however the bytes were cut on the way (a chunk may
come as ``(part, False)`` and then ``(rest or b"", True)``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from aioweb import web

HEAD = b"POST /chunks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"


def framed(pieces: list[bytes], extension: bytes = b"") -> list[bytes]:
    """Each piece as one chunk (RFC 9112 §7.1), then the last chunk."""
    return [b"%x%s\r\n%s\r\n" % (len(p), extension, p) for p in pieces] + [b"0\r\n\r\n"]


async def chunks_of(request: web.Request) -> list[bytes]:
    """The body as readchunk() divides it, one item per reported chunk end."""
    chunks: list[bytes] = []
    current = b""
    while True:
        data, end_of_chunk = await request.content.readchunk()
        current += data
        if end_of_chunk:
            chunks.append(current)
            current = b""
        elif not data:
            break  # (b"", False): the end of the body
    assert current == b"", "bytes after the last chunk end"
    return chunks


def chunk_app(seen: list[list[bytes]]) -> web.Application:
    async def record(request: web.Request) -> web.Response:
        chunks = await chunks_of(request)
        seen.append(chunks)
        return web.Response(text=f"{len(chunks)} chunks")

    app = web.Application()
    app.router.add_post("/chunks", record)
    return app


async def test_readchunk_ends_where_each_chunk_ends(serve_app: Any, raw: Any) -> None:
    pieces = [b"one", b"two!", b"x" * 3000, b"end"]
    seen: list[list[bytes]] = []
    served = await serve_app(chunk_app(seen))
    conn = await raw(served.port)
    await conn.send(HEAD + b"".join(framed(pieces, b";ext=1")))
    response = await conn.read_response()
    assert (response.status, response.body) == (200, b"4 chunks")
    assert seen == [pieces]


async def test_readchunk_while_chunks_arrive_one_by_one(
    serve_app: Any, raw: Any
) -> None:
    # The handler reads while the client is still sending; each chunk's data
    # is sent apart from its CRLF, so its end comes in a later read.
    pieces = [b"alpha", b"beta", b"gamma"]
    seen: list[list[bytes]] = []
    served = await serve_app(chunk_app(seen))
    conn = await raw(served.port)
    await conn.send(HEAD)
    for piece in pieces:
        await conn.send(b"%x\r\n%s" % (len(piece), piece))
        await asyncio.sleep(0.02)
        await conn.send(b"\r\n")
        await asyncio.sleep(0.02)
    await conn.send(b"0\r\n\r\n")
    response = await conn.read_response()
    assert (response.status, response.body) == (200, b"3 chunks")
    assert seen == [pieces]


async def test_pipelined_chunked_requests_keep_their_own_chunks(
    serve_app: Any, raw: Any
) -> None:
    seen: list[list[bytes]] = []
    served = await serve_app(chunk_app(seen))
    conn = await raw(served.port)
    first = HEAD + b"".join(framed([b"a", b"bc"]))
    second = HEAD + b"".join(framed([b"def"]))
    await conn.send(first + second)
    assert (await conn.read_response()).body == b"2 chunks"
    assert (await conn.read_response()).body == b"1 chunks"
    assert seen == [[b"a", b"bc"], [b"def"]]


async def test_sized_body_reports_no_chunk_end(serve_app: Any, raw: Any) -> None:
    pairs: list[tuple[bytes, bool]] = []

    async def record(request: web.Request) -> web.Response:
        while pair := await request.content.readchunk():
            if pair == (b"", False):
                break
            pairs.append(pair)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/", record)
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
    assert (await conn.read_response()).status == 200
    assert b"".join(data for data, _ in pairs) == b"hello"
    assert all(end is False for _, end in pairs)


async def test_real_client_chunked_upload_is_read_chunk_by_chunk(
    serve_app: Any,
) -> None:
    # End to end with a real client (aiohttp, in this package's test
    # dependencies): an async generator body goes out chunked, one chunk per
    # piece it yields.
    import aiohttp

    pieces = [b"first piece", b"second", b"3"]
    seen: list[list[bytes]] = []
    served = await serve_app(chunk_app(seen))

    async def body() -> Any:
        for piece in pieces:
            yield piece
            await asyncio.sleep(0.01)

    url = served.url + "/chunks"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body()) as resp,
    ):
        assert await resp.text() == "3 chunks"
    assert seen == [pieces]
