"""TestServer and RawTestServer, observed through raw asyncio streams."""

from __future__ import annotations

import asyncio
import socket
import ssl

import pytest
from yarl import URL

from aioweb import web
from aioweb.testkit import RawTestServer, TestServer, TLSCertificates, unused_port


async def fetch(
    host: str, port: int, target: str, *, ssl_context: ssl.SSLContext | None = None
) -> bytes:
    reader, writer = await asyncio.open_connection(host, port, ssl=ssl_context)
    writer.write(
        f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    )
    try:
        return await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
        await writer.wait_closed()


def refused(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.connect(("127.0.0.1", port))
        except ConnectionRefusedError:
            return True
    return False


def make_app(events: list[str] | None = None) -> web.Application:
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text=f"hello {request.path_qs}")

    app = web.Application()
    app.router.add_get("/{tail:.*}", hello)
    if events is not None:

        async def started(app: web.Application) -> None:
            events.append("startup")

        async def cleaned(app: web.Application) -> None:
            events.append("cleanup")

        app.on_startup.append(started)
        app.on_cleanup.append(cleaned)
    return app


async def test_serves_the_application_and_cleans_it_up() -> None:
    events: list[str] = []
    server = TestServer(make_app(events))
    assert not server.started and not server.closed
    async with server:
        assert server.started and events == ["startup"]
        assert server.scheme == "http" and server.host == "127.0.0.1"
        assert isinstance(server.port, int) and server.port > 0
        assert server.app is not None
        data = await fetch(server.host, server.port, "/x?y=1")
        assert data.startswith(b"HTTP/1.1 200 OK") and data.endswith(b"hello /x?y=1")
    assert server.closed and events == ["startup", "cleanup"]
    assert refused(server.port)


async def test_make_url() -> None:
    async with TestServer(make_app()) as server:
        root = f"http://127.0.0.1:{server.port}"
        assert server.make_url("/a/b?c=d") == URL(f"{root}/a/b?c=d")
        strict = TestServer(make_app(), skip_url_asserts=False)
        async with strict:
            assert strict.make_url("/p") == URL(f"http://127.0.0.1:{strict.port}/p")
            with pytest.raises(ValueError, match="must be relative"):
                strict.make_url("http://example.com/p")


async def test_make_url_before_start_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        TestServer(make_app()).make_url("/")
    with pytest.raises(RuntimeError, match="not started"):
        TestServer(make_app()).handler  # noqa: B018


async def test_given_port_and_runner_arguments() -> None:
    port = unused_port()
    async with TestServer(make_app(), port=port, shutdown_timeout=1) as server:
        assert server.port == port
        assert server.runner is not None
        assert server.handler is server.runner.server


async def test_start_twice_is_a_no_op_and_restart_after_close_fails() -> None:
    server = TestServer(make_app())
    await server.start_server()
    port = server.port
    await server.start_server()
    assert server.port == port
    await server.close()
    await server.close()
    with pytest.raises(RuntimeError, match="cannot start again"):
        await server.start_server()


def test_only_an_application() -> None:
    with pytest.raises(TypeError, match="Application"):
        TestServer(object())  # type: ignore[arg-type]


async def test_failing_startup_still_closes() -> None:
    app = web.Application()

    async def broken(app: web.Application) -> None:
        raise LookupError("no database")

    app.on_startup.append(broken)
    server = TestServer(app)
    with pytest.raises(LookupError):
        await server.start_server()
    await server.close()
    assert server.closed


async def test_raw_server() -> None:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(text=f"{request.method} {request.path}")

    async with RawTestServer(handler) as server:
        assert server.app is None
        data = await fetch(server.host, server.port, "/raw")
        assert data.endswith(b"GET /raw")
    assert refused(server.port)


async def test_raw_server_passes_server_arguments() -> None:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(text="x")

    async with RawTestServer(handler, max_line_size=64, shutdown_timeout=1) as server:
        data = await fetch(server.host, server.port, "/" + "a" * 200)
        assert data.startswith(b"HTTP/1.1 414")


async def test_tls(aioweb_tls_certificates: TLSCertificates) -> None:
    async with TestServer(
        make_app(), ssl=aioweb_tls_certificates.server_context()
    ) as server:
        assert server.scheme == "https"
        assert str(server.make_url("/")).startswith("https://127.0.0.1:")
        data = await fetch(
            server.host,
            server.port,
            "/tls",
            ssl_context=aioweb_tls_certificates.client_context(),
        )
        assert data.endswith(b"hello /tls")


async def test_a_handler_is_cancelled_when_its_client_goes() -> None:
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def stuck(request: web.BaseRequest) -> web.StreamResponse:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        raise AssertionError("not reached")

    async with RawTestServer(stuck) as server:
        _reader, writer = await asyncio.open_connection(server.host, server.port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.wait_for(started.wait(), 5)
        writer.close()
        await writer.wait_closed()
        await asyncio.wait_for(cancelled.wait(), 5)
