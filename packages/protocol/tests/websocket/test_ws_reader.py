"""WebSocketReader: events to messages, flow control, end of stream."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aioweb.protocol.exceptions import WebSocketError
from aioweb.protocol.ws_reader import WebSocketReader
from aioweb.protocol.ws_types import WSMessage, WSMsgType
from aioweb.websocket import Close, Pong, ProtocolError, Role, WebSocketProtocol

# A loaded machine must not turn a slow example into a failure.
relaxed = settings(deadline=None)


class Flow:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def pause_reading(self) -> None:
        self.calls.append("pause")

    def resume_reading(self) -> None:
        self.calls.append("resume")


def make_reader(
    **kwargs: Any,
) -> tuple[WebSocketReader, WebSocketProtocol, Flow, list[bytes]]:
    flow = Flow()
    sent: list[bytes] = []
    # The reader answers pings itself.
    ours = WebSocketProtocol(Role.SERVER, auto_pong=False)
    reader = WebSocketReader(ours, flow, sent.append, **kwargs)
    return reader, WebSocketProtocol(Role.CLIENT), flow, sent


async def test_real_transport_is_paused_and_resumed(open_ws: Any) -> None:
    pair = await open_ws(reader_limit=16 * 1024)
    core = pair.peer.connection
    # 4 MB: far more than one read from the socket.
    payloads = [f"{i:04d}".encode() * 250 for i in range(4000)]
    pair.peer.send(b"".join(core.send_binary(p) for p in payloads))
    transport = pair.ours.transport
    for _ in range(100):
        if pair.reader.paused:
            break
        await asyncio.sleep(0.01)
    assert pair.reader.paused
    assert pair.ours.reading_paused
    assert not transport.is_reading()
    queued = pair.reader.queued_messages
    await asyncio.sleep(0.1)
    # Nothing more was read while paused: the rest waits in the kernel.
    assert pair.reader.queued_messages == queued < len(payloads)
    received = [await pair.ws.receive_bytes(timeout=5) for _ in payloads]
    assert received == payloads
    # Paused and resumed several times on the way, and reading again now.
    assert pair.ours.pauses > 1
    assert not pair.reader.paused
    assert transport.is_reading()
    assert pair.reader.queued_messages == 0


def test_pauses_on_bytes_and_resumes_at_half() -> None:
    reader, peer, flow, _ = make_reader(limit=100)
    reader.feed_data(peer.send_binary(b"x" * 60))
    assert flow.calls == []
    reader.feed_data(peer.send_binary(b"y" * 60))
    assert flow.calls == ["pause"]
    assert reader.paused
    reader.feed_data(peer.send_binary(b"z" * 10))
    assert flow.calls == ["pause"]  # paused once only
    assert reader.queued_bytes == 130


async def test_resume_after_reading_down_to_half() -> None:
    reader, peer, flow, _ = make_reader(limit=100)
    for chunk in (b"a" * 60, b"b" * 60, b"c" * 10):
        reader.feed_data(peer.send_binary(chunk))
    assert (await reader.read()).data == b"a" * 60
    assert flow.calls == ["pause"]  # 70 left, over half of 100
    assert (await reader.read()).data == b"b" * 60
    assert flow.calls == ["pause", "resume"]
    assert not reader.paused


async def test_pauses_on_message_count() -> None:
    reader, peer, flow, _ = make_reader(max_messages=4)
    reader.feed_data(b"".join(peer.send_text(str(i)) for i in range(5)))
    assert flow.calls == ["pause"]
    for i in range(3):
        assert (await reader.read()).data == str(i)
    assert flow.calls == ["pause", "resume"]


async def test_messages_and_close() -> None:
    reader, peer, _, sent = make_reader()
    reader.feed_data(peer.send_text("t") + peer.send_binary(b"b"))
    reader.feed_data(peer.send_close(4000, "why"))
    assert await reader.read() == WSMessage(WSMsgType.TEXT, "t", None)
    assert await reader.read() == WSMessage(WSMsgType.BINARY, b"b", None)
    assert await reader.read() == WSMessage(WSMsgType.CLOSE, 4000, "why")
    # The core's echo of the Close frame was written at once.
    peer.receive_data(b"".join(sent))
    assert [type(e).__name__ for e in peer.events()] == ["Close"]


async def test_close_without_code_reads_as_1005() -> None:
    reader, peer, _, _ = make_reader()
    reader.feed_data(peer.send_close(None))
    assert await reader.read() == WSMessage(WSMsgType.CLOSE, 1005, "")


async def test_pings_answered_and_hidden_under_autoping() -> None:
    reader, peer, _, sent = make_reader()
    reader.feed_data(peer.send_ping(b"1") + peer.send_pong(b"2") + peer.send_text("x"))
    assert reader.queued_messages == 1
    assert (await reader.read()).data == "x"
    peer.receive_data(b"".join(sent))
    assert [(type(e).__name__, e.data) for e in peer.events()] == [("Pong", b"1")]


async def test_pings_queued_without_autoping() -> None:
    reader, peer, _, sent = make_reader(autoping=False)
    reader.feed_data(peer.send_ping(b"1") + peer.send_pong(b"2"))
    assert await reader.read() == WSMessage(WSMsgType.PING, b"1", None)
    assert await reader.read() == WSMessage(WSMsgType.PONG, b"2", None)
    assert sent == []


async def test_eof_after_the_queue() -> None:
    reader, peer, flow, _ = make_reader(limit=1)
    reader.feed_data(peer.send_text("last"))
    reader.feed_eof()
    assert flow.calls == ["pause", "resume"]
    assert not reader.at_eof()
    assert (await reader.read()).data == "last"
    assert reader.at_eof()
    assert (await reader.read()).type is WSMsgType.CLOSED
    reader.feed_data(peer.send_text("ignored"))
    assert reader.queued_messages == 0


async def test_protocol_error_becomes_websocket_error() -> None:
    reader, peer, _, sent = make_reader()
    # A masked text frame (key 0) whose one byte is not UTF-8.
    reader.feed_data(peer.send_text("ok") + b"\x81\x81\x00\x00\x00\x00\xff")
    assert (await reader.read()).data == "ok"
    with pytest.raises(WebSocketError) as info:
        await reader.read()
    assert info.value.code == 1007
    assert isinstance(info.value.__cause__, ProtocolError)
    assert reader.exception() is info.value
    # The Close frame failing the connection went to the peer.
    peer.receive_data(b"".join(sent))
    (close,) = list(peer.events())
    assert close.code == 1007  # type: ignore[union-attr]


async def test_set_exception_after_queued_messages() -> None:
    reader, peer, _, _ = make_reader()
    reader.feed_data(peer.send_text("first"))
    error = ConnectionResetError("gone")
    reader.set_exception(error)
    reader.set_exception(RuntimeError("second one is ignored"))
    assert (await reader.read()).data == "first"
    with pytest.raises(ConnectionResetError, match="gone"):
        await reader.read()


async def test_read_waits_and_times_out() -> None:
    reader, peer, _, _ = make_reader()
    with pytest.raises(asyncio.TimeoutError):
        await reader.read(timeout=0.01)
    waiting = asyncio.create_task(reader.read())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="another coroutine"):
        await reader.read()
    reader.feed_data(peer.send_text("woken"))
    assert (await waiting).data == "woken"


async def test_feed_message_wakes_a_reader() -> None:
    reader, _, _, _ = make_reader()
    waiting = asyncio.create_task(reader.read())
    await asyncio.sleep(0)
    reader.feed_message(WSMessage(WSMsgType.CLOSING, None, None))
    assert (await waiting).type is WSMsgType.CLOSING


def test_invalid_limits() -> None:
    with pytest.raises(ValueError, match="positive"):
        make_reader(limit=0)
    with pytest.raises(ValueError, match="positive"):
        make_reader(max_messages=0)


def test_activity_callback() -> None:
    calls: list[None] = []
    flow = Flow()
    ours = WebSocketProtocol(Role.SERVER, auto_pong=False)
    reader = WebSocketReader(
        ours, flow, lambda data: None, on_activity=lambda: calls.append(None)
    )
    reader.feed_data(WebSocketProtocol(Role.CLIENT).send_ping())
    reader.feed_data(b"")
    assert len(calls) == 1


@relaxed
@given(st.lists(st.binary(max_size=64), max_size=8))
def test_garbage_never_escapes_feed_data(chunks: list[bytes]) -> None:
    reader, _, _, sent = make_reader(limit=64, max_messages=2)
    for chunk in chunks:
        reader.feed_data(chunk)
    reader.feed_eof()
    # Everything queued reads back; an error, if any, is a WebSocketError
    # whose Close frame went to the peer.
    loop = asyncio.new_event_loop()
    try:
        while True:
            try:
                message = loop.run_until_complete(reader.read())
            except WebSocketError as exc:
                assert 1000 <= exc.code < 5000
                assert sent
                break
            if message.type is WSMsgType.CLOSED:
                break
    finally:
        loop.close()


def frames_sent(sent: list[bytes]) -> list[object]:
    peer = WebSocketProtocol(Role.CLIENT)
    peer.receive_data(b"".join(sent))
    return list(peer.events())


def test_a_pong_for_every_ping_of_a_chunk() -> None:
    # Autobahn case 2.10 expects all ten pongs, in order.
    reader, peer, _, sent = make_reader()
    reader.feed_data(peer.send_ping(b"1") + peer.send_ping(b"2") + peer.send_ping(b"3"))
    assert frames_sent(sent) == [Pong(b"1"), Pong(b"2"), Pong(b"3")]


def test_one_pong_for_the_latest_ping_of_a_chunk_while_congested() -> None:
    backlog = [10**6]
    sent: list[bytes] = []
    reader = WebSocketReader(
        WebSocketProtocol(Role.SERVER, auto_pong=False),
        Flow(),
        sent.append,
        write_buffer_size=lambda: backlog[0],
        pong_backlog=1000,
    )
    peer = WebSocketProtocol(Role.CLIENT)
    reader.feed_data(peer.send_ping(b"1") + peer.send_ping(b"2") + peer.send_ping(b"3"))
    assert sent == []
    backlog[0] = 0
    reader.feed_data(peer.send_text("next"))
    assert frames_sent(sent) == [Pong(b"3")]


def test_pongs_held_back_while_the_write_buffer_is_full() -> None:
    backlog = [10**6]
    flow = Flow()
    sent: list[bytes] = []
    reader = WebSocketReader(
        WebSocketProtocol(Role.SERVER, auto_pong=False),
        flow,
        sent.append,
        write_buffer_size=lambda: backlog[0],
        pong_backlog=1000,
    )
    peer = WebSocketProtocol(Role.CLIENT)
    for i in range(100):
        reader.feed_data(peer.send_ping(str(i).encode()))
    assert sent == []
    backlog[0] = 1000
    reader.feed_data(peer.send_text("next"))
    # Only the latest ping is answered (RFC 6455 §5.5.3).
    assert frames_sent(sent) == [Pong(b"99")]


def test_no_pong_after_the_close_echo() -> None:
    reader, peer, _, sent = make_reader()
    reader.feed_data(peer.send_ping(b"p") + peer.send_close(1000, ""))
    assert frames_sent(sent) == [Close(1000, "")]


async def test_messages_around_a_ping_in_one_read_keep_their_order() -> None:
    # Whole messages come from the core's fast path, the ping through its
    # events, and the text after the ping from the fast path's next call.
    reader, peer, flow, sent = make_reader(max_messages=2)
    reader.feed_data(
        peer.send_text("a")
        + peer.send_binary(b"b")
        + peer.send_ping(b"p")
        + peer.send_text("c")
        + peer.send_binary(b"d", final=False)
        + peer.send_binary(b"e")
    )
    assert frames_sent(sent) == [Pong(b"p")]
    assert reader.queued_messages == 4
    assert reader.queued_bytes == 5
    assert flow.calls == ["pause"]
    received = [await reader.read() for _ in range(4)]
    assert [(m.type, m.data) for m in received] == [
        (WSMsgType.TEXT, "a"),
        (WSMsgType.BINARY, b"b"),
        (WSMsgType.TEXT, "c"),
        (WSMsgType.BINARY, b"de"),
    ]
    assert flow.calls == ["pause", "resume"]
    assert reader.queued_bytes == 0


async def test_a_bad_frame_after_whole_messages_fails_after_them() -> None:
    reader, peer, _, sent = make_reader()
    # A masked text frame (key 0) whose one byte is not UTF-8, after two
    # whole messages of one read.
    reader.feed_data(
        peer.send_text("x") + peer.send_text("y") + b"\x81\x81\x00\x00\x00\x00\xff"
    )
    assert [(await reader.read()).data for _ in range(2)] == ["x", "y"]
    with pytest.raises(WebSocketError) as info:
        await reader.read()
    assert info.value.code == 1007
    assert frames_sent(sent) == [Close(1007, "invalid UTF-8 in a text message")]
