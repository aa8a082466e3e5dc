"""Graceful shutdown: stop accepting, on_shutdown, wait for handlers, cleanup."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from aioweb import web
from aioweb.testkit import RawConnection, get_unused_port_socket


async def _started(app: web.Application, **kwargs: Any) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, **kwargs)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, runner.addresses[0][1]


async def test_shutdown_waits_for_an_in_flight_handler(raw: Any) -> None:
    events: list[str] = []
    started = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        started.set()
        await asyncio.sleep(0.3)
        events.append("handler done")
        return web.Response(text="finished")

    async def on_shutdown(app: web.Application) -> None:
        events.append("on_shutdown")

    async def on_cleanup(app: web.Application) -> None:
        events.append("on_cleanup")

    app = web.Application()
    app.router.add_get("/", slow)
    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)
    runner, port = await _started(app, shutdown_timeout=5)
    conn = await raw(port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await started.wait()
    cleanup = asyncio.create_task(runner.cleanup())
    response = await conn.read_response()
    assert (response.status, response.body) == (200, b"finished")
    assert response.headers["Connection"] == "close"
    assert await conn.at_eof()
    await cleanup
    assert events == ["on_shutdown", "handler done", "on_cleanup"]


async def test_shutdown_stops_accepting_new_connections(raw: Any) -> None:
    app = web.Application()
    runner, port = await _started(app)
    await runner.cleanup()
    with pytest.raises(OSError):
        await raw(port)


async def test_idle_keep_alive_connection_closes_at_shutdown(raw: Any) -> None:
    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", ok)
    runner, port = await _started(app)
    conn = await raw(port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await conn.read_response()
    await asyncio.wait_for(runner.cleanup(), 5)
    assert await conn.at_eof()


async def test_handler_past_the_timeout_is_cancelled(raw: Any) -> None:
    cancelled = asyncio.Event()
    started = asyncio.Event()

    async def forever(request: web.Request) -> web.Response:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return web.Response()

    app = web.Application()
    app.router.add_get("/", forever)
    runner, port = await _started(app, shutdown_timeout=0.2)
    conn = await raw(port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await started.wait()
    await asyncio.wait_for(runner.cleanup(), 5)
    assert cancelled.is_set()
    assert await conn.at_eof()


async def test_websocket_is_closed_with_going_away(raw: Any) -> None:
    import aiohttp

    opened = asyncio.Event()

    async def ws_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        opened.set()
        async for _ in ws:
            pass
        return ws

    app = web.Application()
    app.router.add_get("/ws", ws_handler)
    runner, port = await _started(app, shutdown_timeout=5)
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"http://127.0.0.1:{port}/ws") as ws,
    ):
        await opened.wait()
        cleanup = asyncio.create_task(runner.cleanup())
        message = await ws.receive(timeout=5)
        assert message.type == aiohttp.WSMsgType.CLOSE
        assert message.data == web.WSCloseCode.GOING_AWAY
        await cleanup


async def test_runner_and_site_guards() -> None:
    app = web.Application()
    runner = web.AppRunner(app)
    with pytest.raises(RuntimeError):
        web.TCPSite(runner, "127.0.0.1", 0)
    with pytest.raises(TypeError):
        web.AppRunner(object())  # type: ignore[arg-type]
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    assert site.name == "http://127.0.0.1:0"
    await site.start()
    assert runner.sites == {site}
    with pytest.raises(RuntimeError):
        await site.start()
    await runner.cleanup()
    assert runner.server is None and runner.sites == set()


async def test_sock_and_unix_sites(
    tmp_path: Any, aioweb_raw_client: Callable[..., Awaitable[RawConnection]]
) -> None:
    async def ok(request: web.Request) -> web.Response:
        return web.Response(text=request.path)

    app = web.Application()
    app.router.add_get("/{x}", ok)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = get_unused_port_socket()
    port = sock.getsockname()[1]
    sock_site = web.SockSite(runner, sock)
    path = str(tmp_path / "s.sock")
    unix_site = web.UnixSite(runner, path)
    await sock_site.start()
    await unix_site.start()
    try:
        assert sock_site.name == f"http://127.0.0.1:{port}"
        assert unix_site.name == f"http://unix:{path}:"
        conn = await aioweb_raw_client(port)
        await conn.send(b"GET /tcp HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert (await conn.read_response()).body == b"/tcp"
        reader, writer = await asyncio.open_unix_connection(path)
        writer.write(b"GET /unix HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert (await reader.read()).endswith(b"/unix")
        writer.close()
        await writer.wait_closed()
    finally:
        await runner.cleanup()
        sock.close()
