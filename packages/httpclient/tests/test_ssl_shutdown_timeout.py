"""``ssl_shutdown_timeout``: passed to the loop, and how the connector closes."""

from __future__ import annotations

import asyncio
import ssl
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
from yarl import URL

from aioweb import web
from aioweb.client import ClientSession, TCPConnector

Certs = tuple[ssl.SSLContext, ssl.SSLContext, bytes]
needs_loop_option = pytest.mark.skipif(
    sys.version_info < (3, 11), reason="asyncio takes ssl_shutdown_timeout from 3.11"
)


@pytest.fixture
async def tls_url(certificates: Certs) -> AsyncIterator[URL]:
    app = web.Application()

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hello")

    app.router.add_get("/", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=certificates[0])
    await site.start()
    yield URL.build(scheme="https", host="localhost", port=runner.addresses[0][1])
    await runner.cleanup()


@pytest.fixture
async def loop_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The keyword arguments of each ``loop.create_connection`` call."""
    loop = asyncio.get_running_loop()
    calls: list[dict[str, Any]] = []
    original = loop.create_connection

    async def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return await original(*args, **kwargs)

    monkeypatch.setattr(loop, "create_connection", recording)
    return calls


@needs_loop_option
@pytest.mark.parametrize("via", ["connector", "session"])
async def test_a_positive_timeout_reaches_the_loop(
    tls_url: URL, certificates: Certs, loop_calls: list[dict[str, Any]], via: str
) -> None:
    client_context = certificates[1]
    if via == "connector":
        session = ClientSession(
            connector=TCPConnector(ssl=client_context, ssl_shutdown_timeout=2.5)
        )
    else:
        session = ClientSession(ssl_shutdown_timeout=2.5)
    async with session, session.get(tls_url, ssl=client_context) as resp:
        assert await resp.text() == "hello"
        assert resp.connection is None or not resp.connection.closed
    [call] = loop_calls
    assert call["ssl_shutdown_timeout"] == 2.5
    assert session.connector is None


async def test_plain_http_and_the_default_pass_nothing(
    tls_url: URL,
    certificates: Certs,
    loop_calls: list[dict[str, Any]],
    aioweb_server: Any,
) -> None:
    client_context = certificates[1]
    async with (
        ClientSession() as session,
        session.get(tls_url, ssl=client_context) as resp,
    ):
        assert resp.status == 200
    app = web.Application()

    async def plain(request: web.Request) -> web.Response:
        return web.Response(text="plain")

    app.router.add_get("/", plain)
    server = await aioweb_server(app)
    if sys.version_info < (3, 11):
        # asyncio has no such option before 3.11: the connector says so.
        with pytest.warns(RuntimeWarning, match="ignored before Python 3.11"):
            connector = TCPConnector(ssl_shutdown_timeout=2.5)
    else:
        connector = TCPConnector(ssl_shutdown_timeout=2.5)
    async with (
        ClientSession(connector=connector) as session,
        session.get(server.make_url("/")) as resp,
    ):
        assert await resp.text() == "plain"
    assert [("ssl_shutdown_timeout" in call) for call in loop_calls] == [False] * 2


def test_a_negative_timeout_is_refused() -> None:
    async def make() -> None:
        TCPConnector(ssl_shutdown_timeout=-1)

    with pytest.raises(ValueError, match="ssl_shutdown_timeout"):
        asyncio.run(make())


@pytest.mark.parametrize(("timeout", "aborted"), [(0, True), (None, False)])
async def test_close_aborts_tls_at_once_with_zero(
    tls_url: URL, certificates: Certs, timeout: float | None, aborted: bool
) -> None:
    connector = TCPConnector(ssl=certificates[1], ssl_shutdown_timeout=timeout)
    assert connector.ssl_shutdown_timeout == timeout
    async with ClientSession(connector=connector) as session:
        async with session.get(tls_url) as resp:
            assert await resp.text() == "hello"
        [idle] = connector._idle.values()
        [(protocol, _)] = idle
        transport = protocol.transport
        assert transport is not None
        aborts: list[int] = []
        original_abort = transport.abort

        def abort() -> None:
            aborts.append(1)
            original_abort()

        transport.abort = abort  # type: ignore[method-assign]
    # With 0 the TLS connection is cut without waiting for the closing
    # alerts; by default it closes gracefully within the grace period.
    assert bool(aborts) is aborted
    assert protocol.closed.done()
