"""``autoclose=False``: the peer's Close frame is the application's to answer."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aioweb.protocol.ws_types import WSCloseCode, WSMessage, WSMsgType
from aioweb.websocket import Close, Role, State, Text


@pytest.mark.parametrize("role", [Role.CLIENT, Role.SERVER])
async def test_close_is_delivered_and_left_unanswered(open_ws: Any, role: Role) -> None:
    pair = await open_ws(role=role, autoclose=False)
    pair.peer.send(pair.peer.connection.send_close(4001, "done"))
    assert await pair.ws.receive() == WSMessage(WSMsgType.CLOSE, 4001, "done")
    assert pair.ws.close_code == 4001
    assert not pair.ws.closed
    # No Close frame went back: the peer hears nothing.
    with pytest.raises(asyncio.TimeoutError):
        await pair.peer.next_event(timeout=0.2)
    assert pair.peer.connection.state is State.LOCAL_CLOSING
    # The application may still say something before it answers.
    await pair.ws.send_str("last words")
    assert await pair.peer.next_event() == Text("last words")
    assert await pair.ws.close(code=WSCloseCode.GOING_AWAY, message="bye") is True
    assert await pair.peer.next_event() == Close(WSCloseCode.GOING_AWAY, "bye")
    assert pair.ws.closed
    # The peer's code stays the close code, as with aiohttp.
    assert pair.ws.close_code == 4001
    await asyncio.wait_for(pair.ours.lost, 5)
    assert await pair.ws.close() is False


async def test_autoclose_answers_at_once(open_ws: Any) -> None:
    pair = await open_ws()
    pair.peer.send(pair.peer.connection.send_close(4002, ""))
    # The answer goes out as the frame is read, before receive() runs.
    assert await pair.peer.next_event() == Close(4002, "")
    message = await pair.ws.receive()
    assert message == WSMessage(WSMsgType.CLOSE, 4002, "")
    assert pair.ws.closed


async def test_peer_hangs_up_before_the_answer(open_ws: Any) -> None:
    pair = await open_ws(autoclose=False)
    pair.peer.send(pair.peer.connection.send_close(1001, ""))
    assert (await pair.ws.receive()).type is WSMsgType.CLOSE
    assert pair.peer.transport is not None
    pair.peer.transport.close()
    await asyncio.wait_for(pair.ours.lost, 5)
    # Nothing can be answered any more; closing still ends cleanly.
    assert await pair.ws.close() is True
    assert pair.ws.closed
    assert pair.ws.close_code == 1001
    assert pair.ws.exception() is None


async def test_async_iteration_ends_at_close_without_answering(open_ws: Any) -> None:
    pair = await open_ws(autoclose=False)
    core = pair.peer.connection
    pair.peer.send(core.send_text("one") + core.send_close(1000, ""))
    seen = [message.data async for message in pair.ws]
    assert seen == ["one"]
    with pytest.raises(asyncio.TimeoutError):
        await pair.peer.next_event(timeout=0.1)
    assert await pair.ws.close()
    assert await pair.peer.next_event() == Close(1000, "")
