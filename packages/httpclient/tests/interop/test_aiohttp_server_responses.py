"""The client against aiohttp's server (``aiohttp.web``): what it reads.

Chunked responses read by ``readchunk`` and ``iter_chunked``, gzip, deflate
and br bodies decoded, several MiB streamed, HEAD, 204 and 304 without a
body, ``raise_for_status`` and the ``sock_read`` and ``total`` timeouts
against slow handlers. aiohttp's own runner serves the application (the
``aiohttp_server`` fixture).
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import random
import time
import zlib
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web as aw
from yarl import URL

from aioweb.client import (
    ClientResponseError,
    ClientSession,
    ClientTimeout,
    SocketTimeoutError,
    TCPConnector,
)

pytestmark = pytest.mark.interop

LARGE = random.Random(7).randbytes(8 << 20)  # 8 MiB, aperiodic
TEXT = b"compress me, aiohttp " * 5000
PIECES = [b"first", b"-", b"the third one " * 300, b"last"]


def facts(request: aw.Request) -> dict[str, str]:
    """What the server saw of a request, as response headers."""
    assert request.transport is not None
    return {
        "X-Method": request.method,
        "X-Accept-Encoding": request.headers.get("Accept-Encoding", ""),
        "X-Peer-Port": str(request.transport.get_extra_info("peername")[1]),
    }


async def chunked(request: aw.Request) -> aw.StreamResponse:
    response = aw.StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    for piece in PIECES:
        await response.write(piece)  # aiohttp writes one HTTP chunk per call
        await asyncio.sleep(0.01)
    await response.write_eof()
    return response


async def coded(request: aw.Request) -> aw.StreamResponse:
    coding = request.match_info["coding"]
    if coding == "br":
        import brotli

        # aiohttp's server has no br encoder: the handler encodes.
        return aw.Response(
            body=brotli.compress(TEXT),
            headers={"Content-Encoding": "br", **facts(request)},
        )
    if request.query.get("stream") == "1":
        response = aw.StreamResponse(headers=facts(request))
        response.enable_compression(aw.ContentCoding[coding])
        await response.prepare(request)
        for start in range(0, len(TEXT), 7000):
            await response.write(TEXT[start : start + 7000])
        await response.write_eof()
        return response
    plain = aw.Response(body=TEXT, headers=facts(request))
    plain.enable_compression(aw.ContentCoding[coding])
    return plain


async def sized(request: aw.Request) -> aw.Response:
    return aw.Response(body=b"x" * 1234, headers=facts(request))


async def status(request: aw.Request) -> aw.Response:
    code = int(request.match_info["code"])
    if code in (204, 304):
        return aw.Response(status=code, headers=facts(request))
    return aw.Response(status=code, text=f"status {code}")


async def etag(request: aw.Request) -> aw.Response:
    if request.headers.get("If-None-Match") == '"v1"':
        return aw.Response(status=304, headers={"ETag": '"v1"', **facts(request)})
    return aw.Response(text="versioned", headers={"ETag": '"v1"'})


async def large(request: aw.Request) -> aw.StreamResponse:
    response = aw.StreamResponse(headers={"Content-Type": "application/octet-stream"})
    if request.query.get("framing") == "length":
        response.content_length = len(LARGE)
    else:
        response.enable_chunked_encoding()
    await response.prepare(request)
    for start in range(0, len(LARGE), 100_000):
        await response.write(LARGE[start : start + 100_000])
    await response.write_eof()
    return response


async def slow(request: aw.Request) -> aw.StreamResponse:
    """``?head=S``: wait before the head; ``?gaps=S&pieces=N``: drip the body."""
    await asyncio.sleep(float(request.query.get("head", "0")))
    response = aw.StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    for i in range(int(request.query.get("pieces", "1"))):
        await response.write(b"piece %d;" % i)
        await asyncio.sleep(float(request.query.get("gaps", "0")))
    await response.write_eof()
    return response


async def latin1(request: aw.Request) -> aw.Response:
    return aw.Response(text="café crème", charset="iso-8859-1")


def make_app() -> aw.Application:
    app = aw.Application()
    router = app.router
    router.add_get("/chunked", chunked)
    router.add_get("/coded/{coding}", coded)
    router.add_get("/sized", sized)  # HEAD too: aiohttp adds it beside GET
    router.add_get("/status/{code}", status)
    router.add_get("/etag", etag)
    router.add_get("/large", large)
    router.add_get("/slow", slow)
    router.add_get("/latin1", latin1)
    return app


@pytest.fixture
async def aiohttp_url(
    aiohttp_server: Callable[[aw.Application], Awaitable[URL]],
) -> URL:
    return await aiohttp_server(make_app())


async def test_chunked_response_by_readchunk_and_iter_chunked(
    aiohttp_url: URL,
) -> None:
    async with ClientSession() as session:
        async with session.get(aiohttp_url / "chunked") as response:
            assert response.headers["Transfer-Encoding"] == "chunked"
            pieces, current = [], b""
            while True:
                data, end_of_chunk = await response.content.readchunk()
                current += data
                if end_of_chunk:
                    pieces.append(current)
                    current = b""
                elif not data:
                    break
            assert (pieces, current) == (PIECES, b"")
            assert response.content.at_eof()
        async with session.get(aiohttp_url / "chunked") as response:
            sizes, body = [], b""
            async for data in response.content.iter_chunked(1000):
                sizes.append(len(data))
                body += data
        assert body == b"".join(PIECES)
        assert max(sizes) <= 1000


@pytest.mark.parametrize(
    ("coding", "stream"),
    [
        ("gzip", False),
        ("gzip", True),
        ("deflate", False),
        ("deflate", True),
        ("br", False),  # aiohttp has no br encoder: the handler encodes at once
    ],
)
async def test_compressed_responses_are_decoded(
    aiohttp_url: URL, coding: str, stream: bool
) -> None:
    if coding == "br":
        # br is an optional extra of the client (brotli or brotlicffi).
        brotli = pytest.importorskip("brotli")
    url = (aiohttp_url / "coded" / coding).with_query(stream=int(stream))
    async with ClientSession() as session, session.get(url) as response:
        assert coding in response.headers["X-Accept-Encoding"].split(", ")
        assert response.headers["Content-Encoding"] == coding
        assert ("Content-Length" not in response.headers) is stream
        assert await response.read() == TEXT
    async with (
        ClientSession(auto_decompress=False) as session,
        session.get(url) as response,
    ):
        raw = await response.read()
    assert len(raw) < len(TEXT) // 10
    decode = {
        "gzip": gzip.decompress,
        "deflate": zlib.decompress,
        "br": lambda data: brotli.decompress(data),
    }[coding]
    assert decode(raw) == TEXT


@pytest.mark.parametrize("framing", ["chunked", "length"])
async def test_large_streamed_response(aiohttp_url: URL, framing: str) -> None:
    digest, total, sizes = hashlib.sha256(), 0, set()
    url = (aiohttp_url / "large").with_query(framing=framing)
    async with ClientSession() as session, session.get(url) as response:
        expected_length = None if framing == "chunked" else len(LARGE)
        assert response.content_length == expected_length
        async for data in response.content.iter_chunked(65536):
            sizes.add(len(data))
            digest.update(data)
            total += len(data)
    assert total == len(LARGE)
    assert max(sizes) <= 65536
    assert digest.digest() == hashlib.sha256(LARGE).digest()


async def test_a_response_released_unread_spoils_nothing(aiohttp_url: URL) -> None:
    async with ClientSession(connector=TCPConnector(limit=1)) as session:
        async with session.get(aiohttp_url / "large") as response:
            assert len(await response.content.readexactly(1000)) == 1000
        # Most of 8 MiB were left unread: that connection cannot be reused
        # as it is, and the next answer must still come whole.
        async with session.get(aiohttp_url / "sized") as response:
            assert await response.read() == b"x" * 1234


async def test_text_is_decoded_with_the_charset_given(aiohttp_url: URL) -> None:
    async with (
        ClientSession() as session,
        session.get(aiohttp_url / "latin1") as response,
    ):
        assert response.get_encoding() == "iso-8859-1"
        assert await response.read() == "café crème".encode("latin-1")
        assert await response.text() == "café crème"


async def test_head_has_headers_and_no_body(aiohttp_url: URL) -> None:
    async with ClientSession() as session:
        async with session.head(aiohttp_url / "sized") as response:
            assert response.status == 200
            assert response.content_length == 1234
            assert response.headers["X-Method"] == "HEAD"
            assert await response.read() == b""
            port = response.headers["X-Peer-Port"]
        # The connection is framed right: the next answer on it is whole.
        async with session.get(aiohttp_url / "sized") as response:
            assert await response.read() == b"x" * 1234
            assert response.headers["X-Peer-Port"] == port


async def test_204_and_304_have_no_body(aiohttp_url: URL) -> None:
    async with ClientSession() as session:
        async with session.get(aiohttp_url / "status" / "204") as response:
            assert response.status == 204
            assert await response.read() == b""
            port = response.headers["X-Peer-Port"]
        async with session.get(aiohttp_url / "etag") as response:
            assert (response.status, await response.text()) == (200, "versioned")
            tag = response.headers["ETag"]
        async with session.get(
            aiohttp_url / "etag", headers={"If-None-Match": tag}
        ) as response:
            assert response.status == 304
            assert response.headers["ETag"] == '"v1"'
            assert await response.read() == b""
        async with session.get(aiohttp_url / "sized") as response:
            assert await response.read() == b"x" * 1234
            assert response.headers["X-Peer-Port"] == port


async def test_raise_for_status(aiohttp_url: URL) -> None:
    async with ClientSession(raise_for_status=True) as session:
        with pytest.raises(ClientResponseError) as caught:
            await session.get(aiohttp_url / "status" / "404")
        assert caught.value.status == 404
        assert caught.value.message == "Not Found"
        assert caught.value.request_info.method == "GET"
        assert caught.value.request_info.url == aiohttp_url / "status" / "404"
        async with session.get(
            aiohttp_url / "status" / "503", raise_for_status=False
        ) as response:
            assert (response.status, response.ok) == (503, False)
            assert await response.text() == "status 503"
            with pytest.raises(ClientResponseError) as caught:
                response.raise_for_status()
            assert (caught.value.status, caught.value.message) == (
                503,
                "Service Unavailable",
            )
        async with session.get(aiohttp_url / "status" / "200") as response:
            assert response.ok
            response.raise_for_status()


# -- timeouts -----------------------------------------------------------------


async def test_sock_read_timeout_waiting_for_the_head(aiohttp_url: URL) -> None:
    timeout = ClientTimeout(sock_read=0.3)
    async with ClientSession(timeout=timeout) as session:
        started = time.monotonic()
        with pytest.raises(SocketTimeoutError):
            await session.get((aiohttp_url / "slow").with_query(head=30))
        assert time.monotonic() - started < 5
        # A steady drip with gaps shorter than sock_read reads to the end.
        url = (aiohttp_url / "slow").with_query(gaps=0.05, pieces=10)
        async with session.get(url) as response:
            assert await response.read() == b"".join(
                b"piece %d;" % i for i in range(10)
            )


async def test_sock_read_timeout_in_the_body(aiohttp_url: URL) -> None:
    url = (aiohttp_url / "slow").with_query(gaps=30, pieces=2)
    async with (
        ClientSession(timeout=ClientTimeout(sock_read=0.3)) as session,
        session.get(url) as response,
    ):
        assert response.status == 200
        assert await response.content.readchunk() == (b"piece 0;", True)
        with pytest.raises(SocketTimeoutError):
            await response.read()


async def test_total_timeout(aiohttp_url: URL) -> None:
    async with ClientSession(timeout=ClientTimeout(total=0.3)) as session:
        with pytest.raises(asyncio.TimeoutError):
            await session.get((aiohttp_url / "slow").with_query(head=30))
        async with session.get(aiohttp_url / "sized", timeout=ClientTimeout()) as r:
            assert await r.read() == b"x" * 1234
