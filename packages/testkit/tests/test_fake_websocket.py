"""The fake WebSocket server, seen by aiohttp's client and by raw frames."""

from __future__ import annotations

import asyncio
import os
import struct
import zlib
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from aioweb.testkit import FakeWebSocketServer, Message, RecordedFrame

# RFC 6455 section 1.3's worked example.
SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ=="
SAMPLE_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def handshake(key: str = SAMPLE_KEY, version: str = "13") -> bytes:
    return (
        "GET /chat HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        f"Sec-WebSocket-Version: {version}\r\n\r\n"
    ).encode()


def client_frame(
    opcode: int, payload: bytes, *, fin: bool = True, mask: bool = True
) -> bytes:
    """A client frame (RFC 6455 section 5.2), masked unless told otherwise."""
    first = (0x80 if fin else 0) | opcode
    if not mask:
        return struct.pack("!BB", first, len(payload)) + payload
    key = os.urandom(4)
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return struct.pack("!BB", first, 0x80 | len(payload)) + key + masked


async def read_frame(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    first, second = await asyncio.wait_for(reader.readexactly(2), 5)
    assert not second & 0x80, "server frames are never masked"
    return first & 0x0F, await reader.readexactly(second & 0x7F)


async def test_handshake_answers_the_rfc_sample_accept(connect: Any) -> None:
    async with FakeWebSocketServer() as server:
        peer = await connect(server)
        await peer.send(handshake())
        status, headers = await peer.read_head()
    assert status == b"HTTP/1.1 101 Switching Protocols"
    assert headers["sec-websocket-accept"] == SAMPLE_ACCEPT
    assert headers["upgrade"] == "websocket"
    assert server.requests[0].target == "/chat"


def test_accept_agrees_with_websockets_core_when_installed() -> None:
    from aioweb.testkit.fake import websocket

    assert websocket._accept_from_key(SAMPLE_KEY) == SAMPLE_ACCEPT
    assert websocket.compute_accept(SAMPLE_KEY) == SAMPLE_ACCEPT


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (handshake(version="8"), b"HTTP/1.1 426 Upgrade Required"),
        (handshake(key="c2hvcnQ="), b"HTTP/1.1 400 Bad Request"),
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"HTTP/1.1 426 Upgrade Required"),
        (
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request",
        ),
    ],
)
async def test_bad_handshakes_are_refused(
    connect: Any, request_bytes: bytes, status: bytes
) -> None:
    async with FakeWebSocketServer() as server:
        peer = await connect(server)
        await peer.send(request_bytes)
        got, _headers, _body = await peer.read_response()
    assert got == status


async def test_aiohttp_client_gets_greeting_and_echo() -> None:
    async with (
        FakeWebSocketServer(greeting=["hello"]) as server,
        aiohttp.ClientSession() as session,
        session.ws_connect(server.url) as ws,
    ):
        assert await ws.receive_str(timeout=5) == "hello"
        await ws.send_str("text")
        assert await ws.receive_str(timeout=5) == "text"
        await ws.send_bytes(b"\x00\x01" * 40000)
        assert await ws.receive_bytes(timeout=5) == b"\x00\x01" * 40000
        await ws.close()
    assert server.messages == ["text", b"\x00\x01" * 40000]
    assert server.close_codes == [1000]


async def test_handler_scripts_the_answers() -> None:
    async def handler(message: Message) -> list[Message]:
        assert isinstance(message, str)
        return [message.upper(), message.encode()]

    async with (
        FakeWebSocketServer(handler) as server,
        aiohttp.ClientSession() as session,
        session.ws_connect(server.url) as ws,
    ):
        await ws.send_str("abc")
        assert await ws.receive_str(timeout=5) == "ABC"
        assert await ws.receive_bytes(timeout=5) == b"abc"


async def test_fragmented_message_is_assembled(connect: Any) -> None:
    async with FakeWebSocketServer() as server:
        peer = await connect(server)
        await peer.send(handshake())
        await peer.read_head()
        await peer.send(client_frame(0x1, b"hel", fin=False) + client_frame(0x0, b"lo"))
        assert await read_frame(peer.reader) == (0x1, b"hello")
    assert server.messages == ["hello"]


async def test_ping_is_answered_with_pong(connect: Any) -> None:
    async with FakeWebSocketServer() as server:
        peer = await connect(server)
        await peer.send(handshake())
        await peer.read_head()
        await peer.send(client_frame(0x9, b"beat"))
        assert await read_frame(peer.reader) == (0xA, b"beat")


async def test_ignored_ping_gets_no_pong(connect: Any) -> None:
    async with FakeWebSocketServer(answer_pings=False) as server:
        peer = await connect(server)
        await peer.send(handshake())
        await peer.read_head()
        await peer.send(client_frame(0x9, b"beat"))
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(peer.reader.readexactly(2), 0.3)
    assert server.pings == [b"beat"]


async def test_ignored_pings_trip_the_aiohttp_heartbeat() -> None:
    async with (
        FakeWebSocketServer(answer_pings=False) as server,
        aiohttp.ClientSession() as session,
        session.ws_connect(server.url, heartbeat=0.1) as ws,
    ):
        message = await ws.receive(timeout=5)
        assert message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR)
        assert isinstance(ws.exception(), aiohttp.ServerTimeoutError)
    assert server.pings, "the client did ping"


async def test_unmasked_client_frame_is_closed_with_1002(connect: Any) -> None:
    async with FakeWebSocketServer() as server:
        peer = await connect(server)
        await peer.send(handshake())
        await peer.read_head()
        await peer.send(client_frame(0x1, b"x", mask=False))
        opcode, payload = await read_frame(peer.reader)
    assert opcode == 0x8
    assert struct.unpack("!H", payload[:2]) == (1002,)


async def test_invalid_utf8_is_closed_with_1007(connect: Any) -> None:
    async with FakeWebSocketServer() as server:
        peer = await connect(server)
        await peer.send(handshake())
        await peer.read_head()
        await peer.send(client_frame(0x1, b"\xff\xfe"))
        opcode, payload = await read_frame(peer.reader)
    assert (opcode, payload[:2]) == (0x8, struct.pack("!H", 1007))


async def test_pings_can_stop_being_answered_mid_connection(connect: Any) -> None:
    async with FakeWebSocketServer() as server:
        peer = await connect(server)
        await peer.send(handshake())
        await peer.read_head()
        await peer.send(client_frame(0x9, b"1"))
        assert await read_frame(peer.reader) == (0xA, b"1")
        server.answer_pings = False
        await peer.send(client_frame(0x9, b"2"))
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(peer.reader.readexactly(2), 0.3)
        await peer.send(client_frame(0x1, b"still here"))
        assert await read_frame(peer.reader) == (0x1, b"still here")
    assert server.pings == [b"1", b"2"]


async def test_server_pushes_messages_and_closes_with_a_code() -> None:
    async def until(condition: Callable[[], bool]) -> None:
        for _ in range(500):
            if condition():
                return
            await asyncio.sleep(0.01)
        raise AssertionError("condition never met")

    async with (
        FakeWebSocketServer(lambda message: None) as server,
        aiohttp.ClientSession() as session,
        session.ws_connect(server.url) as ws,
    ):
        await ws.send_str("ready")
        assert await server.wait_for_messages(1) == ["ready"]
        assert server.open_websockets == 1
        await server.send("pushed")
        assert await ws.receive_str(timeout=5) == "pushed"
        await server.close_websockets(4000, "go away")
        message = await ws.receive(timeout=5)
        assert message.type is aiohttp.WSMsgType.CLOSE
        assert (message.data, message.extra) == (4000, "go away")
        # The client's answering close frame ends the connection server-side,
        # without a second close frame from the server.
        await until(lambda: server.open_websockets == 0)
        assert len(server.close_codes) == 1


async def test_closing_handshake_started_by_the_server(connect: Any) -> None:
    async with FakeWebSocketServer() as server:
        peer = await connect(server)
        await peer.send(handshake())
        await peer.read_head()
        await peer.send(client_frame(0x1, b"hi"))
        assert await read_frame(peer.reader) == (0x1, b"hi")
        await server.close_websockets(1001)
        assert await read_frame(peer.reader) == (0x8, struct.pack("!H", 1001))
        await peer.send(client_frame(0x8, struct.pack("!H", 1001)))
        # No second close frame: the server just ends the TCP connection.
        assert await asyncio.wait_for(peer.reader.read(), 5) == b""
    assert server.close_codes == [1001]


DEFLATE_OFFER = (
    b"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
)


def deflated(data: bytes) -> bytes:
    """``data`` compressed as one permessage-deflate message (RFC 7692 7.2.1)."""
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    out = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4]


async def test_frames_are_recorded_as_they_came(connect: Any) -> None:
    async with FakeWebSocketServer() as server:
        peer = await connect(server)
        await peer.send(handshake())
        await peer.read_head()
        await peer.send(
            client_frame(0x1, b"frag", fin=False)
            + client_frame(0x9, b"beat")
            + client_frame(0x0, b"ment")
        )
        assert await read_frame(peer.reader) == (0xA, b"beat")
        assert await read_frame(peer.reader) == (0x1, b"fragment")
    assert server.frames == [
        RecordedFrame(False, 0x1, False, b"frag"),
        RecordedFrame(True, 0x9, False, b"beat"),
        RecordedFrame(True, 0x0, False, b"ment"),
    ]


async def test_deflate_is_negotiated_and_inflated_with_aiohttp() -> None:
    text = "compress me " * 500
    async with (
        FakeWebSocketServer(deflate=True) as server,
        aiohttp.ClientSession() as session,
        session.ws_connect(server.url, compress=15) as ws,
    ):
        assert ws.compress == 15
        await ws.send_str(text)
        assert await ws.receive_str(timeout=5) == text  # the echo, plain
        await ws.send_bytes(b"\x00" * 10_000)
        assert await ws.receive_bytes(timeout=5) == b"\x00" * 10_000
    assert server.messages == [text, b"\x00" * 10_000]
    first, second = (f for f in server.frames if f.opcode in (0x1, 0x2))
    assert first.rsv1 and len(first.payload) < len(text) // 10
    assert second.rsv1 and len(second.payload) < 1000
    offer = server.requests[0].headers["Sec-WebSocket-Extensions"]
    assert "permessage-deflate" in offer


async def test_without_deflate_nothing_is_negotiated() -> None:
    async with (
        FakeWebSocketServer() as server,
        aiohttp.ClientSession() as session,
        session.ws_connect(server.url, compress=15) as ws,
    ):
        assert ws.compress == 0
        await ws.send_str("plain")
        assert await ws.receive_str(timeout=5) == "plain"
    assert [f.rsv1 for f in server.frames if f.opcode == 0x1] == [False]


async def test_deflate_answer_names_only_the_server_parameters(connect: Any) -> None:
    async with FakeWebSocketServer(deflate=True) as server:
        peer = await connect(server)
        offer = (
            b"Sec-WebSocket-Extensions: x-unknown, permessage-deflate; bogus, "
            b"permessage-deflate; server_no_context_takeover; "
            b"client_max_window_bits\r\n"
        )
        await peer.send(handshake()[:-2] + offer + b"\r\n")
        _, headers = await peer.read_head()
    assert headers["sec-websocket-extensions"] == (
        "permessage-deflate; server_no_context_takeover"
    )


async def test_compressed_messages_keep_the_client_context(connect: Any) -> None:
    async with FakeWebSocketServer(deflate=True) as server:
        peer = await connect(server)
        await peer.send(handshake()[:-2] + DEFLATE_OFFER + b"\r\n")
        await peer.read_head()
        compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        for text in (b"hello hello", b"hello again"):
            data = compressor.compress(text) + compressor.flush(zlib.Z_SYNC_FLUSH)
            frame = bytearray(client_frame(0x1, data[:-4]))
            frame[0] |= 0x40  # RSV1: compressed
            await peer.send(bytes(frame))
            assert await read_frame(peer.reader) == (0x1, text)


@pytest.mark.parametrize(
    ("deflate", "frame", "code"),
    [
        # RSV1 without the extension (RFC 6455 section 5.2).
        (False, (0x1, deflated(b"hi"), 0x40), 1002),
        # Compressed data that does not inflate (RFC 7692 section 8).
        (True, (0x1, b"\xff\xff\xff\xff", 0x40), 1007),
        # RSV1 on a control frame (RFC 7692 section 6.1).
        (True, (0x9, b"", 0x40), 1002),
        # Larger than max_message_size once inflated.
        (True, (0x2, deflated(bytes(2000)), 0x40), 1009),
    ],
)
async def test_bad_compressed_frames_close_the_connection(
    connect: Any, deflate: bool, frame: tuple[int, bytes, int], code: int
) -> None:
    opcode, payload, bits = frame
    async with FakeWebSocketServer(deflate=deflate, max_message_size=1000) as server:
        peer = await connect(server)
        await peer.send(handshake()[:-2] + DEFLATE_OFFER + b"\r\n")
        _, headers = await peer.read_head()
        assert ("sec-websocket-extensions" in headers) is deflate
        raw = bytearray(client_frame(opcode, payload))
        raw[0] |= bits
        await peer.send(bytes(raw))
        answer, body = await read_frame(peer.reader)
    assert (answer, body[:2]) == (0x8, struct.pack("!H", code))
