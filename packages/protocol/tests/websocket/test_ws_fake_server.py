"""The glue as a client of aioweb-testkit's fake WebSocket server.

The fake server has its own framing code (it does not use
``aioweb.websocket``), so these exchanges check the glue against a second,
independent implementation, and its scripted behaviour (greetings, pushes,
a server-side close, ignored pings) on cue.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aioweb.protocol.ws_types import WSCloseCode, WSMessage, WSMsgType
from aioweb.testkit import FakeServerFactory


def shout(message: str | bytes) -> str | bytes:
    return message.upper() if isinstance(message, str) else message[::-1]


async def test_greeting_and_answers(
    fake_server: FakeServerFactory, connect_ws: Any
) -> None:
    server = await fake_server.websocket(shout, greeting=["hello"])
    ws, _ = await connect_ws(server.port)
    assert await ws.receive_str(timeout=5) == "hello"
    await ws.send_str("quiet")
    assert await ws.receive_str(timeout=5) == "QUIET"
    await ws.send_bytes(b"\x01\x02\x03")
    assert await ws.receive_bytes(timeout=5) == b"\x03\x02\x01"
    assert await ws.close()
    assert ws.close_code == WSCloseCode.OK
    assert server.messages == ["quiet", b"\x01\x02\x03"]
    assert server.close_codes == [WSCloseCode.OK]


async def test_pushed_message_and_server_close(
    fake_server: FakeServerFactory, connect_ws: Any
) -> None:
    server = await fake_server.websocket()
    ws, client = await connect_ws(server.port)
    await server.send("pushed")
    assert await ws.receive_str(timeout=5) == "pushed"
    await server.close_websockets(4001, "enough")
    assert await ws.receive(timeout=5) == WSMessage(WSMsgType.CLOSE, 4001, "enough")
    assert ws.closed
    assert ws.close_code == 4001
    await asyncio.wait_for(client.lost, 5)


async def test_heartbeat_gives_up_on_a_server_that_ignores_pings(
    fake_server: FakeServerFactory, connect_ws: Any
) -> None:
    server = await fake_server.websocket(answer_pings=False)
    ws, client = await connect_ws(server.port, heartbeat=0.1)
    message = await ws.receive(timeout=5)
    assert message.type is WSMsgType.ERROR
    assert ws.closed
    assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
    assert server.pings, "the heartbeat pinged the server"
    await asyncio.wait_for(client.lost, 5)
