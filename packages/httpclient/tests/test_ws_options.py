"""ws_connect's ``autoclose=False`` and per-message ``compress=``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from yarl import URL

from aioweb import web
from aioweb.client import ClientSession
from aioweb.protocol import WSMsgType
from aioweb.testkit import FakeServerFactory

Start = Callable[[web.Application], Awaitable[URL]]
TEXT = "compress me " * 500


async def test_autoclose_false_leaves_the_answer_to_close(app_server: Start) -> None:
    seen: asyncio.Future[tuple[bool, int | None]] = (
        asyncio.get_running_loop().create_future()
    )

    async def closer(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.receive()  # the client's go-ahead
        # close() waits for the client's Close frame and keeps its code.
        closed = await ws.close(code=4003, message=b"server done")
        seen.set_result((closed, ws.close_code))
        return ws

    app = web.Application()
    app.router.add_get("/ws", closer)
    base = await app_server(app)
    async with (
        ClientSession() as session,
        session.ws_connect(base / "ws", autoclose=False) as ws,
    ):
        await ws.send_str("go")
        message = await ws.receive(timeout=5)
        assert message.type is WSMsgType.CLOSE
        assert (message.data, message.extra) == (4003, "server done")
        assert not ws.closed
        assert ws.close_code == 4003
        # No automatic answer: the server is still waiting.
        await asyncio.sleep(0.1)
        assert not seen.done()
        assert await ws.close(code=4009) is True
        assert await asyncio.wait_for(seen, 5) == (True, 4009)
        assert ws.closed


async def test_autoclose_answers_by_default(app_server: Start) -> None:
    seen: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()

    async def closer(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.receive()
        await ws.close(code=4003)
        seen.set_result(ws.close_code)
        return ws

    app = web.Application()
    app.router.add_get("/ws", closer)
    base = await app_server(app)
    async with ClientSession() as session, session.ws_connect(base / "ws") as ws:
        await ws.send_str("go")
        message = await ws.receive(timeout=5)
        assert message.type is WSMsgType.CLOSE
        # The echo of the server's own code went back at once.
        assert await asyncio.wait_for(seen, 5) == 4003
        assert ws.closed


async def test_compress_per_message(fake_server: FakeServerFactory) -> None:
    # The fake server accepts permessage-deflate, records each frame as it
    # came (its RSV1 bit, its payload still compressed), answers nothing.
    server = await fake_server.websocket(lambda message: None, deflate=True)
    async with ClientSession() as session:
        ws = await session.ws_connect(server.url, compress=15)
        assert ws.compress == 15
        await ws.send_str(TEXT, compress=0)
        await ws.send_str(TEXT)
        await ws.send_bytes(TEXT.encode(), compress=0)
        await ws.send_bytes(TEXT.encode(), compress=10)
        await ws.send_json({"text": TEXT}, compress=0)
        await server.wait_for_messages(5)
        frames = [(f.rsv1, len(f.payload)) for f in server.frames]
        uncompressed = len(TEXT)
        assert frames[0] == (False, uncompressed)
        assert frames[1][0] and frames[1][1] < uncompressed // 10
        assert frames[2] == (False, uncompressed)
        assert frames[3][0] and frames[3][1] < uncompressed // 10
        assert frames[4][0] is False and frames[4][1] > uncompressed
        with pytest.raises(ValueError, match="compress"):
            await ws.send_str("x", compress=16)
        await ws.close()
    # What was compressed inflates to what was sent.
    assert server.messages[:4] == [TEXT, TEXT, TEXT.encode(), TEXT.encode()]
