from __future__ import annotations

import os
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aioweb.websocket import _implementation, apply_mask


def reference_mask(data: bytes, mask: bytes) -> bytes:
    return bytes(b ^ mask[i % 4] for i, b in enumerate(data))


@pytest.mark.parametrize(
    "size",
    [0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 511, 512, 4096, 65537, (1 << 17) + 3, 1 << 18],
)
def test_mask_matches_reference(mask_impl: ModuleType, size: int) -> None:
    payload = bytes(range(256)) * (size // 256 + 1)
    data = bytearray(payload[:size])
    mask_impl.apply_mask(data, b"\x01\x7f\x80\xff")
    assert bytes(data) == reference_mask(payload[:size], b"\x01\x7f\x80\xff")


def test_mask_is_its_own_inverse(mask_impl: ModuleType) -> None:
    data = bytearray(b"Hello, WebSocket!" * 100)
    mask_impl.apply_mask(data, b"abcd")
    assert bytes(data) != b"Hello, WebSocket!" * 100
    mask_impl.apply_mask(data, b"abcd")
    assert bytes(data) == b"Hello, WebSocket!" * 100


def test_mask_works_on_memoryview_slice(mask_impl: ModuleType) -> None:
    data = bytearray(b"xxpayloadyy")
    mask_impl.apply_mask(memoryview(data)[2:9], b"\x00\x00\x00\x20")
    assert bytes(data) == b"xxpayLoadyy"


@pytest.mark.parametrize("offset", range(8))
@pytest.mark.parametrize("size", [5, 600, 5000])
def test_mask_at_every_alignment(mask_impl: ModuleType, offset: int, size: int) -> None:
    # The word loop starts after a byte-wise head that depends on alignment.
    payload = bytes(range(256)) * (size // 256 + 1)
    data = bytearray(b"\xee" * offset + payload[:size] + b"\xee" * 3)
    mask_impl.apply_mask(memoryview(data)[offset : offset + size], b"\x01\x7f\x80\xff")
    assert data[:offset] == b"\xee" * offset
    assert data[offset + size :] == b"\xee" * 3
    expected = reference_mask(payload[:size], b"\x01\x7f\x80\xff")
    assert bytes(data[offset : offset + size]) == expected


@pytest.mark.parametrize("mask", [b"", b"abc", b"abcde"])
def test_mask_rejects_bad_key(mask_impl: ModuleType, mask: bytes) -> None:
    with pytest.raises(ValueError, match="4 bytes"):
        mask_impl.apply_mask(bytearray(b"data"), mask)


def test_mask_rejects_read_only_buffer(mask_impl: ModuleType) -> None:
    with pytest.raises((TypeError, BufferError)):
        mask_impl.apply_mask(b"read-only", b"abcd")  # type: ignore[arg-type]


@given(st.binary(max_size=300), st.binary(min_size=4, max_size=4))
def test_twins_agree(data: bytes, mask: bytes) -> None:
    from aioweb.websocket import _mask

    pure = bytearray(data)
    _mask.apply_mask(pure, mask)
    chosen = bytearray(data)
    apply_mask(chosen, mask)
    assert pure == chosen == reference_mask(data, mask)


def test_the_build_loaded_the_expected_twin() -> None:
    """Fails when the extension should have been compiled and loaded but is not."""
    if _implementation.NO_EXTENSIONS:
        assert not _implementation.COMPILED
        assert _implementation.FrameReader.__module__.endswith("._reader")
    elif os.environ.get("AIOWEB_REQUIRE_EXTENSIONS"):
        assert _implementation.COMPILED, "the compiled _cmask extension is missing"
        reader_module = _implementation.FrameReader.__module__
        assert reader_module.endswith("_creader"), "the compiled reader is missing"
    else:
        pytest.skip("neither AIOWEB_NO_EXTENSIONS nor AIOWEB_REQUIRE_EXTENSIONS set")
