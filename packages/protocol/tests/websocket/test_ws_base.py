"""WebSocketBase over a real loopback socket, against the sans-I/O core."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from aioweb.protocol.exceptions import WebSocketError, WSMessageTypeError
from aioweb.protocol.ws_base import WebSocketBase
from aioweb.protocol.ws_types import WSCloseCode, WSMessage, WSMsgType
from aioweb.websocket import (
    Binary,
    Close,
    DeflateParameters,
    PerMessageDeflate,
    Ping,
    Pong,
    Role,
    Text,
    WebSocketProtocol,
)


async def test_text_binary_json_round_trip(open_ws: Any) -> None:
    pair = await open_ws(echo=True)
    ws = pair.ws
    await ws.send_str("héllo")
    assert await ws.receive_str() == "héllo"
    await ws.send_bytes(b"\x00\xff" * 1000)
    assert await ws.receive_bytes() == b"\x00\xff" * 1000
    await ws.send_json({"a": [1, 2]})
    assert await ws.receive_json() == {"a": [1, 2]}
    await ws.send_json({"b": 1}, dumps=lambda obj: json.dumps(obj, indent=1))
    message = await ws.receive()
    assert message == WSMessage(WSMsgType.TEXT, '{\n "b": 1\n}', None)
    assert message.json() == {"b": 1}
    assert await pair.peer.next_event() == Text("héllo")
    assert await pair.peer.next_event() == Binary(b"\x00\xff" * 1000)


async def test_fragmented_message_from_peer_is_assembled(open_ws: Any) -> None:
    pair = await open_ws()
    core = pair.peer.connection
    pair.peer.send(core.send_text("frag", final=False))
    pair.peer.send(core.send_text("men", final=False))
    # A control frame may come between fragments (RFC 6455 §5.4).
    pair.peer.send(core.send_ping(b"in between"))
    pair.peer.send(core.send_text("ted", final=True))
    pair.peer.send(core.send_binary(b"a", final=False))
    pair.peer.send(core.send_binary(b"b", final=True))
    assert await pair.ws.receive_str() == "fragmented"
    assert await pair.ws.receive_bytes() == b"ab"
    # autoping answered the ping in the middle.
    assert await pair.peer.next_event() == Pong(b"in between")


async def test_large_messages_cross_many_reads(open_ws: Any) -> None:
    pair = await open_ws(echo=True)
    payload = bytes(range(256)) * 4096  # 1 MiB
    await pair.ws.send_bytes(payload)
    assert await pair.ws.receive_bytes(timeout=10) == payload


async def test_compression_when_negotiated(open_ws: Any) -> None:
    params = DeflateParameters()
    pair = await open_ws(
        extensions=[PerMessageDeflate(Role.CLIENT, params)],
        echo=True,
        peer_extensions=[PerMessageDeflate(Role.SERVER, params)],
    )
    text = "compress me " * 1000
    await pair.ws.send_str(text)
    assert await pair.ws.receive_str() == text
    # What went over the wire was much smaller than the text.
    assert pair.peer.received_bytes < len(text) // 10


async def test_autoping_answers_and_hides_pings(open_ws: Any) -> None:
    pair = await open_ws()
    pair.peer.send(pair.peer.connection.send_ping(b"are you there"))
    pair.peer.send(pair.peer.connection.send_pong(b"unsolicited"))
    pair.peer.send(pair.peer.connection.send_text("after"))
    assert await pair.ws.receive() == WSMessage(WSMsgType.TEXT, "after", None)
    assert await pair.peer.next_event() == Pong(b"are you there")


async def test_without_autoping_pings_are_returned(open_ws: Any) -> None:
    pair = await open_ws(autoping=False)
    pair.peer.send(pair.peer.connection.send_ping(b"p"))
    pair.peer.send(pair.peer.connection.send_pong(b"q"))
    assert await pair.ws.receive() == WSMessage(WSMsgType.PING, b"p", None)
    assert await pair.ws.receive() == WSMessage(WSMsgType.PONG, b"q", None)
    await pair.ws.pong(b"p")
    await pair.ws.ping("text ping")
    assert await pair.peer.next_event() == Pong(b"p")
    assert await pair.peer.next_event() == Ping(b"text ping")


async def test_send_frame(open_ws: Any) -> None:
    pair = await open_ws(echo=True)
    await pair.ws.send_frame(b"raw text", WSMsgType.TEXT)
    await pair.ws.send_frame(b"raw bytes", WSMsgType.BINARY)
    assert await pair.ws.receive_str() == "raw text"
    assert await pair.ws.receive_bytes() == b"raw bytes"
    with pytest.raises(ValueError, match="UTF-8"):
        await pair.ws.send_frame(b"\xff", WSMsgType.TEXT)
    with pytest.raises(ValueError, match="125"):
        await pair.ws.ping(b"x" * 126)


async def test_type_errors(open_ws: Any) -> None:
    pair = await open_ws(echo=True)
    with pytest.raises(TypeError, match="must be str"):
        await pair.ws.send_str(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="byte-ish"):
        await pair.ws.send_bytes("text")  # type: ignore[arg-type]
    await pair.ws.send_bytes(b"x")
    with pytest.raises(WSMessageTypeError, match=r"is not WSMsgType\.TEXT"):
        await pair.ws.receive_str()
    await pair.ws.send_str("x")
    with pytest.raises(TypeError, match=r"is not WSMsgType\.BINARY"):
        await pair.ws.receive_bytes()


async def test_async_iteration_stops_at_close(open_ws: Any) -> None:
    pair = await open_ws()
    core = pair.peer.connection
    for word in ("a", "b", "c"):
        pair.peer.send(core.send_text(word))
    pair.peer.send(core.send_close(WSCloseCode.GOING_AWAY, "bye"))
    received = [message.data async for message in pair.ws]
    assert received == ["a", "b", "c"]
    assert pair.ws.closed
    assert pair.ws.close_code == WSCloseCode.GOING_AWAY
    # The core echoed the peer's code (RFC 6455 §5.5.1).
    assert await pair.peer.next_event() == Close(WSCloseCode.GOING_AWAY, "")
    await asyncio.wait_for(pair.peer.lost, 5)


async def test_peer_initiated_close_with_autoclose(open_ws: Any) -> None:
    pair = await open_ws()
    pair.peer.send(pair.peer.connection.send_close(4001, "done"))
    message = await pair.ws.receive()
    assert message == WSMessage(WSMsgType.CLOSE, 4001, "done")
    assert pair.ws.closed
    assert pair.ws.close_code == 4001
    assert await pair.ws.receive() == WSMessage(WSMsgType.CLOSED, None, None)
    # Our side closed the TCP connection after the handshake.
    await asyncio.wait_for(pair.ours.lost, 5)
    assert await pair.ws.close() is False


async def test_peer_initiated_close_without_autoclose(open_ws: Any) -> None:
    pair = await open_ws(autoclose=False)
    pair.peer.send(pair.peer.connection.send_close(1000, ""))
    message = await pair.ws.receive()
    assert message.type is WSMsgType.CLOSE
    assert not pair.ws.closed
    assert await pair.ws.receive() == WSMessage(WSMsgType.CLOSING, None, None)
    assert await pair.ws.close() is True
    assert pair.ws.closed
    assert pair.ws.close_code == 1000
    await asyncio.wait_for(pair.ours.lost, 5)


async def test_local_close_waits_for_the_peer(open_ws: Any) -> None:
    pair = await open_ws()
    assert await pair.ws.close(code=WSCloseCode.GOING_AWAY, message=b"leaving")
    assert pair.ws.closed
    assert pair.ws.close_code == WSCloseCode.GOING_AWAY  # the peer's echo
    assert pair.ws.exception() is None
    assert await pair.peer.next_event() == Close(WSCloseCode.GOING_AWAY, "leaving")
    await asyncio.wait_for(pair.ours.lost, 5)
    assert await pair.ws.close() is False
    with pytest.raises(ConnectionResetError, match="closing"):
        await pair.ws.send_str("too late")


async def test_local_close_times_out_when_the_peer_never_answers(
    open_ws: Any,
) -> None:
    pair = await open_ws(timeout=0.2, answer_close=False)
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await pair.ws.close() is True
    elapsed = loop.time() - started
    assert 0.15 <= elapsed < 2
    assert pair.ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
    assert isinstance(pair.ws.exception(), asyncio.TimeoutError)
    assert await pair.peer.next_event() == Close(1000, "")
    await asyncio.wait_for(pair.ours.lost, 5)


async def test_close_drops_messages_in_flight(open_ws: Any) -> None:
    pair = await open_ws(autoclose=False)
    core = pair.peer.connection
    pair.peer.send(core.send_text("late 1") + core.send_text("late 2"))
    await asyncio.sleep(0.05)
    assert await pair.ws.close() is True
    assert pair.ws.close_code == 1000


async def test_close_from_another_task_wakes_receive(open_ws: Any) -> None:
    pair = await open_ws()
    receiving = asyncio.create_task(pair.ws.receive())
    await asyncio.sleep(0.01)
    assert await pair.ws.close() is True
    assert await receiving == WSMessage(WSMsgType.CLOSING, None, None)
    assert pair.ws.close_code == 1000


async def test_concurrent_receive_is_refused(open_ws: Any) -> None:
    pair = await open_ws()
    first = asyncio.create_task(pair.ws.receive())
    await asyncio.sleep(0.01)
    with pytest.raises(RuntimeError, match="Concurrent call to receive"):
        await pair.ws.receive()
    pair.peer.send(pair.peer.connection.send_text("x"))
    assert (await first).data == "x"


async def test_receive_timeout(open_ws: Any) -> None:
    pair = await open_ws(receive_timeout=0.05)
    with pytest.raises(asyncio.TimeoutError):
        await pair.ws.receive()
    assert pair.ws.close_code is None
    assert not pair.ws.closed
    with pytest.raises(asyncio.TimeoutError):
        await pair.ws.receive_str(timeout=0.01)
    pair.peer.send(pair.peer.connection.send_text("still open"))
    assert await pair.ws.receive_str(timeout=5) == "still open"


async def test_peer_hangs_up_without_close(open_ws: Any) -> None:
    pair = await open_ws()
    pair.peer.send(pair.peer.connection.send_text("last words"))
    assert pair.peer.transport is not None
    pair.peer.transport.close()
    assert await pair.ws.receive_str() == "last words"
    assert await pair.ws.receive() == WSMessage(WSMsgType.CLOSED, None, None)
    assert pair.ws.closed
    assert pair.ws.close_code == WSCloseCode.ABNORMAL_CLOSURE


async def test_closed_receive_raises_after_five_calls(open_ws: Any) -> None:
    pair = await open_ws()
    await pair.ws.close()
    for _ in range(4):
        assert (await pair.ws.receive()).type is WSMsgType.CLOSED
    with pytest.raises(RuntimeError, match="WebSocket connection is closed"):
        await pair.ws.receive()


async def test_protocol_error_from_peer(open_ws: Any) -> None:
    pair = await open_ws()
    # An unmasked frame from a client... here: a reserved opcode 0x3.
    pair.peer.send(b"\x83\x00")
    message = await pair.ws.receive()
    assert message.type is WSMsgType.ERROR
    assert isinstance(message.data, WebSocketError)
    assert message.data.code == WSCloseCode.PROTOCOL_ERROR
    assert pair.ws.close_code == WSCloseCode.PROTOCOL_ERROR
    assert pair.ws.closed
    event = await pair.peer.next_event()
    assert isinstance(event, Close)
    assert event.code == WSCloseCode.PROTOCOL_ERROR
    await asyncio.wait_for(pair.ours.lost, 5)


async def test_max_msg_size(open_ws: Any) -> None:
    pair = await open_ws(max_msg_size=1000)
    pair.peer.send(pair.peer.connection.send_binary(b"x" * 1001))
    message = await pair.ws.receive()
    assert message.type is WSMsgType.ERROR
    assert message.data.code == WSCloseCode.MESSAGE_TOO_BIG
    assert pair.ws.close_code == WSCloseCode.MESSAGE_TOO_BIG


async def test_max_msg_size_zero_is_unlimited(open_ws: Any) -> None:
    pair = await open_ws(max_msg_size=0)
    payload = b"y" * (5 * 1024 * 1024)
    pair.peer.send(pair.peer.connection.send_binary(payload))
    assert await pair.ws.receive_bytes(timeout=10) == payload


async def test_max_msg_size_zero_lifts_the_fragment_limit(open_ws: Any) -> None:
    # 4 MiB in 64-byte fragments, as Autobahn case 9.3.1 sends it.
    pair = await open_ws(max_msg_size=0)
    core = pair.peer.connection
    count = 65536
    pair.peer.send(
        b"".join(
            core.send_binary(b"z" * 64, final=i == count - 1) for i in range(count)
        )
    )
    assert await pair.ws.receive_bytes(timeout=30) == b"z" * (64 * count)


async def test_fragments_stay_limited_with_a_size_limit(open_ws: Any) -> None:
    pair = await open_ws(max_msg_size=1 << 20)
    core = pair.peer.connection
    pair.peer.send(b"".join(core.send_binary(b"", final=False) for _ in range(5000)))
    message = await pair.ws.receive(timeout=10)
    assert message.type is WSMsgType.ERROR
    assert pair.ws.close_code == WSCloseCode.MESSAGE_TOO_BIG


async def test_server_role_against_a_client_peer(open_ws: Any) -> None:
    pair = await open_ws(role=Role.SERVER, echo=True)
    await pair.ws.send_str("from the server")
    assert await pair.ws.receive_str() == "from the server"
    assert await pair.ws.close()
    assert pair.ws.close_code == 1000


async def test_get_extra_info(open_ws: Any) -> None:
    pair = await open_ws()
    host, port = pair.ws.get_extra_info("peername")
    assert host == "127.0.0.1"
    assert port > 0
    assert pair.ws.get_extra_info("nonexistent", "default") == "default"
    assert pair.ws.protocol is None


async def test_not_connected() -> None:
    ws = WebSocketBase()
    assert ws.get_extra_info("peername", 1) == 1
    assert not ws.closed
    assert ws.close_code is None
    with pytest.raises(RuntimeError, match="not connected"):
        await ws.receive()
    with pytest.raises(RuntimeError, match="not connected"):
        await ws.send_str("x")
    with pytest.raises(RuntimeError, match="not connected"):
        await ws.close()


@pytest.mark.parametrize(
    "kwargs",
    [{"timeout": 0}, {"receive_timeout": -1}, {"heartbeat": 0}],
)
def test_invalid_options(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="positive"):
        WebSocketBase(**kwargs)


@pytest.mark.parametrize(
    ("code", "message", "error"),
    [
        (1006, b"", "may not be sent"),
        (1005, b"", "may not be sent"),
        (999, b"", "may not be sent"),
        (5000, b"", "may not be sent"),
        (1000, b"\xff", "UTF-8"),
        (1000, "\udcff", "UTF-8"),
        (1000, b"x" * 124, "123 bytes"),
    ],
)
async def test_close_refuses_what_cannot_be_sent(
    open_ws: Any, code: int, message: bytes | str, error: str
) -> None:
    pair = await open_ws(echo=True)
    with pytest.raises(ValueError, match=error):
        await pair.ws.close(code=code, message=message)
    # Nothing was sent: the WebSocket still works.
    assert not pair.ws.closed
    await pair.ws.send_str("still open")
    assert await pair.ws.receive_str(timeout=5) == "still open"
    assert await pair.ws.close(code=4999, message="x" * 123)
    assert pair.ws.close_code == 4999


async def test_attach_once(open_ws: Any) -> None:
    pair = await open_ws()
    assert pair.ours.transport is not None
    with pytest.raises(RuntimeError, match="attached"):
        pair.ws._attach(pair.ours.transport, pair.ours, Role.CLIENT)


class ClientStyle(WebSocketBase):
    """aiohttp's client flavour of the three differences."""

    _CLOSED_RECEIVE_LIMIT = None
    _TIMEOUT_IS_ABNORMAL = True

    async def _receive_while_closing(self) -> WSMessage:
        await self.close()
        return WSMessage(WSMsgType.CLOSED, None, None)


async def test_client_style_timeout_and_closed_receives(open_ws: Any) -> None:
    pair = await open_ws(ws_class=ClientStyle)
    with pytest.raises(asyncio.TimeoutError):
        await pair.ws.receive(timeout=0.01)
    assert pair.ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
    assert not pair.ws.closed
    assert await pair.ws.close()
    for _ in range(10):
        assert (await pair.ws.receive()).type is WSMsgType.CLOSED


async def test_client_style_receive_while_closing(open_ws: Any) -> None:
    pair = await open_ws(ws_class=ClientStyle, autoclose=False)
    pair.peer.send(pair.peer.connection.send_close(1000, ""))
    assert (await pair.ws.receive()).type is WSMsgType.CLOSE
    assert await pair.ws.receive() == WSMessage(WSMsgType.CLOSED, None, None)
    assert pair.ws.closed


async def test_pongs_wait_while_the_transport_is_congested(
    transport: Any, protocol: Any
) -> None:
    ws = WebSocketBase()
    reader = ws._attach(transport, protocol, Role.SERVER)
    peer = WebSocketProtocol(Role.CLIENT)
    transport.buffer_size = 10**6
    for i in range(50):
        reader.feed_data(peer.send_ping(f"{i}".encode()))
    assert transport.written == []
    transport.buffer_size = 0
    reader.feed_data(peer.send_text("drained"))
    assert await ws.receive_str() == "drained"
    peer_side = WebSocketProtocol(Role.CLIENT)
    peer_side.receive_data(transport.data)
    assert list(peer_side.events()) == [Pong(b"49")]
