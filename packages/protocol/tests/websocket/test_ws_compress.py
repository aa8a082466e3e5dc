"""Per-message ``compress=`` on send_str, send_bytes and send_json."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aioweb.websocket import (
    Binary,
    DeflateParameters,
    PerMessageDeflate,
    Role,
    Text,
)

TEXT = "compress me " * 500


async def deflate_pair(open_ws: Any, role: Role = Role.CLIENT) -> Any:
    params = DeflateParameters()
    other = Role.SERVER if role is Role.CLIENT else Role.CLIENT
    return await open_ws(
        role=role,
        extensions=[PerMessageDeflate(role, params)],
        peer_extensions=[PerMessageDeflate(other, params)],
    )


@pytest.mark.parametrize("role", [Role.CLIENT, Role.SERVER])
async def test_zero_sends_one_message_uncompressed(open_ws: Any, role: Role) -> None:
    pair = await deflate_pair(open_ws, role)
    await pair.ws.send_str(TEXT, compress=0)
    assert await pair.peer.next_event() == Text(TEXT)
    assert pair.peer.received_bytes >= len(TEXT)
    before = pair.peer.received_bytes
    await pair.ws.send_str(TEXT)
    assert await pair.peer.next_event() == Text(TEXT)
    assert pair.peer.received_bytes - before < len(TEXT) // 10
    before = pair.peer.received_bytes
    await pair.ws.send_bytes(TEXT.encode(), compress=0)
    assert await pair.peer.next_event() == Binary(TEXT.encode())
    assert pair.peer.received_bytes - before >= len(TEXT)
    before = pair.peer.received_bytes
    await pair.ws.send_json({"text": TEXT}, compress=0)
    assert await pair.peer.next_event() == Text(json.dumps({"text": TEXT}))
    assert pair.peer.received_bytes - before >= len(TEXT)


async def test_window_bits_per_message(open_ws: Any) -> None:
    pair = await deflate_pair(open_ws)
    for bits in (9, 12, 15):
        before = pair.peer.received_bytes
        await pair.ws.send_bytes(TEXT.encode(), compress=bits)
        assert await pair.peer.next_event() == Binary(TEXT.encode())
        assert pair.peer.received_bytes - before < len(TEXT) // 10
    await pair.ws.send_json([1, 2, 3], compress=10)
    assert await pair.peer.next_event() == Text("[1, 2, 3]")
    # The shared compressor carries on correctly after those messages.
    await pair.ws.send_str(TEXT)
    assert await pair.peer.next_event() == Text(TEXT)


async def test_send_frame_passes_compress(open_ws: Any) -> None:
    from aioweb.protocol.ws_types import WSMsgType

    pair = await deflate_pair(open_ws)
    await pair.ws.send_frame(TEXT.encode(), WSMsgType.TEXT, compress=0)
    assert await pair.peer.next_event() == Text(TEXT)
    assert pair.peer.received_bytes >= len(TEXT)


async def test_without_deflate_compress_changes_nothing(open_ws: Any) -> None:
    pair = await open_ws()
    await pair.ws.send_str(TEXT, compress=15)
    assert await pair.peer.next_event() == Text(TEXT)
    assert pair.peer.received_bytes >= len(TEXT)


@pytest.mark.parametrize("value", [1, 16, -3])
async def test_invalid_compress_is_refused_and_nothing_sent(
    open_ws: Any, value: int
) -> None:
    pair = await deflate_pair(open_ws)
    with pytest.raises(ValueError, match="compress"):
        await pair.ws.send_str("hello", compress=value)
    with pytest.raises(ValueError, match="compress"):
        await pair.ws.send_bytes(b"hello", compress=value)
    await pair.ws.send_str("still open")
    assert await pair.peer.next_event() == Text("still open")
    assert pair.peer.received_bytes < 100
