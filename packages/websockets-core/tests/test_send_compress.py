"""Per-message compression: ``compress=`` on send_text and send_binary."""

from __future__ import annotations

import zlib
from typing import Any

import pytest

from aioweb.websocket import (
    Binary,
    DeflateOptions,
    PerMessageDeflate,
    Role,
    Text,
    WebSocketProtocol,
)
from aioweb.websocket._extension_header import parse_extensions

pytestmark = pytest.mark.usefixtures("twin")

SENTENCE = "the same sentence, again and again " * 20


def pair(
    server_options: DeflateOptions | None = None,
) -> tuple[WebSocketProtocol, WebSocketProtocol]:
    client_options = DeflateOptions(threshold=0)
    accepted = (server_options or DeflateOptions(threshold=0)).accept_offers(
        parse_extensions([client_options.offer()])
    )
    assert accepted is not None
    value, server_side = accepted
    client_side = client_options.accept_response([value])
    assert client_side is not None
    return (
        WebSocketProtocol(Role.CLIENT, extensions=[client_side]),
        WebSocketProtocol(Role.SERVER, extensions=[server_side]),
    )


def receive(receiver: WebSocketProtocol, wire: bytes) -> list[Any]:
    receiver.receive_data(wire)
    return list(receiver.events())


def rsv1(frame: bytes) -> bool:
    return bool(frame[0] & 0x40)


def test_zero_sends_uncompressed_on_a_deflate_connection() -> None:
    client, server = pair()
    plain = server.send_text(SENTENCE, compress=0)
    assert not rsv1(plain)
    assert SENTENCE.encode() in plain  # the payload as it is, unmasked
    also_plain = server.send_binary(b"x" * 500, compress=False)
    assert not rsv1(also_plain)
    squeezed = server.send_text(SENTENCE)
    assert rsv1(squeezed)
    assert len(squeezed) < len(plain) // 4
    assert receive(client, plain + also_plain + squeezed) == [
        Text(SENTENCE),
        Binary(b"x" * 500),
        Text(SENTENCE),
    ]


def test_uncompressed_message_keeps_the_shared_context() -> None:
    client, server = pair()
    first = server.send_text(SENTENCE)
    between = server.send_text("other words entirely", compress=0)
    again = server.send_text(SENTENCE)
    # The compressor still remembers the first message: context takeover.
    assert len(again) < len(first) // 2
    assert receive(client, first + between + again) == [
        Text(SENTENCE),
        Text("other words entirely"),
        Text(SENTENCE),
    ]


def test_true_compresses_below_the_threshold() -> None:
    client, server = pair(DeflateOptions(threshold=1000))
    small = server.send_binary(b"y" * 50)
    assert not rsv1(small)
    forced = server.send_binary(b"y" * 50, compress=True)
    assert rsv1(forced)
    assert receive(client, small + forced) == [Binary(b"y" * 50)] * 2


@pytest.mark.parametrize("bits", [8, 9, 12, 15])
def test_window_bits_compress_one_message_alone(bits: int) -> None:
    client, server = pair()
    first = server.send_text(SENTENCE)
    alone = server.send_text(SENTENCE, compress=bits)
    assert rsv1(alone)
    # Compressed without the shared context: no back-reference into the
    # first message, so it is as long as a first message is.
    assert len(alone) > len(server.send_text("x")) and len(alone) >= len(first) - 2
    after = server.send_text(SENTENCE)
    events = receive(client, first + alone + after)
    assert events == [Text(SENTENCE)] * 3


def test_window_bits_message_is_inflatable_with_that_window_alone() -> None:
    _client, server = pair()
    frame = server.send_binary(bytes(range(256)) * 8, compress=10)
    payload = frame[4:]  # 2-byte header + 16-bit length, unmasked
    inflater = zlib.decompressobj(-10)
    assert inflater.decompress(payload + b"\x00\x00\xff\xff") == bytes(range(256)) * 8


def test_window_bits_never_exceed_the_negotiated_window() -> None:
    client, server = pair(DeflateOptions(server_max_window_bits=9, threshold=0))
    data = bytes(range(256)) * 64
    frame = server.send_binary(data, compress=15)
    payload = frame[4:] if frame[1] == 126 else frame[10:]
    # Inflates with the 9-bit window the handshake agreed.
    inflater = zlib.decompressobj(-9)
    assert inflater.decompress(payload + b"\x00\x00\xff\xff") == data
    assert receive(client, frame) == [Binary(data)]


def test_fragments_follow_the_first_frame() -> None:
    client, server = pair()
    wire = server.send_text("abc" * 50, final=False, compress=0)
    assert not rsv1(wire)
    wire += server.send_text("def" * 50, final=False)
    wire += server.send_text("ghi", compress=9)
    assert receive(client, wire) == [Text("abc" * 50 + "def" * 50 + "ghi")]
    fragmented = server.send_text("one " * 40, final=False, compress=11)
    assert rsv1(fragmented)
    fragmented += server.send_text("two " * 40)
    fragmented += server.send_text(SENTENCE)
    assert receive(client, fragmented) == [
        Text("one " * 40 + "two " * 40),
        Text(SENTENCE),
    ]


@pytest.mark.parametrize("value", [1, 7, 16, -1, 2.5, "9"])
def test_invalid_compress_refused(value: Any) -> None:
    client, server = pair()
    with pytest.raises(ValueError, match="compress"):
        server.send_text("hello", compress=value)
    plain = WebSocketProtocol(Role.SERVER)
    with pytest.raises(ValueError, match="compress"):
        plain.send_binary(b"hello", compress=value)
    # Nothing was sent: the connection goes on as before.
    assert receive(client, server.send_text("hello")) == [Text("hello")]


@pytest.mark.parametrize("role", [Role.SERVER, Role.CLIENT])
@pytest.mark.parametrize("value", [None, 0, True, 9, 15])
def test_without_deflate_every_message_is_uncompressed(role: Role, value: Any) -> None:
    sender = WebSocketProtocol(role)
    other = Role.CLIENT if role is Role.SERVER else Role.SERVER
    receiver = WebSocketProtocol(other)
    frame = sender.send_text(SENTENCE, compress=value)
    assert not rsv1(frame)
    assert receive(receiver, frame) == [Text(SENTENCE)]


def test_deflate_object_window_override() -> None:
    _client, server = pair()
    extension = server.extensions[0]
    assert isinstance(extension, PerMessageDeflate)
    one = extension.compress(b"abc" * 100, True, 9)
    two = extension.compress(b"abc" * 100, True)
    inflater = zlib.decompressobj(-15)
    assert inflater.decompress(one + b"\x00\x00\xff\xff") == b"abc" * 100
    assert inflater.decompress(two + b"\x00\x00\xff\xff") == b"abc" * 100


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536])
def test_plain_frames_around_a_fragmented_message(size: int) -> None:
    server = WebSocketProtocol(Role.SERVER)
    client = WebSocketProtocol(Role.CLIENT)
    whole = server.send_binary(b"a" * size)
    header = 2 if size < 126 else 4 if size < 65536 else 10
    assert whole[0] == 0x82 and len(whole) == header + size
    wire = whole + server.send_text("x" * size, final=False)
    wire += server.send_text("end")  # a continuation, not a new message
    wire += server.send_text("again")
    assert wire[-7:] == b"\x81\x05again"
    assert receive(client, wire) == [
        Binary(b"a" * size),
        Text("x" * size + "end"),
        Text("again"),
    ]
