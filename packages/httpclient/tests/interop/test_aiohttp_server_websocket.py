"""The client's ``ws_connect`` against aiohttp's ``WebSocketResponse``.

Text and binary messages, a negotiated subprotocol, permessage-deflate
(RFC 7692) agreed or not, pings and pongs either way, and close codes from
either end, as the aiohttp server saw them too. aiohttp's own runner serves
the application (the ``aiohttp_server`` fixture).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import WSMsgType as AiohttpWSMsgType
from aiohttp import web as aw
from yarl import URL

from aioweb.client import ClientSession, WSMsgType

pytestmark = pytest.mark.interop

#: One entry per WebSocket the server saw end: (close code, compress).
WS_ENDED: aw.AppKey[asyncio.Queue[tuple[int | None, int]]] = aw.AppKey("ws_ended")


async def websocket(request: aw.Request) -> aw.WebSocketResponse:
    ws = aw.WebSocketResponse(
        protocols=("chat.v1",), autoping=request.query.get("autoping") != "0"
    )
    await ws.prepare(request)
    async for message in ws:
        if message.type is AiohttpWSMsgType.TEXT:
            command, _, argument = message.data.partition(":")
            if command == "close":
                await ws.close(code=int(argument), message=b"bye")
            elif command == "ping":
                await ws.ping(argument.encode())
            else:
                await ws.send_str(message.data.upper())
        elif message.type is AiohttpWSMsgType.BINARY:
            await ws.send_bytes(message.data[::-1])
        elif message.type is AiohttpWSMsgType.PONG:  # only seen without autoping
            await ws.send_str("pong:" + message.data.decode())
    request.app[WS_ENDED].put_nowait((ws.close_code, int(ws.compress)))
    return ws


@pytest.fixture
async def aiohttp_app(
    aiohttp_server: Callable[[aw.Application], Awaitable[URL]],
) -> tuple[URL, aw.Application]:
    """The application (its ``WS_ENDED`` queue) and its base URL."""
    app = aw.Application()
    app[WS_ENDED] = asyncio.Queue()
    app.router.add_get("/ws", websocket)
    return await aiohttp_server(app), app


@pytest.fixture
def aiohttp_url(aiohttp_app: tuple[URL, aw.Application]) -> URL:
    return aiohttp_app[0]


async def test_websocket_text_binary_and_deflate(
    aiohttp_app: tuple[URL, aw.Application],
) -> None:
    url, app = aiohttp_app
    async with (
        ClientSession() as session,
        session.ws_connect(
            url / "ws", protocols=("chat.v2", "chat.v1"), compress=15
        ) as ws,
    ):
        assert ws.protocol == "chat.v1"
        assert ws.compress == 15  # permessage-deflate, window bits agreed
        await ws.send_str("hello ünicode")
        assert await ws.receive_str(timeout=10) == "HELLO ÜNICODE"
        payload = random.Random(5).randbytes(1 << 20)
        await ws.send_bytes(payload)
        assert await ws.receive_bytes(timeout=10) == payload[::-1]
        assert await ws.close(code=4002, message=b"done")
    assert await asyncio.wait_for(app[WS_ENDED].get(), 10) == (4002, 15)


async def test_websocket_without_compression(
    aiohttp_app: tuple[URL, aw.Application],
) -> None:
    url, app = aiohttp_app
    async with (
        ClientSession() as session,
        session.ws_connect(url / "ws") as ws,  # compress=0 by default, as aiohttp
    ):
        assert (ws.compress, ws.protocol) == (0, None)
        await ws.send_str("plain")
        assert await ws.receive_str(timeout=10) == "PLAIN"
    assert await asyncio.wait_for(app[WS_ENDED].get(), 10) == (1000, 0)


async def test_websocket_ping_and_pong(aiohttp_url: URL) -> None:
    async with ClientSession() as session:
        async with session.ws_connect(aiohttp_url / "ws", autoping=False) as ws:
            await ws.ping(b"from client")
            message = await ws.receive(timeout=10)
            assert (message.type, message.data) == (WSMsgType.PONG, b"from client")
            await ws.send_str("ping:from server")
            message = await ws.receive(timeout=10)
            assert (message.type, message.data) == (WSMsgType.PING, b"from server")
        # The client answers the server's ping by itself (autoping).
        url = (aiohttp_url / "ws").with_query(autoping=0)
        async with session.ws_connect(url) as ws:
            await ws.send_str("ping:answer me")
            assert await ws.receive_str(timeout=10) == "pong:answer me"


async def test_websocket_close_code_from_the_server(
    aiohttp_app: tuple[URL, aw.Application],
) -> None:
    url, app = aiohttp_app
    async with (
        ClientSession() as session,
        session.ws_connect(url / "ws", compress=15) as ws,
    ):
        await ws.send_str("close:4001")
        message = await ws.receive(timeout=10)
        assert (message.type, message.data, message.extra) == (
            WSMsgType.CLOSE,
            4001,
            "bye",
        )
        assert ws.closed
        assert ws.close_code == 4001
    assert await asyncio.wait_for(app[WS_ENDED].get(), 10) == (4001, 15)
