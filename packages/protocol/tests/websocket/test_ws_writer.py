"""WebSocketWriter: frames out, back-pressure from the transport."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aioweb.protocol import BaseProtocol
from aioweb.protocol.ws_types import WSMsgType
from aioweb.protocol.ws_writer import WebSocketWriter
from aioweb.websocket import Binary, Close, Ping, Pong, Role, Text, WebSocketProtocol


def decode(data: bytes) -> list[object]:
    peer = WebSocketProtocol(Role.SERVER)
    peer.receive_data(data)
    return list(peer.events())


async def test_frames(transport: Any, protocol: BaseProtocol) -> None:
    writer = WebSocketWriter(WebSocketProtocol(Role.CLIENT), protocol, transport)
    await writer.send_frame("text", WSMsgType.TEXT)
    await writer.send_frame("caf\u00e9".encode(), WSMsgType.TEXT)
    await writer.send_frame(b"bin", WSMsgType.BINARY)
    await writer.send_frame(b"p", WSMsgType.PING)
    await writer.send_frame("q", WSMsgType.PONG)
    await writer.send_frame((1001).to_bytes(2, "big") + b"bye", WSMsgType.CLOSE)
    assert decode(transport.data) == [
        Text("text"),
        Text("caf\u00e9"),
        Binary(b"bin"),
        Ping(b"p"),
        Pong(b"q"),
        Close(1001, "bye"),
    ]


async def test_rejects_bad_payloads(transport: Any, protocol: BaseProtocol) -> None:
    writer = WebSocketWriter(WebSocketProtocol(Role.CLIENT), protocol, transport)
    with pytest.raises(ValueError, match="UTF-8"):
        await writer.send_frame(b"\xff", WSMsgType.TEXT)
    with pytest.raises(ValueError, match="125"):
        await writer.send_frame(b"x" * 126, WSMsgType.PING)
    with pytest.raises(ValueError, match="cannot send a frame of type"):
        await writer.send_frame(b"", WSMsgType.CLOSED)
    with pytest.raises(ValueError, match="close payload"):
        await writer.send_frame(b"\x03", WSMsgType.CLOSE)
    with pytest.raises(ValueError, match="may not be sent"):
        await writer.close(1006)
    with pytest.raises(ValueError, match="UTF-8"):
        await writer.close(1000, b"\xff")
    assert transport.data == b""


async def test_close_once(transport: Any, protocol: BaseProtocol) -> None:
    writer = WebSocketWriter(WebSocketProtocol(Role.CLIENT), protocol, transport)
    assert await writer.close(1000, "done") is True
    assert await writer.close(1000) is False
    assert decode(transport.data) == [Close(1000, "done")]
    with pytest.raises(ConnectionResetError, match="closing"):
        await writer.send_frame(b"late", WSMsgType.BINARY)


async def test_closing_transport(transport: Any, protocol: BaseProtocol) -> None:
    writer = WebSocketWriter(WebSocketProtocol(Role.CLIENT), protocol, transport)
    transport.close()
    with pytest.raises(ConnectionResetError, match="closing transport"):
        await writer.send_frame(b"x", WSMsgType.BINARY)


async def test_send_waits_while_writing_is_paused(
    transport: Any, protocol: BaseProtocol
) -> None:
    writer = WebSocketWriter(WebSocketProtocol(Role.CLIENT), protocol, transport)
    protocol.pause_writing()
    sending = asyncio.create_task(writer.send_frame(b"x", WSMsgType.BINARY))
    await asyncio.sleep(0.01)
    # Written, but the sender is held until the buffer drains.
    assert transport.data != b""
    assert not sending.done()
    protocol.resume_writing()
    await asyncio.wait_for(sending, 1)


async def test_back_pressure_over_a_real_socket(open_ws: Any) -> None:
    pair = await open_ws()
    assert pair.peer.transport is not None
    assert pair.ours.transport is not None
    pair.ours.transport.set_write_buffer_limits(high=64 * 1024)
    # The peer stops reading: the kernel buffers fill, then ours.
    pair.peer.transport.pause_reading()
    chunk = b"z" * (1024 * 1024)
    sending = asyncio.create_task(_send_many(pair.ws, chunk, 32))
    for _ in range(200):
        if pair.ours.writing_paused:
            break
        await asyncio.sleep(0.01)
    assert pair.ours.writing_paused
    assert not sending.done()
    pair.peer.transport.resume_reading()
    assert await asyncio.wait_for(sending, 30) == 32
    received = 0
    while received < 32:
        event = await pair.peer.next_event(10)
        assert event == Binary(chunk)
        received += 1


async def _send_many(ws: Any, chunk: bytes, count: int) -> int:
    for _ in range(count):
        await ws.send_bytes(chunk)
    return count
