"""WebSocketResponse against aiohttp's client and raw handshakes."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from aioweb import web


def _echo_app(**ws_kwargs: Any) -> web.Application:
    async def echo(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(**ws_kwargs)
        await ws.prepare(request)
        async for message in ws:
            if message.type == web.WSMsgType.TEXT:
                if message.data == "close":
                    await ws.close(code=4000, message=b"bye")
                else:
                    await ws.send_str(f"echo {message.data} {ws.protocol}")
            elif message.type == web.WSMsgType.BINARY:
                await ws.send_bytes(message.data[::-1])
        return ws

    app = web.Application()
    app.router.add_get("/ws", echo)
    return app


async def test_echo_text_binary_and_close(serve_app: Any) -> None:
    served = await serve_app(_echo_app())
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{served.url}/ws") as ws,
    ):
        await ws.send_str("hi")
        assert await ws.receive_str(timeout=5) == "echo hi None"
        await ws.send_bytes(b"abc")
        assert await ws.receive_bytes(timeout=5) == b"cba"
        await ws.send_str("close")
        message = await ws.receive(timeout=5)
        assert message.type == aiohttp.WSMsgType.CLOSE
        assert (message.data, message.extra) == (4000, "bye")


async def test_subprotocol_and_compression(serve_app: Any) -> None:
    served = await serve_app(_echo_app(protocols=("chat", "v2")))
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(
            f"{served.url}/ws", protocols=("v2", "chat"), compress=15
        ) as ws,
    ):
        assert ws.protocol == "v2"
        assert ws.compress == 15
        await ws.send_str("x" * 10000)
        assert await ws.receive_str(timeout=5) == "echo " + "x" * 10000 + " v2"


async def test_message_over_max_msg_size_closes_with_1009(serve_app: Any) -> None:
    served = await serve_app(_echo_app(max_msg_size=100))
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{served.url}/ws", compress=0) as ws,
    ):
        await ws.send_bytes(b"x" * 1000)
        message = await ws.receive(timeout=5)
        assert message.type == aiohttp.WSMsgType.CLOSE
        assert message.data == web.WSCloseCode.MESSAGE_TOO_BIG


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        pytest.param(b"GET /ws HTTP/1.1\r\nHost: x\r\n\r\n", 400, id="not-an-upgrade"),
        pytest.param(
            b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Version: 8\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
            426,
            id="old-version",
        ),
        pytest.param(
            b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            b"Sec-WebSocket-Key: short\r\n\r\n",
            400,
            id="bad-key",
        ),
    ],
)
async def test_bad_handshakes(
    serve_app: Any, raw: Any, request_bytes: bytes, status: int
) -> None:
    served = await serve_app(_echo_app())
    conn = await raw(served.port)
    await conn.send(request_bytes)
    response = await conn.read_response()
    assert response.status == status
    if status == 426:
        assert response.headers["Sec-WebSocket-Version"] == "13"


async def test_raw_handshake_and_frames_sent_with_it(serve_app: Any, raw: Any) -> None:
    served = await serve_app(_echo_app())
    conn = await raw(served.port)
    # A masked text frame "hi" sent in the same packet as the handshake.
    mask = b"\x01\x02\x03\x04"
    payload = bytes(b ^ mask[i % 4] for i, b in enumerate(b"hi"))
    await conn.send(
        b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        + b"\x81\x82"
        + mask
        + payload
    )
    response = await conn.read_response(head_only=True)
    assert response.status == 101
    assert response.headers["Sec-WebSocket-Accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    frame = await asyncio.wait_for(conn.reader.readexactly(2), 5)
    assert frame == b"\x81\x0c"
    assert await conn.reader.readexactly(12) == b"echo hi None"


async def test_close_before_prepare_is_refused() -> None:
    ws = web.WebSocketResponse()
    with pytest.raises(RuntimeError):
        await ws.close()
    assert repr(ws) == "<WebSocketResponse open>"


async def test_heartbeat_pings(serve_app: Any) -> None:
    served = await serve_app(_echo_app(heartbeat=0.1, autoping=True))
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{served.url}/ws", autoping=False) as ws,
    ):
        message = await ws.receive(timeout=5)
        assert message.type == aiohttp.WSMsgType.PING
        await ws.pong(message.data)
        await ws.send_str("still here")
        reply = await ws.receive(timeout=5)
        while reply.type == aiohttp.WSMsgType.PING:
            await ws.pong(reply.data)
            reply = await ws.receive(timeout=5)
        assert reply.data == "echo still here None"
