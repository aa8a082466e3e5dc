"""Tracing signals fired by a session, in order, with their parameters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import pytest
from yarl import URL

from aioweb import web
from aioweb.client import ClientConnectorError, ClientSession, TraceConfig

Start = Callable[[web.Application], Awaitable[URL]]

SIGNALS = (
    "on_request_start",
    "on_request_headers_sent",
    "on_request_chunk_sent",
    "on_response_chunk_received",
    "on_request_end",
    "on_request_exception",
    "on_connection_queued_start",
    "on_connection_queued_end",
    "on_connection_create_start",
    "on_connection_create_end",
    "on_connection_reuseconn",
    "on_dns_resolvehost_start",
    "on_dns_resolvehost_end",
    "on_dns_cache_hit",
    "on_dns_cache_miss",
)


def _recording() -> tuple[TraceConfig, list[tuple[str, Any]]]:
    events: list[tuple[str, Any]] = []
    config = TraceConfig()
    for name in SIGNALS:

        async def handler(
            session: ClientSession,
            ctx: SimpleNamespace,
            params: Any,
            name: str = name,
        ) -> None:
            events.append((name, params))
            ctx.seen = True

        getattr(config, name).append(handler)
    return config, events


@pytest.fixture
async def base(app_server: Start) -> URL:
    app = web.Application()

    async def echo(request: web.Request) -> web.Response:
        return web.Response(body=await request.read())

    app.router.add_route("*", "/", echo)
    return await app_server(app)


async def test_signals_of_a_request_and_a_reuse(base: URL) -> None:
    config, events = _recording()
    async with ClientSession(trace_configs=[config]) as session:
        async with session.post(base, data=b"hello") as resp:
            assert await resp.read() == b"hello"
        first = [name for name, _ in events]
        events.clear()
        async with session.get(base.with_host("localhost")) as resp:
            await resp.read()
        events.clear()
        async with session.get(base) as resp:
            await resp.read()
        second = [name for name, _ in events]
    assert first == [
        "on_request_start",
        "on_connection_create_start",
        "on_connection_create_end",
        "on_request_headers_sent",
        "on_request_chunk_sent",
        # the request ends with the response head, as in aiohttp
        "on_request_end",
        "on_response_chunk_received",
    ]
    assert second == [
        "on_request_start",
        "on_connection_reuseconn",
        "on_request_headers_sent",
        "on_request_end",
        "on_response_chunk_received",
    ]


async def test_dns_signals_for_a_name(base: URL) -> None:
    config, events = _recording()
    url = base.with_host("localhost")
    async with ClientSession(trace_configs=[config]) as session:
        async with session.get(url) as resp:
            await resp.read()
        names = [name for name, _ in events]
        assert names.index("on_dns_cache_miss") < names.index(
            "on_dns_resolvehost_start"
        )
        assert "on_dns_resolvehost_end" in names
    start = next(p for n, p in events if n == "on_request_start")
    assert start.method == "GET"
    assert start.url == url
    end = next(p for n, p in events if n == "on_request_end")
    assert end.response.status == 200


async def test_exception_signal_and_trace_request_ctx(
    aioweb_unused_port: Callable[[], int],
) -> None:
    unused_tcp_port = aioweb_unused_port()
    config, events = _recording()
    contexts: list[Any] = []

    async def on_start(session: Any, ctx: SimpleNamespace, params: Any) -> None:
        contexts.append(ctx.trace_request_ctx)

    config.on_request_start.append(on_start)
    async with ClientSession(trace_configs=[config]) as session:
        with pytest.raises(ClientConnectorError):
            await session.get(
                f"http://127.0.0.1:{unused_tcp_port}/", trace_request_ctx={"id": 7}
            )
    names = [name for name, _ in events]
    assert names[-1] == "on_request_exception"
    assert isinstance(events[-1][1].exception, ClientConnectorError)
    assert contexts == [{"id": 7}]
