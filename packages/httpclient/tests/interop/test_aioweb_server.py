"""The client against aioweb's own server (``aioweb.web``) on 127.0.0.1."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from yarl import URL

from aioweb import web
from aioweb.client import ClientSession, TraceConfig, WSMsgType

pytestmark = pytest.mark.interop

BIG = bytes(range(256)) * 4096  # 1 MiB


async def big(request: web.Request) -> web.Response:
    return web.Response(body=BIG, content_type="application/octet-stream")


async def small(request: web.Request) -> web.Response:
    return web.Response(text="small")


async def echo(request: web.Request) -> web.Response:
    body = await request.read()
    return web.Response(body=body, headers={"X-Length": str(len(body))})


async def stream(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    for i in range(100):
        await response.write(b"line %03d\n" % i)
    await response.write_eof()
    return response


async def deflated(request: web.Request) -> web.Response:
    response = web.Response(body=b"deflate me " * 1000)
    response.enable_compression()
    return response


async def websocket(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for message in ws:
        if message.type is WSMsgType.TEXT:
            await ws.send_str(message.data.upper())
        elif message.type is WSMsgType.BINARY:
            await ws.send_bytes(message.data[::-1])
    return ws


@pytest.fixture
async def aioweb_url(app_server: Callable[[web.Application], Awaitable[URL]]) -> URL:
    app = web.Application(client_max_size=4 << 20)
    app.router.add_get("/big", big)
    app.router.add_get("/small", small)
    app.router.add_post("/echo", echo)
    app.router.add_get("/stream", stream)
    app.router.add_get("/deflated", deflated)
    app.router.add_get("/ws", websocket)
    return await app_server(app)


async def test_keep_alive_survives_large_bodies(aioweb_url: URL) -> None:
    """A body larger than the reader's buffer still returns its connection."""
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
        for path in ["big", "small", "big", "big", "small"]:
            async with session.get(aioweb_url / path) as response:
                body = await response.read()
            assert body == (BIG if path == "big" else b"small")
    assert (len(created), len(reused)) == (1, 4)


async def test_large_upload_round_trip(aioweb_url: URL) -> None:
    async def generate() -> AsyncIterator[bytes]:
        for i in range(0, len(BIG), 100_000):
            yield BIG[i : i + 100_000]

    async with ClientSession() as session:
        async with session.post(aioweb_url / "echo", data=BIG) as response:
            assert response.headers["X-Length"] == str(len(BIG))
            assert await response.read() == BIG
        async with session.post(aioweb_url / "echo", data=generate()) as response:
            assert await response.read() == BIG


async def test_chunked_stream_read_by_line(aioweb_url: URL) -> None:
    async with (
        ClientSession() as session,
        session.get(aioweb_url / "stream") as response,
    ):
        assert response.headers["Transfer-Encoding"] == "chunked"
        lines = [line async for line in response.content]
    assert lines == [b"line %03d\n" % i for i in range(100)]


async def test_server_compression_is_decoded(aioweb_url: URL) -> None:
    async with (
        ClientSession() as session,
        session.get(
            aioweb_url / "deflated", headers={"Accept-Encoding": "deflate"}
        ) as response,
    ):
        assert response.headers["Content-Encoding"] == "deflate"
        assert await response.read() == b"deflate me " * 1000
    async with (
        ClientSession(auto_decompress=False) as session,
        session.get(
            aioweb_url / "deflated", headers={"Accept-Encoding": "deflate"}
        ) as response,
    ):
        raw = await response.read()
    assert zlib.decompress(raw) == b"deflate me " * 1000


async def test_websocket_with_compression(aioweb_url: URL) -> None:
    async with ClientSession() as session:
        async with session.ws_connect(aioweb_url / "ws", compress=15) as ws:
            assert ws.compress == 15
            await ws.send_str("hello")
            assert await ws.receive_str(timeout=10) == "HELLO"
            payload = bytes(range(256)) * 1024
            await ws.send_bytes(payload)
            assert await ws.receive_bytes(timeout=10) == payload[::-1]
            await ws.close()
        assert ws.closed


async def test_many_concurrent_requests(aioweb_url: URL) -> None:
    async with ClientSession() as session:

        async def fetch(i: int) -> bytes:
            async with session.post(aioweb_url / "echo", data=b"%d" % i) as response:
                return await response.read()

        results = await asyncio.gather(*(fetch(i) for i in range(200)))
    assert results == [b"%d" % i for i in range(200)]
