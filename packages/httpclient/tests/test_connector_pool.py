"""The connection pool: limits, queueing, keep-alive expiry, closing."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Awaitable, Callable

import pytest
from yarl import URL

from aioweb import web
from aioweb.client import (
    ClientSession,
    TCPConnector,
    TraceConfig,
    UnixClientConnectorError,
    UnixConnector,
)

Start = Callable[[web.Application], Awaitable[URL]]


@pytest.fixture
async def gated(app_server: Start) -> tuple[URL, asyncio.Event, list[int]]:
    release = asyncio.Event()
    active: list[int] = [0, 0]  # now, most at once
    app = web.Application()

    async def slow(request: web.Request) -> web.Response:
        active[0] += 1
        active[1] = max(active[1], active[0])
        await release.wait()
        active[0] -= 1
        return web.Response(text="done")

    app.router.add_get("/", slow)
    return await app_server(app), release, active


async def test_limit_queues_requests(
    gated: tuple[URL, asyncio.Event, list[int]],
) -> None:
    url, release, active = gated
    queued: list[str] = []

    async def on_queued(session: object, ctx: object, params: object) -> None:
        queued.append("queued")

    config = TraceConfig()
    config.on_connection_queued_start.append(on_queued)
    connector = TCPConnector(limit=2)
    async with ClientSession(connector=connector, trace_configs=[config]) as session:

        async def fetch() -> str:
            async with session.get(url) as resp:
                return await resp.text()

        tasks = [asyncio.ensure_future(fetch()) for _ in range(5)]
        await asyncio.sleep(0.2)
        assert active[0] == 2
        release.set()
        assert await asyncio.gather(*tasks) == ["done"] * 5
    assert active[1] == 2
    assert len(queued) == 3


async def test_limit_per_host(gated: tuple[URL, asyncio.Event, list[int]]) -> None:
    url, release, active = gated
    connector = TCPConnector(limit=0, limit_per_host=1)
    assert connector.limit == 0 and connector.limit_per_host == 1
    async with ClientSession(connector=connector) as session:
        tasks = [asyncio.ensure_future(session.get(url)) for _ in range(3)]
        await asyncio.sleep(0.2)
        assert active[0] == 1
        release.set()
        for resp in await asyncio.gather(*tasks):
            assert await resp.text() == "done"


async def test_keepalive_timeout_closes_idle_connections(app_server: Start) -> None:
    app = web.Application()

    async def peer(request: web.Request) -> web.Response:
        return web.Response(text=str(request.transport.get_extra_info("peername")[1]))  # type: ignore[union-attr]

    app.router.add_get("/", peer)
    url = await app_server(app)
    connector = TCPConnector(keepalive_timeout=0.1)
    async with ClientSession(connector=connector) as session:
        first = await (await session.get(url)).text()
        assert await (await session.get(url)).text() == first
        await asyncio.sleep(0.3)
        assert connector._idle == {}
        assert await (await session.get(url)).text() != first


def test_force_close_with_keepalive_is_refused() -> None:
    async def make() -> None:
        TCPConnector(force_close=True, keepalive_timeout=3)

    with pytest.raises(ValueError, match="keepalive_timeout"):
        asyncio.run(make())


async def test_closing_the_connector_closes_connections_in_use(
    gated: tuple[URL, asyncio.Event, list[int]],
) -> None:
    url, release, _ = gated
    connector = TCPConnector()
    session = ClientSession(connector=connector)
    task = asyncio.ensure_future(session.get(url))
    await asyncio.sleep(0.1)
    await session.close()
    assert connector.closed
    with pytest.raises(Exception):  # noqa: B017 - disconnected, any client error
        await task
    release.set()


async def test_unix_connector() -> None:
    app = web.Application()

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text=f"unix {request.host}")

    app.router.add_get("/", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "s.sock")
        site = web.UnixSite(runner, path)
        await site.start()
        try:
            async with (
                ClientSession(connector=UnixConnector(path)) as session,
                session.get("http://any.host/") as resp,
            ):
                assert await resp.text() == "unix any.host"
            missing = UnixConnector(os.path.join(directory, "missing.sock"))
            async with ClientSession(connector=missing) as session:
                with pytest.raises(UnixClientConnectorError):
                    await session.get("http://any.host/")
        finally:
            await runner.cleanup()


async def test_socket_factory_local_addr_and_happy_eyeballs(app_server: Start) -> None:
    import socket

    app = web.Application()

    async def peer(request: web.Request) -> web.Response:
        return web.Response(text=request.remote or "")

    app.router.add_get("/", peer)
    url = await app_server(app)
    made: list[socket.socket] = []

    def factory(addr_info: tuple) -> socket.socket:  # type: ignore[type-arg]
        family, kind, proto, _, _ = addr_info
        sock = socket.socket(family, kind, proto)
        made.append(sock)
        return sock

    connector = TCPConnector(
        socket_factory=factory,
        local_addr=("127.0.0.1", 0),
        happy_eyeballs_delay=0.1,
        interleave=1,
    )
    async with (
        ClientSession(connector=connector) as session,
        session.get(url) as resp,
    ):
        assert await resp.text() == "127.0.0.1"
    assert made


async def test_resolver_failure_is_a_dns_error() -> None:
    from aioweb.client import AbstractResolver, ClientConnectorDNSError

    class Failing(AbstractResolver):
        async def resolve(self, host: str, port: int = 0, family: int = 0) -> list:  # type: ignore[override,type-arg]
            raise OSError(-2, "Name or service not known")

        async def close(self) -> None:
            pass

    async with ClientSession(connector=TCPConnector(resolver=Failing())) as session:
        with pytest.raises(ClientConnectorDNSError) as info:
            await session.get("http://no-such-host.test/")
    assert info.value.host == "no-such-host.test"


async def test_head_and_small_body_leave_in_one_write(app_server: Start) -> None:
    import socket

    app = web.Application()

    async def echo(request: web.Request) -> web.Response:
        return web.Response(body=await request.read())

    app.router.add_post("/", echo)
    url = await app_server(app)
    sends: list[bytes] = []

    class CountingSocket(socket.socket):
        def send(self, data: bytes, flags: int = 0) -> int:  # type: ignore[override]
            sends.append(bytes(data))
            return super().send(data, flags)

    def factory(addr_info: tuple) -> socket.socket:  # type: ignore[type-arg]
        family, kind, proto, _, _ = addr_info
        return CountingSocket(family, kind, proto)

    async with (
        ClientSession(connector=TCPConnector(socket_factory=factory)) as session,
        session.post(url, data=b"small body") as resp,
    ):
        assert await resp.read() == b"small body"
    assert len(sends) == 1
    assert sends[0].startswith(b"POST / HTTP/1.1\r\n")
    assert sends[0].endswith(b"\r\n\r\nsmall body")


async def test_unclosed_connector_with_connections_warns(app_server: Start) -> None:
    app = web.Application()

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hi")

    app.router.add_get("/", hello)
    url = await app_server(app)
    connector = TCPConnector()
    session = ClientSession(connector=connector, connector_owner=False)
    async with session.get(url) as resp:
        await resp.read()
    await session.close()
    assert not connector.closed
    with pytest.warns(ResourceWarning, match="Unclosed connector"):
        connector.__del__()
    await connector.close()
    # An idle, empty connector has nothing to report.
    empty = TCPConnector()
    empty.__del__()
    await empty.close()


async def test_tcp_nodelay_is_set(app_server: Start) -> None:
    import socket

    app = web.Application()

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hi")

    app.router.add_get("/", hello)
    url = await app_server(app)
    async with ClientSession() as session:
        async with session.get(url) as resp:
            await resp.read()
        connector = session.connector
        assert isinstance(connector, TCPConnector)
        [(protocol, _)] = [entry for idle in connector._idle.values() for entry in idle]
        assert protocol.transport is not None
        sock = protocol.transport.get_extra_info("socket")
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
