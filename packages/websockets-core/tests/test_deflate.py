"""permessage-deflate (RFC 7692): negotiation, compression, bounded inflation."""

from __future__ import annotations

import zlib
from typing import Any

import pytest

from aioweb.websocket import (
    Binary,
    CloseCode,
    DeflateOptions,
    DeflateParameters,
    HandshakeError,
    PerMessageDeflate,
    ProtocolError,
    Role,
    State,
    Text,
    WebSocketProtocol,
)
from aioweb.websocket._extension_header import parse_extensions

pytestmark = pytest.mark.usefixtures("twin")


def negotiate(
    client_options: DeflateOptions, server_options: DeflateOptions
) -> tuple[PerMessageDeflate, PerMessageDeflate]:
    offer = client_options.offer()
    accepted = server_options.accept_offers(parse_extensions([offer]))
    assert accepted is not None
    value, server_side = accepted
    client_side = client_options.accept_response([value])
    assert client_side is not None
    assert client_side.parameters == server_side.parameters
    return client_side, server_side


def pair(
    client_options: DeflateOptions | None = None,
    server_options: DeflateOptions | None = None,
    **limits: Any,
) -> tuple[WebSocketProtocol, WebSocketProtocol]:
    c, s = negotiate(
        client_options or DeflateOptions(threshold=0),
        server_options or DeflateOptions(threshold=0),
    )
    return (
        WebSocketProtocol(Role.CLIENT, extensions=[c], **limits),
        WebSocketProtocol(Role.SERVER, extensions=[s], **limits),
    )


def exchange(
    sender: WebSocketProtocol, receiver: WebSocketProtocol, wire: bytes
) -> list[Any]:
    receiver.receive_data(wire)
    return list(receiver.events())


def test_offer_text() -> None:
    assert DeflateOptions().offer() == "permessage-deflate; client_max_window_bits"
    full = DeflateOptions(
        server_no_context_takeover=True,
        client_no_context_takeover=True,
        server_max_window_bits=10,
        client_max_window_bits=12,
    )
    assert full.offer() == (
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover;"
        " server_max_window_bits=10; client_max_window_bits=12"
    )


@pytest.mark.parametrize("bits", [7, 16])
def test_options_validate_window_bits(bits: int) -> None:
    with pytest.raises(ValueError, match="between 8 and 15"):
        DeflateOptions(server_max_window_bits=bits)


@pytest.mark.parametrize(
    ("client", "server", "expected"),
    [
        (DeflateOptions(), DeflateOptions(), DeflateParameters()),
        (
            DeflateOptions(server_no_context_takeover=True),
            DeflateOptions(),
            DeflateParameters(server_no_context_takeover=True),
        ),
        (
            DeflateOptions(),
            DeflateOptions(client_no_context_takeover=True),
            DeflateParameters(client_no_context_takeover=True),
        ),
        (
            DeflateOptions(server_max_window_bits=10),
            DeflateOptions(server_max_window_bits=12),
            DeflateParameters(server_max_window_bits=10),
        ),
        (
            DeflateOptions(),
            DeflateOptions(server_max_window_bits=11),
            DeflateParameters(server_max_window_bits=11),
        ),
        (
            DeflateOptions(),
            DeflateOptions(client_max_window_bits=9),
            DeflateParameters(client_max_window_bits=9),
        ),
        (
            DeflateOptions(client_max_window_bits=10),
            DeflateOptions(),
            DeflateParameters(client_max_window_bits=10),
        ),
        (
            DeflateOptions(client_max_window_bits=13),
            DeflateOptions(client_max_window_bits=9),
            DeflateParameters(client_max_window_bits=9),
        ),
    ],
)
def test_negotiation(
    client: DeflateOptions, server: DeflateOptions, expected: DeflateParameters
) -> None:
    _c, s = negotiate(client, server)
    assert s.parameters == expected


def test_server_declines_invalid_offers_and_takes_the_next() -> None:
    options = DeflateOptions()
    offers = parse_extensions(
        [
            "x-unknown, permessage-deflate; bogus, permessage-deflate; "
            "server_max_window_bits=16, permessage-deflate; server_max_window_bits,"
            " permessage-deflate; client_max_window_bits=08,"
            " permessage-deflate; server_no_context_takeover=1,"
            " permessage-deflate; server_no_context_takeover;"
            " server_no_context_takeover",
            'permessage-deflate; server_max_window_bits="10"',
        ]
    )
    accepted = options.accept_offers(offers)
    assert accepted is not None
    assert accepted[0] == "permessage-deflate; server_max_window_bits=10"


def test_server_declines_when_client_cannot_limit_its_window() -> None:
    options = DeflateOptions(client_max_window_bits=10)
    assert options.accept_offers(parse_extensions(["permessage-deflate"])) is None


@pytest.mark.parametrize(
    ("offer", "response", "message"),
    [
        (DeflateOptions(), "x-other", "did not offer"),
        (DeflateOptions(), "permessage-deflate, permessage-deflate", "did not offer"),
        (DeflateOptions(), "permessage-deflate; foo", "unknown parameter"),
        (
            DeflateOptions(),
            "permessage-deflate; client_max_window_bits",
            "needs a value",
        ),
        (
            DeflateOptions(server_no_context_takeover=True),
            "permessage-deflate",
            "server_no_context_takeover",
        ),
        (
            DeflateOptions(server_max_window_bits=10),
            "permessage-deflate; server_max_window_bits=11",
            "server_max_window_bits",
        ),
        (
            DeflateOptions(client_max_window_bits=10),
            "permessage-deflate; client_max_window_bits=12",
            "client_max_window_bits",
        ),
    ],
)
def test_client_refuses_bad_responses(
    offer: DeflateOptions, response: str, message: str
) -> None:
    with pytest.raises(HandshakeError, match=message):
        offer.accept_response([response])


def test_client_accepts_declined_compression() -> None:
    assert DeflateOptions().accept_response([]) is None


def test_malformed_header() -> None:
    with pytest.raises(HandshakeError, match="malformed"):
        parse_extensions(["permessage-deflate; a=b=c"])
    with pytest.raises(HandshakeError, match="malformed"):
        parse_extensions(["per message"])


@pytest.mark.parametrize(
    "options",
    [
        DeflateOptions(threshold=0),
        DeflateOptions(
            threshold=0,
            server_no_context_takeover=True,
            client_no_context_takeover=True,
        ),
        DeflateOptions(threshold=0, server_max_window_bits=8, client_max_window_bits=8),
        DeflateOptions(
            threshold=0, server_max_window_bits=9, client_max_window_bits=15
        ),
    ],
    ids=["takeover", "no-takeover", "8-bits", "9-15-bits"],
)
def test_round_trip_both_directions(options: DeflateOptions) -> None:
    client, server = pair(options, options)
    # Long-distance repeats (over 256 bytes apart) exercise the window size.
    far = "".join(chr(0x41 + (i * 7919) % 26) for i in range(600)) * 3
    messages = ["hello " * 50, "hello " * 50, "", "é" * 1000, "x", far]
    for text in messages:
        wire = client.send_text(text)
        assert wire[0] & 0x40  # RSV1: compressed
        assert exchange(client, server, wire) == [Text(text)]
        reply = server.send_binary(text.encode())
        assert exchange(server, client, reply) == [Binary(text.encode())]


def test_context_takeover_shrinks_repeated_messages() -> None:
    client, _server = pair()
    first = client.send_text("the same sentence, again and again " * 4)
    second = client.send_text("the same sentence, again and again " * 4)
    assert len(second) < len(first)
    c2, s2 = pair(DeflateOptions(threshold=0, client_no_context_takeover=True))
    first = c2.send_text("the same sentence, again and again " * 4)
    second = c2.send_text("the same sentence, again and again " * 4)
    assert len(second) == len(first)
    assert (
        exchange(c2, s2, first + second)
        == [Text("the same sentence, again and again " * 4)] * 2
    )


def test_threshold_sends_small_messages_uncompressed() -> None:
    client, server = pair(DeflateOptions(threshold=100), DeflateOptions(threshold=100))
    small = client.send_binary(b"x" * 99)
    assert not small[0] & 0x40
    big = client.send_binary(b"x" * 100)
    assert big[0] & 0x40
    assert exchange(client, server, small + big) == [
        Binary(b"x" * 99),
        Binary(b"x" * 100),
    ]
    assert DeflateOptions().threshold == 32
    with pytest.raises(ValueError, match="threshold"):
        DeflateOptions(threshold=-1)


def test_fragmented_compressed_message() -> None:
    client, server = pair()
    wire = (
        client.send_text("abc" * 100, final=False)
        + client.send_ping(b"in between")
        + client.send_text("def" * 100, final=False)
        + client.send_text("ghi")
    )
    events = exchange(client, server, wire)
    assert events[-1] == Text("abc" * 100 + "def" * 100 + "ghi")


def test_uncompressed_message_with_deflate_negotiated() -> None:
    client, server = pair()
    assert exchange(
        client, server, b"\x81\x82abcd" + bytes([ord("h") ^ 97, ord("i") ^ 98])
    ) == [Text("hi")]


def test_compression_bomb_refused_without_inflating_it() -> None:
    _client, server = pair(max_message_size=1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = compressor.compress(b"\x00" * (64 << 20)) + compressor.flush(
        zlib.Z_SYNC_FLUSH
    )
    assert len(bomb) < 100_000
    payload = bomb[:-4]
    # Sent as a compressed binary frame by hand, masked like a client's.
    header = bytes((0xC2, 0xFF)) + len(payload).to_bytes(8, "big") + b"\x00\x00\x00\x00"
    server.receive_data(header + payload)
    with pytest.raises(ProtocolError, match="inflates to more than") as info:
        list(server.events())
    assert info.value.close_code is CloseCode.MESSAGE_TOO_BIG
    assert server.state is State.CLOSED


def test_bomb_across_fragments() -> None:
    client, server = pair(max_message_size=10_000)
    wire = client.send_binary(b"\x00" * 6000, final=False) + client.send_binary(
        b"\x00" * 6000
    )
    server.receive_data(wire)
    with pytest.raises(ProtocolError) as info:
        list(server.events())
    assert info.value.close_code is CloseCode.MESSAGE_TOO_BIG


def test_invalid_deflate_data() -> None:
    _client, server = pair()
    server.receive_data(b"\xc2\x84\x00\x00\x00\x00\xff\xff\xff\xff")
    with pytest.raises(ProtocolError, match="invalid deflate") as info:
        list(server.events())
    assert info.value.close_code is CloseCode.INVALID_TEXT


def test_compressed_invalid_utf8() -> None:
    client, server = pair()
    wire = client.send_binary(b"ok \xff\xfe")
    # Turn the binary frame into a text frame: same payload, opcode 1.
    server.receive_data(bytes([wire[0] & 0xF0 | 0x1]) + wire[1:])
    with pytest.raises(ProtocolError) as info:
        list(server.events())
    assert info.value.close_code is CloseCode.INVALID_TEXT


def test_rsv1_refused_without_deflate() -> None:
    server = WebSocketProtocol(Role.SERVER)
    server.receive_data(b"\xc1\x80abcd")
    with pytest.raises(ProtocolError, match="RSV1"):
        list(server.events())
