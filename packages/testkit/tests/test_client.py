"""TestClient against TestServer and RawTestServer."""

from __future__ import annotations

import asyncio

import pytest

from aioweb import web
from aioweb.client import ClientSession, DummyCookieJar
from aioweb.testkit import RawTestServer, TestClient, TestServer


async def echo(request: web.Request) -> web.Response:
    body = await request.text()
    return web.Response(
        text=f"{request.method} {request.path_qs} {body}",
        headers={"X-Seen": request.headers.get("X-Test", "-")},
    )


async def big(request: web.Request) -> web.Response:
    # Larger than the socket buffers: unread, it keeps its connection busy.
    return web.Response(body=b"x" * (8 << 20))


async def login(request: web.Request) -> web.Response:
    response = web.Response(text="in")
    response.set_cookie("sid", "s3cr3t")
    return response


async def whoami(request: web.Request) -> web.Response:
    return web.Response(text=request.cookies.get("sid", "nobody"))


async def upper(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for message in ws:
        await ws.send_str(message.data.upper())
    return ws


def make_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/big", big)
    app.router.add_get("/login", login)
    app.router.add_get("/whoami", whoami)
    app.router.add_get("/ws", upper)
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


async def test_every_verb_on_relative_paths() -> None:
    async with TestClient(TestServer(make_app())) as client:
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            call = getattr(client, method.lower())
            async with call("/v?x=1", data="b") as resp:
                assert resp.status == 200
                assert await resp.text() == f"{method} /v?x=1 b"
        async with client.request("PROPFIND", "/dav") as resp:
            assert await resp.text() == "PROPFIND /dav "
        async with client.head("/h") as resp:
            assert resp.status == 200
            assert await resp.read() == b""


async def test_properties() -> None:
    app = make_app()
    server = TestServer(app)
    client = TestClient(server)
    try:
        await client.start_server()
        assert client.server is server and client.app is app
        assert client.host == "127.0.0.1" and client.port == server.port
        assert client.scheme == "http"
        assert isinstance(client.session, ClientSession)
        assert client.make_url("/p") == server.make_url("/p")
        assert not client.closed
    finally:
        await client.close()
    assert client.closed and server.closed and client.session.closed


async def test_session_arguments() -> None:
    async with TestClient(TestServer(make_app()), headers={"X-Test": "t"}) as client:
        resp = await client.get("/")
        assert resp.headers["X-Seen"] == "t"


async def test_cookies_of_an_ip_host_are_kept() -> None:
    async with TestClient(TestServer(make_app())) as client:
        await (await client.get("/login")).release()
        assert await (await client.get("/whoami")).text() == "s3cr3t"


async def test_a_given_cookie_jar_is_used() -> None:
    server = TestServer(make_app())
    async with TestClient(server, cookie_jar=DummyCookieJar()) as client:
        await (await client.get("/login")).release()
        assert await (await client.get("/whoami")).text() == "nobody"


async def test_close_closes_responses_and_websockets_left_open() -> None:
    client = TestClient(TestServer(make_app()))
    await client.start_server()
    try:
        unread = await client.get("/big")
        ws = await client.ws_connect("/ws")
        await ws.send_str("a")
        assert (await ws.receive()).data == "A"
        await asyncio.sleep(0.05)
        assert len(client.server.handler.connections) == 2
    finally:
        await client.close()
    assert unread.closed and ws.closed
    assert client.server.closed


async def test_websocket_closed_on_exit() -> None:
    async with TestClient(TestServer(make_app())) as client:
        async with client.ws_connect("/ws") as ws:
            await ws.send_str("b")
            assert (await ws.receive()).data == "B"
        assert ws.closed


async def test_raw_server() -> None:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(text=request.path)

    async with TestClient(RawTestServer(handler)) as client:
        assert client.app is None
        assert await (await client.get("/raw")).text() == "/raw"


async def test_only_a_test_server() -> None:
    with pytest.raises(TypeError, match="TestServer or RawTestServer"):
        TestClient(make_app())  # type: ignore[arg-type]


async def test_close_twice() -> None:
    client = TestClient(TestServer(make_app()))
    await client.start_server()
    await client.close()
    await client.close()
    assert client.closed
