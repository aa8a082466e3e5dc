"""Content codings: round trips, deflate detection, errors and bomb limits."""

from __future__ import annotations

import gzip
import os
import tracemalloc
import zlib
from collections.abc import Iterator

import brotli
import pytest
from backports import zstd

from aioweb.protocol import (
    ACCEPT_ENCODING,
    DEFAULT_MAX_RATIO,
    RATIO_FLOOR,
    SUPPORTED_ENCODINGS,
    DecompressionError,
    PayloadTooLargeError,
    get_decoder,
    get_encoder,
)

ALL = ["gzip", "deflate", "br", "zstd"]
GIB = 2**30


def decode_in_pieces(encoding: str, data: bytes, size: int = 1000) -> bytes:
    decoder = get_decoder(encoding)
    out = [decoder.decompress(data[i : i + size]) for i in range(0, len(data), size)]
    out.append(decoder.flush())
    assert decoder.eof
    return b"".join(out)


def test_every_coding_is_available_in_the_test_environment() -> None:
    assert SUPPORTED_ENCODINGS == ("gzip", "deflate", "br", "zstd")
    assert ACCEPT_ENCODING == "gzip, deflate, br, zstd"


@pytest.mark.parametrize("encoding", ALL)
def test_encoder_decoder_round_trip(encoding: str) -> None:
    body = os.urandom(50_000) + b"text " * 40_000
    encoder = get_encoder(encoding)
    coded = b"".join(
        encoder.compress(body[i : i + 7000]) for i in range(0, len(body), 7000)
    )
    coded += encoder.flush()
    assert len(coded) < len(body)
    assert decode_in_pieces(encoding, coded, 333) == body
    assert decode_in_pieces(encoding, coded, len(coded)) == body


@pytest.mark.parametrize("encoding", ALL)
def test_encoder_level(encoding: str) -> None:
    body = b"abc" * 10_000
    encoder = get_encoder(encoding, level=1)
    assert decode_in_pieces(encoding, encoder.compress(body) + encoder.flush()) == body


def test_third_party_coded_bodies_decode() -> None:
    body = b"payload " * 5000
    assert decode_in_pieces("gzip", gzip.compress(body)) == body
    assert decode_in_pieces("x-gzip", gzip.compress(body)) == body
    assert decode_in_pieces("br", brotli.compress(body)) == body
    assert decode_in_pieces("zstd", zstd.compress(body)) == body
    assert decode_in_pieces("GZIP ", gzip.compress(body)) == body


def test_deflate_wrapped_and_raw_are_both_accepted() -> None:
    body = b"deflate me " * 1000
    wrapped = zlib.compress(body)
    raw_obj = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw = raw_obj.compress(body) + raw_obj.flush()
    assert decode_in_pieces("deflate", wrapped, 1) == body
    assert decode_in_pieces("deflate", raw, 1) == body


def test_concatenated_gzip_members_and_zstd_frames() -> None:
    assert decode_in_pieces("gzip", gzip.compress(b"one") + gzip.compress(b"two")) == (
        b"onetwo"
    )
    assert decode_in_pieces("zstd", zstd.compress(b"one") + zstd.compress(b"two")) == (
        b"onetwo"
    )


def test_data_after_a_deflate_stream_is_refused() -> None:
    decoder = get_decoder("deflate")
    with pytest.raises(DecompressionError, match="after the end"):
        decoder.decompress(zlib.compress(b"x") + b"junk")


@pytest.mark.parametrize("encoding", ALL)
def test_garbage_is_a_decompression_error(encoding: str) -> None:
    decoder = get_decoder(encoding)
    with pytest.raises(DecompressionError) as info:
        decoder.decompress(b"\x1f\x8b\x08\x00garbage, not a coded body at all" * 3)
        decoder.flush()
    assert info.value.status == 400


@pytest.mark.parametrize("encoding", ALL)
def test_truncated_stream_fails_on_flush(encoding: str) -> None:
    encoder = get_encoder(encoding)
    coded = encoder.compress(os.urandom(20_000)) + encoder.flush()
    decoder = get_decoder(encoding)
    decoder.decompress(coded[: len(coded) // 2])
    assert not decoder.eof
    with pytest.raises(DecompressionError, match="cut short"):
        decoder.flush()


def test_unknown_coding() -> None:
    with pytest.raises(DecompressionError) as info:
        get_decoder("compress")
    assert info.value.status == 415
    with pytest.raises(ValueError):
        get_encoder("compress")


def zero_bomb(compress: object, total: int, piece: int = 2**20) -> Iterator[bytes]:
    """Stream ``total`` zero bytes through a compressor, yielding coded bytes."""
    zeros = bytes(piece)
    for _ in range(total // piece):
        out = compress.compress(zeros)  # type: ignore[attr-defined]
        if out:
            yield out
    yield compress.flush()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """1 GiB of zeros as gzip: about a megabyte on the wire."""
    coded = b"".join(zero_bomb(get_encoder("gzip", level=9), GIB))
    assert len(coded) < 2 * 2**20
    return coded


def feed(decoder: object, coded: bytes, piece: int = 2**16) -> int:
    """Feed coded bytes piece by piece, dropping output; return bytes fed."""
    fed = 0
    for start in range(0, len(coded), piece):
        fed += piece
        decoder.decompress(coded[start : start + piece])  # type: ignore[attr-defined]
    decoder.flush()  # type: ignore[attr-defined]
    return fed


def test_gzip_bomb_refused_by_size_limit(gzip_bomb: bytes) -> None:
    decoder = get_decoder("gzip", max_size=8 * 2**20, max_ratio=None)
    tracemalloc.start()
    try:
        with pytest.raises(PayloadTooLargeError) as info:
            feed(decoder, gzip_bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.status == 413
    # Refused after 8 MiB of the 1 GiB: memory is bounded by the limit.
    assert peak < 10 * 2**20


def test_gzip_bomb_refused_by_default_ratio(gzip_bomb: bytes) -> None:
    decoder = get_decoder("gzip")
    fed = 0
    tracemalloc.start()
    try:
        with pytest.raises(DecompressionError, match="bomb"):
            for start in range(0, len(gzip_bomb), 4096):
                fed += 4096
                decoder.decompress(gzip_bomb[start : start + 4096])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert DEFAULT_MAX_RATIO == 200
    # Refused within the first few kilobytes of a megabyte-long bomb.
    assert fed <= 4 * 4096
    assert peak < 4 * RATIO_FLOOR


@pytest.mark.parametrize("encoding", ["br", "zstd"])
def test_other_bombs_refused_by_ratio(encoding: str) -> None:
    coded = b"".join(zero_bomb(get_encoder(encoding, level=1), 64 * 2**20))
    with pytest.raises(DecompressionError, match="bomb"):
        feed(get_decoder(encoding), coded, 512)


def test_ratio_not_checked_below_floor() -> None:
    coded = zlib.compress(bytes(RATIO_FLOOR))
    assert len(bytes(RATIO_FLOOR)) > DEFAULT_MAX_RATIO * len(coded)
    assert decode_in_pieces("deflate", coded) == bytes(RATIO_FLOOR)


def test_size_limit_is_inclusive() -> None:
    decoder = get_decoder("gzip", max_size=10)
    assert decoder.decompress(gzip.compress(b"0123456789")) == b"0123456789"
    decoder = get_decoder("gzip", max_size=9)
    with pytest.raises(PayloadTooLargeError):
        decoder.decompress(gzip.compress(b"0123456789"))
