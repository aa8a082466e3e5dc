"""The whole-message fast path: ``FrameReader.next_messages`` and
``WebSocketProtocol.receive_messages`` take exactly what the full path would
deliver as whole text and binary messages, and leave everything else to it."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aioweb.websocket import (
    Binary,
    CloseCode,
    Event,
    Ping,
    ProtocolError,
    Role,
    State,
    Text,
    WebSocketProtocol,
)


def reader(impl: ModuleType, *, masked: bool = True, limit: int = 1 << 20) -> Any:
    return impl.FrameReader(masked=masked, max_frame_size=limit, allow_rsv1=True)


# -- the frame reader, both twins ----------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536])
def test_messages_of_every_length_encoding(
    reader_impl: ModuleType, make_frame: Any, size: int
) -> None:
    payload = bytes(range(256)) * (size // 256 + 1)
    text = "é" * (size // 2)
    r = reader(reader_impl)
    r.feed(make_frame(0x2, payload[:size]) + make_frame(0x1, text.encode()))
    assert r.next_messages(1 << 20) == [(0x2, payload[:size]), (0x1, text)]
    assert r.buffered == 0
    assert r.next_messages(1 << 20) == []


def test_unmasked_messages_for_a_client(
    reader_impl: ModuleType, make_frame: Any
) -> None:
    r = reader(reader_impl, masked=False)
    r.feed(make_frame(0x1, b"hi", mask=None) + make_frame(0x2, b"\x00", mask=None))
    assert r.next_messages(100) == [(0x1, "hi"), (0x2, b"\x00")]


@pytest.mark.parametrize(
    "stopper",
    [
        pytest.param(lambda f: f(0x9, b"ping"), id="control frame"),
        pytest.param(lambda f: f(0x1, b"a", fin=False), id="first fragment"),
        pytest.param(lambda f: f(0x0, b"a"), id="continuation"),
        pytest.param(lambda f: f(0x2, b"z", rsv=4), id="compressed"),
        pytest.param(lambda f: f(0x2, b"z", rsv=2), id="RSV2"),
        pytest.param(lambda f: f(0x3, b"z"), id="unknown opcode"),
        pytest.param(lambda f: f(0x1, b"\xff"), id="invalid UTF-8"),
        pytest.param(lambda f: f(0x1, b"\xed\xa0\x80"), id="surrogate"),
        pytest.param(lambda f: f(0x2, b"z" * 11), id="over the message limit"),
        pytest.param(lambda f: f(0x2, b"z", mask=None), id="unmasked"),
    ],
)
def test_stops_at_a_frame_it_does_not_take(
    reader_impl: ModuleType, make_frame: Any, stopper: Any
) -> None:
    rest = stopper(make_frame)
    r = reader(reader_impl)
    r.feed(make_frame(0x2, b"first") + rest + make_frame(0x1, b"after"))
    assert r.next_messages(10) == [(0x2, b"first")]
    # The frame that stopped it, and all after it, are still buffered.
    assert r.buffered == len(rest) + len(make_frame(0x1, b"after"))
    assert r.next_messages(10) == []


@pytest.mark.parametrize(
    "cut",
    [
        pytest.param(lambda f: f(0x2, b"z" * 20)[:-1], id="payload"),
        pytest.param(lambda f: b"\x82", id="one header byte"),
        pytest.param(lambda f: f(0x2, b"z" * 200)[:3], id="length"),
        pytest.param(lambda f: f(0x2, b"z" * 70000)[:9], id="64-bit length"),
        pytest.param(lambda f: f(0x2, b"z")[:5], id="masking key"),
    ],
)
def test_stops_at_an_incomplete_frame(
    reader_impl: ModuleType, make_frame: Any, cut: Any
) -> None:
    rest = cut(make_frame)
    r = reader(reader_impl)
    r.feed(make_frame(0x2, b"first") + rest)
    assert r.next_messages(1 << 20) == [(0x2, b"first")]
    assert r.buffered == len(rest)
    assert r.next_frame() is None


def test_frame_limit_applies_too(reader_impl: ModuleType, make_frame: Any) -> None:
    r = reader(reader_impl, limit=4)
    r.feed(make_frame(0x2, b"1234") + make_frame(0x2, b"12345"))
    assert r.next_messages(100) == [(0x2, b"1234")]
    with pytest.raises(ProtocolError) as info:
        r.next_frame()
    assert info.value.close_code is CloseCode.MESSAGE_TOO_BIG


def test_twins_agree_byte_at_a_time(reader_impl: ModuleType, make_frame: Any) -> None:
    wire = b"".join(
        [
            make_frame(0x1, "κόσμε".encode()),
            make_frame(0x2, b"x" * 300),
            make_frame(0x9, b""),
            make_frame(0x2, b"y"),
        ]
    )
    r = reader(reader_impl)
    taken: list[Any] = []
    pinged = False
    for i in range(len(wire)):
        r.feed(wire[i : i + 1])
        taken += r.next_messages(1000)
        if not pinged and len(taken) == 2 and r.buffered == 2 + 4:
            # The ping, whole: the fast path leaves it to next_frame.
            assert r.next_messages(1000) == []
            assert r.next_frame() == (True, False, 0x9, b"")
            pinged = True
    assert pinged
    assert taken == [(0x1, "κόσμε"), (0x2, b"x" * 300), (0x2, b"y")]


# -- the protocol object, over both twins -------------------------------------


def slow(wire: bytes, **kwargs: Any) -> tuple[list[Event], Any]:
    """The events the full path makes of ``wire``, and its failure."""
    protocol = WebSocketProtocol(Role.SERVER, **kwargs)
    protocol.receive_data(wire)
    events: list[Event] = []
    try:
        events.extend(protocol.events())
    except ProtocolError as exc:
        return events, exc.close_code
    return events, None


def fast(wire: bytes, **kwargs: Any) -> tuple[list[Event], Any]:
    """The same through ``receive_messages``, then the events after it."""
    protocol = WebSocketProtocol(Role.SERVER, **kwargs)
    messages, more = protocol.receive_messages(wire)
    events: list[Event] = [
        Text(data) if opcode == 0x1 else Binary(data)  # type: ignore[arg-type]
        for opcode, data in messages
    ]
    if not more:
        assert protocol.next_event() is None
        return events, None
    try:
        events.extend(protocol.events())
    except ProtocolError as exc:
        return events, exc.close_code
    return events, None


_FRAMES = st.sampled_from(
    [
        (0x1, b"ok", True, 0),
        (0x1, "é€😀".encode(), True, 0),
        (0x1, b"\xff", True, 0),
        (0x2, b"", True, 0),
        (0x2, b"b" * 130, True, 0),
        (0x2, b"c" * 40, True, 0),
        (0x1, b"a", False, 0),
        (0x2, b"a", False, 0),
        (0x0, b"b", False, 0),
        (0x0, b"c", True, 0),
        (0x9, b"p", True, 0),
        (0xA, b"", True, 0),
        (0x8, b"\x03\xe8", True, 0),
        (0x2, b"z", True, 2),
    ]
)


@pytest.mark.usefixtures("twin")
# make_frame is stateless and twin patches for the whole test: sharing them
# between examples is safe.
@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(frames=st.lists(_FRAMES, max_size=8), assemble=st.booleans())
def test_same_events_as_the_full_path(
    make_frame: Any, frames: list[tuple[int, bytes, bool, int]], assemble: bool
) -> None:
    wire = b"".join(
        make_frame(opcode, payload, fin=fin, rsv=rsv)
        for opcode, payload, fin, rsv in frames
    )
    options = {"max_message_size": 100, "assemble_messages": assemble}
    assert fast(wire, **options) == slow(wire, **options)


@pytest.mark.usefixtures("twin")
def test_nothing_taken_inside_a_fragmented_message(make_frame: Any) -> None:
    protocol = WebSocketProtocol(Role.SERVER)
    assert protocol.receive_messages(make_frame(0x1, b"a", fin=False)) == ([], True)
    assert list(protocol.events()) == []
    # A whole text frame now is an error (RFC 6455 section 5.4), not a message.
    assert protocol.receive_messages(make_frame(0x1, b"b")) == ([], True)
    with pytest.raises(ProtocolError, match="new message started"):
        protocol.next_event()


@pytest.mark.usefixtures("twin")
def test_bytes_after_the_close_frame_are_dropped(make_frame: Any) -> None:
    protocol = WebSocketProtocol(Role.SERVER)
    messages, more = protocol.receive_messages(
        make_frame(0x2, b"x") + make_frame(0x8, b"\x03\xe8")
    )
    assert messages == [(0x2, b"x")]
    assert more
    assert [type(event).__name__ for event in protocol.events()] == ["Close"]
    assert protocol.state is State.CLOSED
    assert protocol.receive_messages(make_frame(0x2, b"late")) == ([], True)
    assert protocol.bytes_buffered == 0
    assert protocol.next_event() is None


@pytest.mark.usefixtures("twin")
def test_ping_after_messages_is_answered(make_frame: Any) -> None:
    protocol = WebSocketProtocol(Role.SERVER)
    messages, more = protocol.receive_messages(
        make_frame(0x1, b"a") + make_frame(0x9, b"hi")
    )
    assert messages == [(0x1, "a")]
    assert more
    assert list(protocol.events()) == [Ping(b"hi")]
    assert protocol.data_to_send() == b"\x8a\x02hi"
