"""Frame decoding rules (RFC 6455 section 5.2), over both twins."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aioweb.websocket import CloseCode, ProtocolError


def reader(
    impl: ModuleType, *, masked: bool = True, limit: int = 1 << 20, rsv1: bool = False
) -> Any:
    return impl.FrameReader(masked=masked, max_frame_size=limit, allow_rsv1=rsv1)


def read_all(r: Any) -> list[tuple[bool, bool, int, bytes]]:
    frames = []
    while (frame := r.next_frame()) is not None:
        frames.append(frame)
    return frames


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 70000])
def test_lengths_round_trip(
    reader_impl: ModuleType, make_frame: Any, size: int
) -> None:
    payload = bytes(range(256)) * (size // 256 + 1)
    r = reader(reader_impl)
    r.feed(make_frame(0x2, payload[:size]))
    assert read_all(r) == [(True, False, 0x2, payload[:size])]
    assert r.buffered == 0


def test_unmasked_frames_for_a_client(reader_impl: ModuleType, make_frame: Any) -> None:
    r = reader(reader_impl, masked=False)
    r.feed(make_frame(0x1, b"hi", mask=None) + make_frame(0x9, b"", mask=None))
    assert read_all(r) == [(True, False, 0x1, b"hi"), (True, False, 0x9, b"")]


def test_byte_at_a_time(reader_impl: ModuleType, make_frame: Any) -> None:
    wire = make_frame(0x2, b"x" * 300, fin=False) + make_frame(0x0, b"yz")
    r = reader(reader_impl)
    frames = []
    for i in range(len(wire)):
        r.feed(wire[i : i + 1])
        frame = r.next_frame()
        if frame is not None:
            frames.append(frame)
            assert r.buffered == 0
    assert frames == [(False, False, 0x2, b"x" * 300), (True, False, 0x0, b"yz")]


def test_non_minimal_length_encoding_is_accepted(
    reader_impl: ModuleType, make_frame: Any
) -> None:
    r = reader(reader_impl)
    r.feed(make_frame(0x2, b"abc", length_bytes=8))
    assert read_all(r) == [(True, False, 0x2, b"abc")]


ERRORS = [
    ("rsv2", lambda f: f(0x1, b"x", rsv=2), "reserved bits"),
    ("rsv3", lambda f: f(0x1, b"x", rsv=1), "reserved bits"),
    ("rsv1 without deflate", lambda f: f(0x1, b"x", rsv=4), "RSV1"),
    ("opcode 3", lambda f: f(0x3, b""), "unknown opcode 3"),
    ("opcode 7", lambda f: f(0x7, b""), "unknown opcode 7"),
    ("opcode 11", lambda f: f(0xB, b""), "unknown opcode 11"),
    ("opcode 15", lambda f: f(0xF, b""), "unknown opcode 15"),
    ("fragmented ping", lambda f: f(0x9, b"", fin=False), "fragmented control"),
    ("long ping", lambda f: f(0x9, b"x" * 126), "over 125"),
    ("long close", lambda f: f(0x8, b"\x03\xe8" + b"x" * 124), "over 125"),
    ("unmasked", lambda f: f(0x1, b"x", mask=None), "unmasked client frame"),
]


@pytest.mark.parametrize(
    ("build", "message"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_protocol_errors(
    reader_impl: ModuleType, make_frame: Any, build: Any, message: str
) -> None:
    r = reader(reader_impl)
    # Judged from the first two bytes, before the payload arrives.
    r.feed(build(make_frame)[:2])
    with pytest.raises(ProtocolError, match=message) as info:
        r.next_frame()
    assert info.value.close_code is CloseCode.PROTOCOL_ERROR


def test_masked_frame_refused_by_client(
    reader_impl: ModuleType, make_frame: Any
) -> None:
    r = reader(reader_impl, masked=False)
    r.feed(make_frame(0x1, b"x"))
    with pytest.raises(ProtocolError, match="masked server frame"):
        r.next_frame()


def test_rsv1_allowed_only_on_data_frames(
    reader_impl: ModuleType, make_frame: Any
) -> None:
    r = reader(reader_impl, rsv1=True)
    r.feed(make_frame(0x1, b"x", rsv=4, fin=False))
    assert r.next_frame() == (False, True, 0x1, b"x")
    r.feed(make_frame(0x0, b"x", rsv=4))
    with pytest.raises(ProtocolError, match="RSV1"):
        r.next_frame()
    r = reader(reader_impl, rsv1=True)
    r.feed(make_frame(0x9, b"", rsv=4))
    with pytest.raises(ProtocolError, match="RSV1"):
        r.next_frame()


def test_length_high_bit(reader_impl: ModuleType) -> None:
    r = reader(reader_impl)
    r.feed(b"\x82\xff\x80" + b"\x00" * 7)
    with pytest.raises(ProtocolError, match="high bit"):
        r.next_frame()


def test_frame_size_limit_before_payload(
    reader_impl: ModuleType, make_frame: Any
) -> None:
    r = reader(reader_impl, limit=1000)
    r.feed(make_frame(0x2, b"x" * 1000))
    assert r.next_frame() == (True, False, 0x2, b"x" * 1000)
    # Only the header of the oversized frame has arrived: refused already.
    r.feed(make_frame(0x2, b"x" * 1001)[:4])
    with pytest.raises(ProtocolError, match="1001 bytes over the 1000 limit") as info:
        r.next_frame()
    assert info.value.close_code is CloseCode.MESSAGE_TOO_BIG


def test_incomplete_headers_wait(reader_impl: ModuleType) -> None:
    r = reader(reader_impl)
    for partial in (b"", b"\x82", b"\x82\xfe\x01", b"\x82\xff\x00\x00", b"\x82\x83ab"):
        r = reader(reader_impl)
        r.feed(partial)
        assert r.next_frame() is None
        assert r.buffered == len(partial)


@given(
    st.lists(
        st.tuples(
            st.sampled_from([0x0, 0x1, 0x2, 0x9]),
            st.binary(max_size=200),
            st.booleans(),
        ),
        max_size=8,
    ),
    st.binary(min_size=4, max_size=4),
    st.integers(min_value=1, max_value=50),
)
def test_twins_agree(
    compiled_reader: ModuleType,
    frames: list[tuple[int, bytes, bool]],
    mask: bytes,
    chunk: int,
) -> None:
    from aioweb.websocket import _reader

    wire = b""
    for opcode, payload, fin in frames:
        if opcode == 0x9:
            payload, fin = payload[:125], True
        first = (0x80 if fin else 0) | opcode
        size = len(payload)
        header = (
            bytes((first, 0x80 | size))
            if size < 126
            else bytes((first, 0xFE)) + size.to_bytes(2, "big")
        )
        wire += header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    results = []
    for impl in (_reader, compiled_reader):
        r = impl.FrameReader(masked=True, max_frame_size=1000)
        out = []
        for i in range(0, len(wire), chunk):
            r.feed(wire[i : i + chunk])
            out.extend(read_all(r))
        results.append(out)
    assert results[0] == results[1]
    assert [f[3] for f in results[0]] == [
        p[:125] if o == 0x9 else p for o, p, _ in frames
    ]
