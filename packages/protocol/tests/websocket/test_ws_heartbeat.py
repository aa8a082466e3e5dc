"""The heartbeat, against a real peer over loopback."""

from __future__ import annotations

import asyncio
from typing import Any

from aioweb.protocol.ws_heartbeat import Heartbeat
from aioweb.protocol.ws_types import WSCloseCode, WSMessage, WSMsgType
from aioweb.websocket import Ping


async def test_peer_that_never_pongs_is_dropped(open_ws: Any) -> None:
    # The peer reads everything but never answers a ping.
    pair = await open_ws(heartbeat=0.1, auto_pong=False)
    loop = asyncio.get_running_loop()
    started = loop.time()
    message = await pair.ws.receive(timeout=5)
    elapsed = loop.time() - started
    assert message.type is WSMsgType.ERROR
    assert isinstance(message.data, asyncio.TimeoutError)
    assert "No PONG received" in str(message.data)
    # One heartbeat, then half of it waiting for the pong.
    assert 0.1 <= elapsed < 2
    assert pair.ws.closed
    assert pair.ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
    assert pair.ws.exception() is message.data
    assert await pair.ws.receive() == WSMessage(WSMsgType.CLOSED, None, None)
    assert isinstance(await pair.peer.next_event(), Ping)
    # The TCP connection was dropped.
    await asyncio.wait_for(pair.ours.lost, 5)
    await asyncio.wait_for(pair.peer.lost, 5)


async def test_dropped_while_not_receiving(open_ws: Any) -> None:
    pair = await open_ws(heartbeat=0.05, auto_pong=False)
    await asyncio.wait_for(pair.ours.lost, 5)
    assert pair.ws.closed
    assert pair.ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
    assert isinstance(pair.ws.exception(), asyncio.TimeoutError)
    assert await pair.ws.receive() == WSMessage(WSMsgType.CLOSED, None, None)
    assert await pair.ws.close() is False


async def test_answered_pings_keep_the_connection(open_ws: Any) -> None:
    pair = await open_ws(heartbeat=0.4)
    await asyncio.sleep(1.8)
    assert not pair.ws.closed
    pings = 0
    while not pair.peer.events.empty():
        assert isinstance(pair.peer.events.get_nowait(), Ping)
        pings += 1
    # About one ping per heartbeat went out, each answered in time.
    assert pings >= 3
    pair.peer.send(pair.peer.connection.send_text("alive"))
    assert await pair.ws.receive_str(timeout=5) == "alive"
    assert await pair.ws.close()
    assert pair.ws.close_code == WSCloseCode.OK


async def test_traffic_postpones_the_ping(open_ws: Any) -> None:
    pair = await open_ws(heartbeat=0.5, auto_pong=False)
    # The peer keeps talking, so no ping is needed and none is sent.
    for _ in range(12):
        pair.peer.send(pair.peer.connection.send_text("tick"))
        assert await pair.ws.receive_str(timeout=5) == "tick"
        await asyncio.sleep(0.05)
    assert not pair.ws.closed
    assert pair.peer.events.empty()


async def test_heartbeat_stops_after_close(open_ws: Any) -> None:
    pair = await open_ws(heartbeat=0.05)
    assert await pair.ws.close()
    await asyncio.sleep(0.2)
    assert pair.ws.close_code == WSCloseCode.OK
    assert pair.ws.exception() is None


class Recorder:
    def __init__(self, ping_ok: bool = True) -> None:
        self.pings: list[float] = []
        self.timeouts: list[float] = []
        self.ping_ok = ping_ok

    def ping(self) -> bool:
        self.pings.append(asyncio.get_running_loop().time())
        return self.ping_ok

    def timeout(self) -> None:
        self.timeouts.append(asyncio.get_running_loop().time())


async def test_heartbeat_unit_silence_then_timeout() -> None:
    loop = asyncio.get_running_loop()
    recorder = Recorder()
    heartbeat = Heartbeat(loop, 0.05, recorder.ping, recorder.timeout)
    assert heartbeat.pong_timeout == 0.025
    started = loop.time()
    heartbeat.activity()
    await asyncio.sleep(0.2)
    assert len(recorder.pings) == 1
    assert recorder.pings[0] - started >= 0.05
    assert len(recorder.timeouts) == 1
    assert recorder.timeouts[0] - recorder.pings[0] >= 0.025
    # Once timed out, it stays quiet.
    heartbeat.activity()
    await asyncio.sleep(0.1)
    assert len(recorder.pings) == 1


async def test_heartbeat_unit_answer_cancels_timeout() -> None:
    loop = asyncio.get_running_loop()
    recorder = Recorder()
    heartbeat = Heartbeat(loop, 0.2, recorder.ping, recorder.timeout)
    heartbeat.activity()
    answered = 0
    for _ in range(60):
        await asyncio.sleep(0.01)
        if len(recorder.pings) > answered:
            answered = len(recorder.pings)
            heartbeat.activity()  # the pong to each ping, once
    assert recorder.timeouts == []
    assert len(recorder.pings) >= 2
    heartbeat.stop()
    count = len(recorder.pings)
    await asyncio.sleep(0.1)
    assert len(recorder.pings) == count
    assert recorder.timeouts == []


async def test_heartbeat_unit_failed_ping_waits_for_nothing() -> None:
    loop = asyncio.get_running_loop()
    recorder = Recorder(ping_ok=False)
    heartbeat = Heartbeat(loop, 0.02, recorder.ping, recorder.timeout)
    heartbeat.activity()
    await asyncio.sleep(0.1)
    assert len(recorder.pings) == 1
    assert recorder.timeouts == []
    heartbeat.stop()
