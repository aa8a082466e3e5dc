"""What an idle WebSocket holds: no dictionaries, queues or zlib objects
it does not need, and nothing that outlives it."""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Any

from aioweb.protocol.ws_base import WebSocketBase
from aioweb.protocol.ws_reader import WebSocketReader
from aioweb.protocol.ws_writer import WebSocketWriter
from aioweb.websocket import DeflateParameters, PerMessageDeflate, Role, Text


def test_slotted_objects() -> None:
    assert not hasattr(WebSocketBase(), "__dict__")
    for cls in (WebSocketReader, WebSocketWriter):
        assert "__dict__" not in dir(cls)
        assert "__slots__" in vars(cls)


async def test_idle_websocket_holds_no_buffers(open_ws: Any) -> None:
    params = DeflateParameters()
    pair = await open_ws(
        extensions=[PerMessageDeflate(Role.CLIENT, params)],
        peer_extensions=[PerMessageDeflate(Role.SERVER, params)],
    )
    reader = pair.reader
    assert reader.queued_messages == 0
    assert not hasattr(reader, "__dict__")
    connection = reader._connection
    deflate = connection.extensions[0]
    # zlib objects (tens of kilobytes each) wait for the first message.
    assert deflate._compressor is None
    assert deflate._decompressor is None
    assert connection.data_to_send() == b""
    await pair.ws.send_str("x" * 100)
    assert await pair.peer.next_event() == Text("x" * 100)
    assert deflate._compressor is not None
    assert deflate._decompressor is None


async def test_nothing_keeps_a_closed_websocket_alive(open_ws: Any) -> None:
    pair = await open_ws(heartbeat=30.0)
    ws_ref = weakref.ref(pair.ws)
    assert await pair.ws.close() is True
    await asyncio.wait_for(pair.ours.lost, 5)
    # The fixture's record and the transport's protocol are all that remain.
    pair.ws = None
    pair.reader = None
    pair.ours.reader = None
    gc.collect()
    assert ws_ref() is None
