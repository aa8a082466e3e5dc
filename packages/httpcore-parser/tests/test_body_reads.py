"""Reads that hold only body bytes: handed on whole, framing kept exact.

A large body arrives read after read with nothing but body bytes in each;
both twins pass such a read to ``on_body`` as the very object given (no
copy), and still stop exactly where the body or a chunk ends.
"""

from __future__ import annotations

from typing import Any

import pytest

from aioweb.parser import ParserClosed

SIZED_HEAD = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
CHUNKED_HEAD = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
UNTIL_CLOSE_HEAD = b"HTTP/1.1 200 OK\r\n\r\n"


@pytest.fixture
def recorder(recorder_class: Any) -> Any:
    class Keeping(recorder_class):  # type: ignore[misc,valid-type]
        """Also keeps each object given to ``on_body``."""

        def __init__(self) -> None:
            super().__init__()
            self.given: list[bytes] = []

        def on_body(self, data: bytes) -> None:
            if data == b"boom":
                raise RuntimeError("handler failed")
            self.given.append(data)
            super().on_body(data)

    return Keeping()


def _kinds(recorder: Any) -> list[str]:
    return [event[0] for event in recorder.events]


def test_a_read_inside_a_sized_body_is_handed_on_as_given(
    parser_impl: Any, recorder: Any
) -> None:
    parser = parser_impl.ResponseParser(recorder)
    parser.feed_data(SIZED_HEAD + b"ab")
    middle = b"cdefg"
    parser.feed_data(middle)
    assert recorder.given[-1] is middle
    assert _kinds(recorder)[-1] == "body"  # three bytes are still owed
    parser.feed_data(b"hij")
    assert b"".join(recorder.given) == b"abcdefghij"
    assert _kinds(recorder)[-1] == "complete"


def test_a_read_past_the_end_of_the_body_is_cut_there(
    parser_impl: Any, recorder: Any
) -> None:
    parser = parser_impl.ResponseParser(recorder)
    parser.feed_data(SIZED_HEAD + b"abcdefg")
    parser.feed_data(b"hijHTTP/1.1 204 No Content\r\n\r\n")
    assert b"".join(recorder.given) == b"abcdefghij"
    first = ["begin", "head", "body", "complete"]
    assert _kinds(recorder) == [*first, "begin", "head", "complete"]


def test_a_read_inside_a_chunk_is_handed_on_and_the_chunk_still_ends(
    parser_impl: Any, recorder: Any
) -> None:
    parser = parser_impl.ResponseParser(recorder)
    parser.feed_data(CHUNKED_HEAD + b"a\r\nab")
    middle = b"cdef"
    parser.feed_data(middle)
    assert recorder.given[-1] is middle
    assert recorder.chunks == []
    parser.feed_data(b"ghij\r\n0\r\n\r\n")
    assert b"".join(recorder.given) == b"abcdefghij"
    assert recorder.chunks == [b"abcdefghij"]
    assert _kinds(recorder)[-1] == "complete"


def test_a_body_read_until_close_is_handed_on_as_given(
    parser_impl: Any, recorder: Any
) -> None:
    parser = parser_impl.ResponseParser(recorder)
    parser.feed_data(UNTIL_CLOSE_HEAD + b"ab")
    middle = b"cdefg"
    parser.feed_data(middle)
    parser.feed_data(b"")
    assert recorder.given[-1] is middle
    parser.feed_eof()
    assert b"".join(recorder.given) == b"abcdefg"
    assert _kinds(recorder)[-1] == "complete"


def test_an_error_in_on_body_ends_the_parser(parser_impl: Any, recorder: Any) -> None:
    parser = parser_impl.ResponseParser(recorder)
    parser.feed_data(SIZED_HEAD + b"ab")
    with pytest.raises(RuntimeError, match="handler failed"):
        parser.feed_data(b"boom")
    with pytest.raises(ParserClosed):
        parser.feed_data(b"cd")
