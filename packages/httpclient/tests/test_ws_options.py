"""ws_connect's ``autoclose=False`` and per-message ``compress=``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from yarl import URL

from aioweb import web
from aioweb.client import ClientSession
from aioweb.protocol import WSMsgType
from aioweb.websocket import DeflateOptions, accept_request
from aioweb.websocket._implementation import FrameReader

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


# Hand-written rather than aioweb-testkit's fake WebSocket server, which
# negotiates no extension and records messages, not frames.
class _FrameRecorder(asyncio.Protocol):
    """A server that accepts permessage-deflate and records each frame's
    RSV1 bit and payload size, without answering anything after the 101."""

    frames: list[tuple[bool, int]]

    def __init__(self, frames: list[tuple[bool, int]]) -> None:
        self.frames = frames
        self.head = b""
        self.reader: FrameReader | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        if self.reader is None:
            self.head += data
            if b"\r\n\r\n" not in self.head:
                return
            head, _, data = self.head.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            fields = [line.split(":", 1) for line in lines[1:]]
            result = accept_request(
                "GET",
                "HTTP/1.1",
                [(name.strip(), value.strip()) for name, value in fields],
                deflate=DeflateOptions(),
            )
            assert result.extensions
            response = "HTTP/1.1 101 Switching Protocols\r\n" + "".join(
                f"{name}: {value}\r\n" for name, value in result.headers
            )
            self.transport.write((response + "\r\n").encode())
            self.reader = FrameReader(
                masked=True, max_frame_size=1 << 24, allow_rsv1=True
            )
        self.reader.feed(data)
        while (frame := self.reader.next_frame()) is not None:
            self.frames.append((frame[1], len(frame[3])))


@pytest.fixture
async def recorder() -> AsyncIterator[tuple[URL, list[tuple[bool, int]]]]:
    frames: list[tuple[bool, int]] = []
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _FrameRecorder(frames), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield URL(f"http://127.0.0.1:{port}/ws"), frames
    server.close()
    await server.wait_closed()


async def _wait_for(frames: list[tuple[bool, int]], count: int) -> None:
    for _ in range(500):
        if len(frames) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{len(frames)} frames arrived, not {count}")


async def test_compress_per_message(
    recorder: tuple[URL, list[tuple[bool, int]]],
) -> None:
    url, frames = recorder
    async with ClientSession() as session:
        ws = await session.ws_connect(url, compress=15)
        assert ws.compress == 15
        await ws.send_str(TEXT, compress=0)
        await ws.send_str(TEXT)
        await ws.send_bytes(TEXT.encode(), compress=0)
        await ws.send_bytes(TEXT.encode(), compress=10)
        await ws.send_json({"text": TEXT}, compress=0)
        await _wait_for(frames, 5)
        uncompressed = len(TEXT)
        assert frames[0] == (False, uncompressed)
        assert frames[1][0] and frames[1][1] < uncompressed // 10
        assert frames[2] == (False, uncompressed)
        assert frames[3][0] and frames[3][1] < uncompressed // 10
        assert frames[4][0] is False and frames[4][1] > uncompressed
        with pytest.raises(ValueError, match="compress"):
            await ws.send_str("x", compress=16)
        ws._response.close()  # the recorder never answers a Close frame
