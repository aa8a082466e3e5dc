"""WebSocketResponse's ``autoclose=False`` and per-message ``compress=``,
seen on the wire by a raw client."""

from __future__ import annotations

import asyncio
from typing import Any

from aioweb import web
from aioweb.websocket import (
    Close,
    DeflateOptions,
    Role,
    Text,
    WebSocketProtocol,
    generate_key,
    request_headers,
)
from aioweb.websocket._implementation import FrameReader

TEXT = "compress me " * 500


async def _open(raw: Any, port: int, *, deflate: bool = False) -> Any:
    conn = await raw(port)
    key = generate_key()
    headers = request_headers(key, deflate=DeflateOptions() if deflate else None)
    await conn.send(
        (
            "GET /ws HTTP/1.1\r\nHost: x\r\n"
            + "".join(f"{name}: {value}\r\n" for name, value in headers)
            + "\r\n"
        ).encode()
    )
    response = await conn.read_response(head_only=True)
    assert response.status == 101
    return conn


async def _events(conn: Any, client: WebSocketProtocol, count: int) -> list[Any]:
    events: list[Any] = []
    while len(events) < count:
        data = await asyncio.wait_for(conn.reader.read(65536), 5)
        assert data, f"the server hung up after {events}"
        client.receive_data(data)
        events += list(client.events())
    return events


async def test_autoclose_false_answers_with_the_handlers_close(
    serve_app: Any, raw: Any
) -> None:
    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoclose=False)
        await ws.prepare(request)
        message = await ws.receive()
        assert message.type is web.WSMsgType.CLOSE
        assert not ws.closed
        await ws.send_str(f"saw {message.data} {message.extra}")
        assert await ws.close(code=4002, message="my answer") is True
        assert ws.close_code == message.data
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    served = await serve_app(app)
    conn = await _open(raw, served.port)
    client = WebSocketProtocol(Role.CLIENT)
    await conn.send(client.send_close(4001, "done"))
    # Had the server answered by itself, its echo of 4001 would come first.
    assert await _events(conn, client, 2) == [
        Text("saw 4001 done"),
        Close(4002, "my answer"),
    ]


async def test_autoclose_echoes_by_default(serve_app: Any, raw: Any) -> None:
    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.receive()
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    served = await serve_app(app)
    conn = await _open(raw, served.port)
    client = WebSocketProtocol(Role.CLIENT)
    await conn.send(client.send_close(4001, "done"))
    assert await _events(conn, client, 1) == [Close(4001, "")]


async def test_compress_per_message(serve_app: Any, raw: Any) -> None:
    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        assert ws.compress
        await ws.send_str(TEXT, compress=0)
        await ws.send_str(TEXT)
        await ws.send_bytes(TEXT.encode(), compress=0)
        await ws.send_bytes(TEXT.encode(), compress=9)
        await ws.send_json({"text": TEXT}, compress=0)
        await ws.receive()
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    served = await serve_app(app)
    conn = await _open(raw, served.port, deflate=True)
    frames = FrameReader(masked=False, max_frame_size=1 << 24, allow_rsv1=True)
    seen: list[tuple[bool, int]] = []
    while len(seen) < 5:
        data = await asyncio.wait_for(conn.reader.read(65536), 5)
        assert data
        frames.feed(data)
        while (frame := frames.next_frame()) is not None:
            seen.append((frame[1], len(frame[3])))
    size = len(TEXT)
    assert seen[0] == (False, size)
    assert seen[1][0] and seen[1][1] < size // 10
    assert seen[2] == (False, size)
    assert seen[3][0] and seen[3][1] < size // 10
    assert seen[4][0] is False and seen[4][1] > size
    await conn.send(WebSocketProtocol(Role.CLIENT).send_close())
