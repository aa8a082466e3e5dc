"""The client against nginx: static files, ranges, gzip, chunked, keep-alive, TLS."""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from pathlib import Path
from typing import Any

import pytest
import trustme

from aioweb import web
from aioweb.client import (
    ClientConnectorCertificateError,
    ClientSession,
    TCPConnector,
    TraceConfig,
)

pytestmark = pytest.mark.interop


def served(nginx: Any, name: str) -> bytes:
    return Path(nginx.root / "www" / name).read_bytes()


async def test_small_static_file(nginx: Any) -> None:
    async with (
        ClientSession() as session,
        session.get(nginx.url / "small.txt") as response,
    ):
        assert response.status == 200
        assert response.headers["Server"].startswith("nginx")
        assert response.content_type == "text/plain"
        assert response.content_length == len(served(nginx, "small.txt"))
        assert await response.read() == served(nginx, "small.txt")


async def test_one_mebibyte_file_read_and_streamed(nginx: Any) -> None:
    expected = served(nginx, "big.bin")
    async with ClientSession() as session:
        async with session.get(nginx.url / "big.bin") as response:
            assert response.content_length == 1 << 20
            assert await response.read() == expected
        digest = hashlib.sha256()
        sizes = []
        async with session.get(nginx.url / "big.bin") as response:
            async for chunk in response.content.iter_chunked(65536):
                assert len(chunk) <= 65536
                sizes.append(len(chunk))
                digest.update(chunk)
        assert sum(sizes) == 1 << 20
        assert digest.digest() == hashlib.sha256(expected).digest()


@pytest.mark.parametrize(
    ("range_header", "start", "end"),
    [("bytes=0-99", 0, 100), ("bytes=1000-", 1000, 1 << 20), ("bytes=-10", -10, None)],
)
async def test_byte_ranges(nginx: Any, range_header: str, start: int, end: Any) -> None:
    expected = served(nginx, "big.bin")[start:end]
    async with (
        ClientSession() as session,
        session.get(nginx.url / "big.bin", headers={"Range": range_header}) as response,
    ):
        assert response.status == 206
        assert response.headers["Content-Range"].endswith(f"/{1 << 20}")
        assert response.content_length == len(expected)
        assert await response.read() == expected


async def test_unsatisfiable_range_is_416(nginx: Any) -> None:
    async with (
        ClientSession() as session,
        session.get(
            nginx.url / "small.txt", headers={"Range": "bytes=999999-"}
        ) as response,
    ):
        assert response.status == 416
        await response.read()


async def test_missing_file_is_404_and_raise_for_status(nginx: Any) -> None:
    async with (
        ClientSession(raise_for_status=False) as session,
        session.get(nginx.url / "absent") as response,
    ):
        assert response.status == 404
        assert b"404" in await response.read()


async def test_gzip_is_chunked_and_decompressed(nginx: Any) -> None:
    expected = served(nginx, "gzip/text.txt")
    async with ClientSession() as session:
        async with session.get(
            nginx.url / "gzip" / "text.txt", headers={"Accept-Encoding": "gzip"}
        ) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert response.headers["Transfer-Encoding"] == "chunked"
            assert "Content-Length" not in response.headers
            assert await response.read() == expected
        async with session.get(
            nginx.url / "gzip" / "text.txt",
            headers={"Accept-Encoding": "gzip"},
        ) as response:
            # the same body, streamed: decompression runs per chunk
            assert b"".join([c async for c in response.content.iter_any()]) == expected


async def test_gzip_left_alone_without_auto_decompress(nginx: Any) -> None:
    import gzip

    expected = served(nginx, "gzip/text.txt")
    async with (
        ClientSession(auto_decompress=False) as session,
        session.get(
            nginx.url / "gzip" / "text.txt", headers={"Accept-Encoding": "gzip"}
        ) as response,
    ):
        raw = await response.read()
    assert raw != expected
    assert gzip.decompress(raw) == expected


async def test_chunked_stream_from_an_aioweb_upstream(nginx: Any) -> None:
    """nginx relays an aioweb.web streamed (chunked) answer, piece by piece."""
    release = asyncio.Event()

    async def stream(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(b"first;")
        await release.wait()
        for i in range(50):
            await response.write(b"piece%03d;" % i)
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_get("/stream", stream)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.UnixSite(runner, str(nginx.upstream_socket))
    await site.start()
    try:
        async with (
            ClientSession() as session,
            session.get(nginx.url / "upstream" / "stream") as response,
        ):
            assert response.status == 200
            assert response.headers["Transfer-Encoding"] == "chunked"
            # the first piece arrives while the upstream still waits
            first = await asyncio.wait_for(response.content.readexactly(6), 10)
            assert first == b"first;"
            release.set()
            rest = await response.read()
        assert rest == b"".join(b"piece%03d;" % i for i in range(50))
    finally:
        await runner.cleanup()
        nginx.upstream_socket.unlink(missing_ok=True)


async def test_keep_alive_reuses_one_connection(nginx: Any) -> None:
    created: list[Any] = []
    reused: list[Any] = []

    async def on_create(_session: Any, _ctx: Any, params: Any) -> None:
        created.append(params)

    async def on_reuse(_session: Any, _ctx: Any, params: Any) -> None:
        reused.append(params)

    trace = TraceConfig()
    trace.on_connection_create_end.append(on_create)
    trace.on_connection_reuseconn.append(on_reuse)
    async with ClientSession(trace_configs=[trace]) as session:
        for name in ["small.txt", "big.bin", "small.txt"] * 5:
            async with session.get(nginx.url / name) as response:
                assert await response.read() == served(nginx, name)
    assert len(created) == 1
    assert len(reused) == 14


async def test_concurrent_requests_share_a_bounded_pool(nginx: Any) -> None:
    created: list[Any] = []

    async def on_create(_session: Any, _ctx: Any, params: Any) -> None:
        created.append(params)

    trace = TraceConfig()
    trace.on_connection_create_end.append(on_create)
    connector = TCPConnector(limit=4)
    async with ClientSession(connector=connector, trace_configs=[trace]) as session:

        async def fetch() -> bytes:
            async with session.get(nginx.url / "small.txt") as response:
                return await response.read()

        bodies = await asyncio.gather(*(fetch() for _ in range(40)))
    assert set(bodies) == {served(nginx, "small.txt")}
    assert 1 <= len(created) <= 4


async def test_tls_verified_with_the_ca(nginx: Any) -> None:
    reused: list[Any] = []

    async def on_reuse(_session: Any, _ctx: Any, params: Any) -> None:
        reused.append(params)

    trace = TraceConfig()
    trace.on_connection_reuseconn.append(on_reuse)
    # The context is part of the pool's key: one context, one connection.
    context = nginx.client_ssl()
    async with ClientSession(trace_configs=[trace]) as session:
        for _ in range(3):
            async with session.get(nginx.tls_url / "big.bin", ssl=context) as response:
                assert response.status == 200
                assert await response.read() == served(nginx, "big.bin")
    assert len(reused) == 2


async def test_tls_connector_context(nginx: Any) -> None:
    connector = TCPConnector(ssl=nginx.client_ssl())
    async with (
        ClientSession(connector=connector) as session,
        session.get(nginx.tls_url / "small.txt") as response,
    ):
        assert await response.read() == served(nginx, "small.txt")


async def test_tls_with_a_wrong_ca_fails(nginx: Any) -> None:
    other = ssl.create_default_context(cadata=trustme.CA().cert_pem.bytes().decode())
    async with ClientSession() as session:
        with pytest.raises(ClientConnectorCertificateError) as info:
            async with session.get(nginx.tls_url / "small.txt", ssl=other):
                pass
    assert isinstance(info.value.certificate_error, ssl.SSLCertVerificationError)


async def test_tls_default_verification_rejects_a_private_ca(nginx: Any) -> None:
    async with ClientSession() as session:
        with pytest.raises(ClientConnectorCertificateError):
            async with session.get(nginx.tls_url / "small.txt"):
                pass


async def test_tls_verification_off_is_explicit(nginx: Any) -> None:
    async with (
        ClientSession() as session,
        session.get(nginx.tls_url / "small.txt", ssl=False) as response,
    ):
        assert await response.read() == served(nginx, "small.txt")
