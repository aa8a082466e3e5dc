"""Limits: defaults, constructor checks, and enforcement while streaming."""

from __future__ import annotations

from typing import Any

import pytest

from aioweb.parser import (
    ChunkTooLarge,
    InvalidChunk,
    LineTooLong,
    TooManyHeaders,
    limits,
)


def test_documented_defaults() -> None:
    assert limits.MAX_LINE_SIZE == 8190
    assert limits.MAX_FIELD_SIZE == 8190
    assert limits.MAX_HEADERS == 128
    assert limits.MAX_TRAILER_SIZE == 8190
    assert limits.MAX_CHUNK_SIZE_DIGITS == 16


@pytest.mark.parametrize(
    "options",
    [
        {"max_line_size": 0},
        {"max_field_size": -1},
        {"max_headers": 0},
        {"max_trailer_size": 0},
        {"max_chunk_size_digits": 0},
        {"max_chunk_size_digits": 17},
    ],
)
def test_limits_are_checked(
    parser_impl: Any, recorder_class: Any, options: dict[str, int]
) -> None:
    with pytest.raises(ValueError):
        parser_impl.RequestParser(recorder_class(), **options)
    with pytest.raises(ValueError):
        parser_impl.ResponseParser(recorder_class(), **options)


def test_default_request_line_limit(parser_impl: Any, feed: Any) -> None:
    fits = b"GET /" + b"a" * (8190 - 14) + b" HTTP/1.1\r\n\r\n"
    assert len(fits) == 8190 + 4
    assert feed(parser_impl.RequestParser, fits).error is None
    too_long = b"GET /" + b"a" * (8191 - 14) + b" HTTP/1.1\r\n\r\n"
    error = feed(parser_impl.RequestParser, too_long).error
    assert isinstance(error, LineTooLong) and error.status == 414


def test_a_long_request_line_fails_before_it_ends(
    parser_impl: Any, recorder_class: Any
) -> None:
    parser = parser_impl.RequestParser(recorder_class(), max_line_size=100)
    parser.feed_data(b"GET /" + b"a" * 90)
    with pytest.raises(LineTooLong) as info:
        parser.feed_data(b"a" * 20)
    assert info.value.status == 414


def test_default_field_limit(parser_impl: Any, feed: Any) -> None:
    value = b"v" * (8190 - 3)
    fits = b"GET / HTTP/1.1\r\nX: " + value + b"\r\n\r\n"
    assert feed(parser_impl.RequestParser, fits).error is None
    too_long = b"GET / HTTP/1.1\r\nX: " + value + b"v\r\n\r\n"
    error = feed(parser_impl.RequestParser, too_long).error
    assert isinstance(error, LineTooLong) and error.status == 431


@pytest.mark.parametrize("step", [None, 1000])
def test_an_endless_field_line_fails_while_streaming(
    parser_impl: Any, recorder_class: Any, step: int | None
) -> None:
    parser = parser_impl.RequestParser(recorder_class(), max_field_size=2000)
    parser.feed_data(b"GET / HTTP/1.1\r\nX: ")
    with pytest.raises(LineTooLong):
        for _ in range(10):
            parser.feed_data(b"v" * (step or 3000))


def test_status_line_limit(parser_impl: Any, feed: Any) -> None:
    data = b"HTTP/1.1 200 " + b"x" * 100 + b"\r\n\r\n"
    error = feed(parser_impl.ResponseParser, data, max_line_size=50).error
    assert isinstance(error, LineTooLong)


@pytest.mark.parametrize("step", [None, 1])
def test_header_count(parser_impl: Any, feed: Any, step: int | None) -> None:
    fields = b"".join(b"X%d: y\r\n" % i for i in range(128))
    data = b"GET / HTTP/1.1\r\n" + fields + b"\r\n"
    assert feed(parser_impl.RequestParser, data, step=step).error is None
    data = b"GET / HTTP/1.1\r\n" + fields + b"Y: z\r\n\r\n"
    error = feed(parser_impl.RequestParser, data, step=step).error
    assert isinstance(error, TooManyHeaders) and error.status == 431
    small = feed(parser_impl.RequestParser, data, max_headers=3).error
    assert isinstance(small, TooManyHeaders)


CHUNKED = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"


@pytest.mark.parametrize("step", [None, 1])
def test_chunk_size_digits(parser_impl: Any, feed: Any, step: int | None) -> None:
    data = CHUNKED + b"0000000000000001\r\nx\r\n0\r\n\r\n"
    assert feed(parser_impl.RequestParser, data, step=step).error is None
    data = CHUNKED + b"00000000000000001\r\nx\r\n0\r\n\r\n"
    error = feed(parser_impl.RequestParser, data, step=step).error
    assert isinstance(error, ChunkTooLarge) and error.status == 413
    data = CHUNKED + b"fff\r\n"
    error = feed(parser_impl.RequestParser, data, max_chunk_size_digits=2).error
    assert isinstance(error, ChunkTooLarge)


def test_a_huge_chunk_size_fails_before_its_line_ends(
    parser_impl: Any, recorder_class: Any
) -> None:
    parser = parser_impl.RequestParser(recorder_class())
    parser.feed_data(CHUNKED)
    with pytest.raises(ChunkTooLarge):
        parser.feed_data(b"f" * 17)


def test_the_largest_chunk_size_is_read(parser_impl: Any, recorder_class: Any) -> None:
    recorder = recorder_class()
    parser = parser_impl.RequestParser(recorder)
    parser.feed_data(CHUNKED + b"ffffffffffffffff\r\nabc")
    assert recorder.events[-1] == ("body", b"abc")


def test_chunk_extensions_are_bounded(parser_impl: Any, feed: Any) -> None:
    data = CHUNKED + b"1;" + b"a" * 300 + b"\r\nx\r\n0\r\n\r\n"
    assert feed(parser_impl.RequestParser, data).error is None
    error = feed(parser_impl.RequestParser, data, max_field_size=100).error
    assert isinstance(error, InvalidChunk)
    error = feed(parser_impl.RequestParser, data, step=10, max_field_size=100).error
    assert isinstance(error, InvalidChunk)


@pytest.mark.parametrize("step", [None, 1])
def test_trailer_size(parser_impl: Any, feed: Any, step: int | None) -> None:
    trailers = b"T: " + b"t" * 95 + b"\r\n"  # 100 bytes
    data = CHUNKED + b"0\r\n" + trailers + b"\r\n"
    ok = feed(parser_impl.RequestParser, data, step=step, max_trailer_size=102)
    assert ok.error is None
    assert ok.events[-1] == ("complete", [("T", "t" * 95)])
    error = feed(parser_impl.RequestParser, data, step=step, max_trailer_size=101).error
    assert isinstance(error, LineTooLong) and error.status == 431


def test_trailer_count(parser_impl: Any, feed: Any) -> None:
    data = CHUNKED + b"0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
    error = feed(parser_impl.RequestParser, data, max_headers=2).error
    assert isinstance(error, TooManyHeaders)
