"""The protocol object: messages, fragments, control frames, limits (RFC 6455)."""

from __future__ import annotations

from typing import Any

import pytest

from aioweb.websocket import (
    DEFAULT_MAX_FRAGMENTS,
    DEFAULT_MAX_FRAME_SIZE,
    DEFAULT_MAX_MESSAGE_SIZE,
    Binary,
    Close,
    CloseCode,
    Event,
    LocalProtocolError,
    Ping,
    Pong,
    ProtocolError,
    Role,
    State,
    Text,
    WebSocketProtocol,
)

pytestmark = pytest.mark.usefixtures("twin")


def server(**kwargs: Any) -> WebSocketProtocol:
    return WebSocketProtocol(Role.SERVER, **kwargs)


def feed(protocol: WebSocketProtocol, data: bytes) -> list[Event]:
    protocol.receive_data(data)
    return list(protocol.events())


def fails(protocol: WebSocketProtocol, data: bytes, code: CloseCode) -> bytes:
    """Feed ``data``, expect the connection to fail; returns the close frame."""
    protocol.receive_data(data)
    with pytest.raises(ProtocolError) as info:
        list(protocol.events())
    assert info.value.close_code is code
    assert protocol.state is State.CLOSED
    assert protocol.close_code == code
    sent = protocol.data_to_send()
    assert sent[:1] == b"\x88"  # a Close frame, unmasked from a server
    assert int.from_bytes(sent[2:4], "big") == code
    # Nothing more comes out of a failed connection.
    protocol.receive_data(b"\x81\x80abcd")
    assert list(protocol.events()) == []
    return sent


def test_defaults() -> None:
    assert DEFAULT_MAX_FRAME_SIZE == 4 * 1024 * 1024
    assert DEFAULT_MAX_MESSAGE_SIZE == 4 * 1024 * 1024
    assert DEFAULT_MAX_FRAGMENTS == 4096
    protocol = server()
    assert protocol.state is State.OPEN
    assert protocol.close_code is None
    assert protocol.extensions == []


def test_default_message_limit_enforced(make_frame: Any) -> None:
    protocol = server(max_frame_size=None)
    assert feed(protocol, make_frame(0x2, b"x" * DEFAULT_MAX_MESSAGE_SIZE)) == [
        Binary(b"x" * DEFAULT_MAX_MESSAGE_SIZE)
    ]
    fails(
        protocol,
        make_frame(0x2, b"x" * (DEFAULT_MAX_MESSAGE_SIZE + 1)),
        CloseCode.MESSAGE_TOO_BIG,
    )


def test_default_frame_limit_enforced(make_frame: Any) -> None:
    protocol = server(max_message_size=None)
    fails(
        protocol,
        make_frame(0x2, b"")[:1]
        + b"\xff"
        + (DEFAULT_MAX_FRAME_SIZE + 1).to_bytes(8, "big"),
        CloseCode.MESSAGE_TOO_BIG,
    )


def test_default_fragment_limit_enforced(make_frame: Any) -> None:
    protocol = server()
    wire = make_frame(0x2, b"a", fin=False) + make_frame(0x0, b"a", fin=False) * (
        DEFAULT_MAX_FRAGMENTS - 2
    )
    assert feed(protocol, wire + make_frame(0x0, b"a")) == [
        Binary(b"a" * DEFAULT_MAX_FRAGMENTS)
    ]
    fails(
        protocol,
        wire + make_frame(0x0, b"a", fin=False) + make_frame(0x0, b"a"),
        CloseCode.MESSAGE_TOO_BIG,
    )


@pytest.mark.parametrize("limit", [0, -1])
def test_limits_must_be_positive(limit: int) -> None:
    for name in ("max_frame_size", "max_message_size", "max_fragments"):
        with pytest.raises(ValueError, match=name):
            server(**{name: limit})


def test_unknown_extension_refused() -> None:
    with pytest.raises(ValueError, match="unsupported extension"):
        server(extensions=[object()])


def test_client_and_server_talk() -> None:
    client = WebSocketProtocol(Role.CLIENT)
    srv = server()
    wire = client.send_text("héllo") + client.send_binary(b"\x00\xff" * 40000)
    assert wire[1] & 0x80  # a client masks
    assert feed(srv, wire) == [Text("héllo"), Binary(b"\x00\xff" * 40000)]
    reply = srv.send_text("back")
    assert reply == b"\x81\x04back"  # a server does not
    assert feed(client, reply) == [Text("back")]


def test_client_masks_with_fresh_keys() -> None:
    client = WebSocketProtocol(Role.CLIENT)
    keys = {client.send_binary(b"x")[2:6] for _ in range(20)}
    assert len(keys) > 1


def test_trailing_bytes_after_handshake(make_frame: Any) -> None:
    # Somebody else read the HTTP request and handed over what came after it.
    protocol = server()
    tail = make_frame(0x1, b"first")
    assert feed(protocol, tail[:3]) == []
    assert protocol.bytes_buffered == 3
    assert feed(protocol, tail[3:]) == [Text("first")]
    assert protocol.bytes_buffered == 0


def test_fragmented_message_with_interleaved_control(make_frame: Any) -> None:
    protocol = server()
    wire = (
        make_frame(0x1, b"Hel", fin=False)
        + make_frame(0x9, b"ping")
        + make_frame(0x0, "lo wörld".encode()[:7], fin=False)
        + make_frame(0xA, b"pong")
        + make_frame(0x0, "lo wörld".encode()[7:])
    )
    assert feed(protocol, wire) == [Ping(b"ping"), Pong(b"pong"), Text("Hello wörld")]
    assert protocol.data_to_send() == b"\x8a\x04ping"  # the automatic pong


def test_auto_pong_can_be_disabled(make_frame: Any) -> None:
    protocol = server(auto_pong=False)
    assert feed(protocol, make_frame(0x9, b"x")) == [Ping(b"x")]
    assert protocol.data_to_send() == b""


def test_bytes_buffered_counts_partial_message(make_frame: Any) -> None:
    protocol = server()
    protocol.receive_data(
        make_frame(0x2, b"x" * 100, fin=False) + make_frame(0x0, b"y")[:3]
    )
    assert list(protocol.events()) == []
    assert protocol.bytes_buffered == 100 + 3


def test_fragments_delivered_unassembled(make_frame: Any) -> None:
    protocol = server(assemble_messages=False)
    euro = "€".encode()
    wire = (
        make_frame(0x1, b"a" + euro[:1], fin=False)
        + make_frame(0x0, euro[1:], fin=False)
        + make_frame(0x0, b"b")
        + make_frame(0x2, b"x", fin=False)
        + make_frame(0x0, b"y")
        + make_frame(0x1, b"whole")
    )
    assert feed(protocol, wire) == [
        Text("a", final=False),
        Text("€", final=False),
        Text("b", final=True),
        Binary(b"x", final=False),
        Binary(b"y", final=True),
        Text("whole", final=True),
    ]


@pytest.mark.parametrize("assemble", [True, False])
def test_utf8_fails_fast_on_first_bad_fragment(make_frame: Any, assemble: bool) -> None:
    protocol = server(assemble_messages=assemble)
    assert feed(protocol, make_frame(0x1, b"ok", fin=False)) == (
        [] if assemble else [Text("ok", False)]
    )
    # The message is not finished; the invalid byte alone fails it.
    fails(protocol, make_frame(0x0, b"\xff", fin=False), CloseCode.INVALID_TEXT)


def test_utf8_out_of_range_code_point_fails_before_the_end(make_frame: Any) -> None:
    protocol = server()
    # U+110000 would start with F4 90: invalid from the second byte on.
    fails(protocol, make_frame(0x1, b"\xf4\x90", fin=False), CloseCode.INVALID_TEXT)


def test_utf8_truncated_at_message_end(make_frame: Any) -> None:
    protocol = server()
    wire = make_frame(0x1, b"a\xe2\x82", fin=False) + make_frame(0x0, b"")
    fails(protocol, wire, CloseCode.INVALID_TEXT)


def test_utf8_single_frame(make_frame: Any) -> None:
    fails(
        server(),
        make_frame(0x1, b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"),
        CloseCode.INVALID_TEXT,
    )


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        (lambda f: f(0x0, b"x"), "continuation frame with no message"),
        (lambda f: f(0x1, b"a", fin=False) + f(0x1, b"b"), "new message started"),
        (lambda f: f(0x2, b"a", fin=False) + f(0x2, b"b"), "new message started"),
    ],
)
def test_fragment_order(make_frame: Any, wire: Any, message: str) -> None:
    protocol = server()
    protocol.receive_data(wire(make_frame))
    with pytest.raises(ProtocolError, match=message):
        list(protocol.events())
    assert protocol.close_code == CloseCode.PROTOCOL_ERROR


def test_message_limit_across_fragments(make_frame: Any) -> None:
    protocol = server(max_message_size=10)
    assert feed(protocol, make_frame(0x2, b"x" * 6, fin=False)) == []
    fails(protocol, make_frame(0x0, b"x" * 5), CloseCode.MESSAGE_TOO_BIG)


def test_fragment_limit(make_frame: Any) -> None:
    protocol = server(max_fragments=3)
    wire = make_frame(0x2, b"a", fin=False) + make_frame(0x0, b"b", fin=False)
    assert feed(protocol, wire + make_frame(0x0, b"c")) == [Binary(b"abc")]
    wire += make_frame(0x0, b"c", fin=False) + make_frame(0x0, b"d")
    fails(protocol, wire, CloseCode.MESSAGE_TOO_BIG)


def test_no_limits() -> None:
    protocol = server(max_frame_size=None, max_message_size=None, max_fragments=None)
    client = WebSocketProtocol(Role.CLIENT)
    big = b"z" * (DEFAULT_MAX_MESSAGE_SIZE + 10)
    assert feed(protocol, client.send_binary(big)) == [Binary(big)]


# -- closing handshake (RFC 6455 section 7) -----------------------------------


def test_peer_initiated_close_is_echoed(make_frame: Any) -> None:
    protocol = server()
    events = feed(protocol, make_frame(0x8, b"\x03\xe8bye"))
    assert events == [Close(1000, "bye")]
    assert protocol.state is State.CLOSED
    assert (protocol.close_code, protocol.close_reason) == (1000, "bye")
    assert protocol.data_to_send() == b"\x88\x02\x03\xe8"
    # Anything after the Close frame is ignored.
    assert feed(protocol, make_frame(0x1, b"late")) == []


def test_close_without_code(make_frame: Any) -> None:
    protocol = server()
    assert feed(protocol, make_frame(0x8, b"")) == [Close(None, "")]
    assert protocol.close_code == 1005
    assert protocol.data_to_send() == b"\x88\x00"


def test_locally_initiated_close() -> None:
    client = WebSocketProtocol(Role.CLIENT)
    srv = server()
    frame = client.send_close(CloseCode.GOING_AWAY, "done")
    assert client.state is State.LOCAL_CLOSING
    with pytest.raises(LocalProtocolError):
        client.send_text("after close")
    with pytest.raises(LocalProtocolError):
        client.send_close()
    assert feed(srv, frame) == [Close(1001, "done")]
    echo = srv.data_to_send()
    # Data still in flight from the server arrives before its Close frame.
    assert feed(client, b"\x81\x02hi" + echo) == [Text("hi"), Close(1001, "")]
    assert client.state is State.CLOSED
    assert client.data_to_send() == b""  # nothing to echo: we started it


def test_close_interrupts_fragmented_message(make_frame: Any) -> None:
    protocol = server()
    wire = make_frame(0x2, b"part", fin=False) + make_frame(0x8, b"\x03\xe8")
    assert feed(protocol, wire) == [Close(1000, "")]
    assert protocol.bytes_buffered == 0


@pytest.mark.parametrize(
    "code", [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]
)
def test_invalid_close_codes(make_frame: Any, code: int) -> None:
    fails(server(), make_frame(0x8, code.to_bytes(2, "big")), CloseCode.PROTOCOL_ERROR)


@pytest.mark.parametrize(
    "code",
    [
        1000,
        1001,
        1002,
        1003,
        1007,
        1008,
        1009,
        1010,
        1011,
        1012,
        1013,
        1014,
        3000,
        3999,
        4000,
        4999,
    ],
)
def test_valid_close_codes(make_frame: Any, code: int) -> None:
    assert feed(server(), make_frame(0x8, code.to_bytes(2, "big"))) == [Close(code, "")]


def test_one_byte_close_payload(make_frame: Any) -> None:
    fails(server(), make_frame(0x8, b"\x03"), CloseCode.PROTOCOL_ERROR)


def test_close_reason_must_be_utf8(make_frame: Any) -> None:
    fails(server(), make_frame(0x8, b"\x03\xe8\xff"), CloseCode.INVALID_TEXT)


def test_failure_reason_is_cut_on_a_character_boundary(make_frame: Any) -> None:
    protocol = server()
    sent = fails(protocol, make_frame(0x3, b""), CloseCode.PROTOCOL_ERROR)
    assert sent[1] == len(sent) - 2 <= 125
    assert sent[4:].decode() == "unknown opcode 3"


def test_failure_after_our_close_sends_no_second_close(make_frame: Any) -> None:
    protocol = server()
    protocol.send_close()
    protocol.receive_data(make_frame(0x3, b""))
    with pytest.raises(ProtocolError):
        list(protocol.events())
    assert protocol.data_to_send() == b""
    assert protocol.state is State.CLOSED


def test_eof_without_close_is_abnormal(make_frame: Any) -> None:
    protocol = server()
    protocol.receive_data(make_frame(0x1, b"last") + make_frame(0x1, b"cut")[:4])
    protocol.receive_eof()
    assert list(protocol.events()) == [Text("last"), Close(1006, "")]
    assert protocol.close_code == CloseCode.ABNORMAL_CLOSURE
    assert protocol.state is State.CLOSED
    assert list(protocol.events()) == []


def test_eof_after_close_handshake_is_quiet(make_frame: Any) -> None:
    protocol = server()
    feed(protocol, make_frame(0x8, b"\x03\xe8"))
    protocol.receive_eof()
    assert list(protocol.events()) == []
    assert protocol.close_code == 1000


# -- sending -------------------------------------------------------------------


def test_send_fragmented_and_events() -> None:
    client = WebSocketProtocol(Role.CLIENT)
    srv = server()
    wire = (
        client.send_text("ab", final=False)
        + client.send_ping(b"p")
        + client.send_text("cd")
        + client.send(Binary(b"\x01"))
        + client.send(Pong(b"q"))
        + client.send(Ping(b"r"))
    )
    with pytest.raises(LocalProtocolError, match="another type"):
        client.send_binary(b"x", final=False)
        client.send_text("y")
    assert feed(srv, wire) == [
        Ping(b"p"),
        Text("abcd"),
        Binary(b"\x01"),
        Pong(b"q"),
        Ping(b"r"),
    ]
    assert feed(srv, client.send(Close(4000, "x"))) == [Close(4000, "x")]
    with pytest.raises(TypeError):
        client.send("text")  # type: ignore[arg-type]


def test_sent_frame_headers() -> None:
    srv = server()
    assert srv.send_binary(b"x" * 126)[:4] == b"\x82\x7e\x00\x7e"
    assert srv.send_binary(b"x" * 65536)[:10] == b"\x82\x7f" + (65536).to_bytes(
        8, "big"
    )
    assert srv.send_text("a", final=False)[:1] == b"\x01"
    assert srv.send_text("b")[:1] == b"\x80"  # a final continuation
    assert srv.send_close(None) == b"\x88\x00"


@pytest.mark.parametrize("code", [999, 1004, 1005, 1006, 1015, 2000, 5000])
def test_send_close_refuses_reserved_codes(code: int) -> None:
    with pytest.raises(LocalProtocolError, match=str(code)):
        server().send_close(code)


def test_send_close_limits() -> None:
    with pytest.raises(LocalProtocolError, match="123 bytes"):
        server().send_close(1000, "x" * 124)
    with pytest.raises(LocalProtocolError, match="needs a close code"):
        server().send_close(None, "reason")
    assert server().send_close(1000, "x" * 123)[1] == 125


def test_control_frames_limited_to_125() -> None:
    with pytest.raises(LocalProtocolError, match="125"):
        server().send_ping(b"x" * 126)
    with pytest.raises(LocalProtocolError, match="125"):
        server().send_pong(b"x" * 126)
    assert server().send_ping(b"x" * 125)[1] == 125


def test_nothing_sent_after_peer_close(make_frame: Any) -> None:
    protocol = server()
    feed(protocol, make_frame(0x8, b""))
    with pytest.raises(LocalProtocolError):
        protocol.send_text("x")
    with pytest.raises(LocalProtocolError):
        protocol.send_ping(b"x")
