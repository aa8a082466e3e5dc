"""ws_connect against aioweb's WebSocket server and aioweb-testkit's fake ones."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import pytest
from yarl import URL

from aioweb import web
from aioweb.client import ClientSession, WSServerHandshakeError
from aioweb.client.timeout import ClientWSTimeout
from aioweb.protocol import WSCloseCode, WSMsgType
from aioweb.testkit import End, FakeServerFactory, RawReply, RecordedRequest
from aioweb.web import WSMsgType as PeerMsgType

Start = Callable[[web.Application], Awaitable[URL]]


def _app() -> web.Application:
    app = web.Application()

    async def echo(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(protocols=("chat",))
        await ws.prepare(request)
        async for msg in ws:
            if msg.type == PeerMsgType.TEXT:
                if msg.data == "close":
                    await ws.close(code=4000, message=b"asked")
                else:
                    await ws.send_str("echo:" + msg.data)
            elif msg.type == PeerMsgType.BINARY:
                await ws.send_bytes(msg.data[::-1])
        return ws

    async def plain(request: web.Request) -> web.Response:
        return web.Response(text="not a websocket")

    app.router.add_get("/ws", echo)
    app.router.add_get("/plain", plain)
    return app


@pytest.fixture
async def base(app_server: Start) -> URL:
    return await app_server(_app())


async def test_echo_text_binary_json_and_close(base: URL) -> None:
    async with ClientSession() as session:
        async with session.ws_connect(base.with_scheme("ws") / "ws") as ws:
            await ws.send_str("hi")
            assert await ws.receive_str() == "echo:hi"
            await ws.send_bytes(b"abc")
            assert await ws.receive_bytes() == b"cba"
            await ws.send_json({"a": 1})
            assert await ws.receive_str() == "echo:" + json.dumps({"a": 1})
        assert ws.closed
        assert ws.close_code == WSCloseCode.OK
        assert session.connector is not None
        assert session.connector._acquired == set()


async def test_subprotocol_and_compression(base: URL) -> None:
    async with (
        ClientSession() as session,
        session.ws_connect(base / "ws", protocols=("other", "chat"), compress=15) as ws,
    ):
        assert ws.protocol == "chat"
        assert ws.compress == 15
        await ws.send_str("x" * 1000)
        assert await ws.receive_str() == "echo:" + "x" * 1000


async def test_server_close_is_seen(base: URL) -> None:
    async with ClientSession() as session:
        ws = await session.ws_connect(base / "ws")
        await ws.send_str("close")
        msg = await ws.receive()
        assert msg.type is WSMsgType.CLOSE
        assert msg.data == 4000
        assert msg.extra == "asked"
        msg = await ws.receive()
        assert msg.type is WSMsgType.CLOSED
        assert ws.close_code == 4000
        await ws.close()


async def test_refused_handshake(base: URL) -> None:
    async with ClientSession() as session:
        with pytest.raises(WSServerHandshakeError) as info:
            await session.ws_connect(base / "plain")
        assert info.value.status == 200
        assert session.connector is not None
        assert session.connector._acquired == set()


async def test_bytes_right_after_the_101_are_kept(
    fake_server: FakeServerFactory,
) -> None:
    from aioweb.websocket import compute_accept

    def upgrade_and_greet(request: RecordedRequest) -> RawReply:
        # The 101 and a first text frame ("hey") in one write; then silence,
        # so our Close is never answered.
        accept = compute_accept(request.headers["Sec-WebSocket-Key"])
        return RawReply(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: "
            + accept.encode()
            + b"\r\n\r\n\x81\x03hey",
            end=End.HANG,
        )

    server = await fake_server(upgrade_and_greet)
    async with ClientSession() as session:
        ws = await session.ws_connect(server.url, timeout=ClientWSTimeout(ws_close=0.2))
        assert await ws.receive_str() == "hey"
        # The peer never answers our Close: the wait is bounded by ws_close.
        await ws.close()
        assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE


async def test_heartbeat_without_pong_is_a_server_timeout(
    fake_server: FakeServerFactory,
) -> None:
    from aioweb.client import ServerTimeoutError

    server = await fake_server.websocket(answer_pings=False)
    async with ClientSession() as session:
        ws = await session.ws_connect(server.url, heartbeat=0.1)
        msg = await asyncio.wait_for(ws.receive(), 5)
        assert msg.type is WSMsgType.ERROR
        assert isinstance(msg.data, ServerTimeoutError)
        assert ws.closed
        assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
        assert session.connector is not None
        assert session.connector._acquired == set()
    assert server.pings, "the heartbeat pinged the server"
