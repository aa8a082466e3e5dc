"""Where the chunks of a chunked body end: the optional ``on_chunk_complete``.

The recorder keeps the data of each chunk as its end is reported
(``Outcome.chunks``); the property tests compare them across twins, splits of
the input and h11 as well.
"""

from __future__ import annotations

from typing import Any

import pytest

CHUNKED_HEAD = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
RESPONSE_HEAD = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
BODY = b'5;a=b\r\nhello\r\n1\r\n \r\nA;q="x y"\r\n0123456789\r\n0\r\nT: v\r\n\r\n'
CHUNKS = [b"hello", b" ", b"0123456789"]


@pytest.mark.parametrize("step", [None, 1, 3, 7])
def test_each_chunk_end_is_reported(parser_impl: Any, feed: Any, step: Any) -> None:
    result = feed(parser_impl.RequestParser, CHUNKED_HEAD + BODY, step=step)
    assert result.error is None
    assert result.chunks == CHUNKS
    assert result.events[-1] == ("complete", [("T", "v")])


def test_responses_report_chunk_ends_too(parser_impl: Any, feed: Any) -> None:
    result = feed(parser_impl.ResponseParser, RESPONSE_HEAD + BODY, step=2)
    assert result.chunks == CHUNKS


def test_a_chunk_ends_only_once_its_crlf_is_read(
    parser_impl: Any, recorder_class: Any
) -> None:
    recorder = recorder_class()
    parser = parser_impl.RequestParser(recorder)
    parser.feed_data(CHUNKED_HEAD + b"5\r\nhello")
    assert recorder.events[-1] == ("body", b"hello")
    assert recorder.chunks == []
    parser.feed_data(b"\r")
    assert recorder.chunks == []
    parser.feed_data(b"\n")
    assert recorder.chunks == [b"hello"]
    parser.feed_data(b"0\r\n\r\n")  # the last chunk reports no end of its own
    assert recorder.chunks == [b"hello"]
    assert recorder.events[-1] == ("complete", None)


def test_the_order_of_the_callbacks(parser_impl: Any, recorder_class: Any) -> None:
    log: list[str] = []

    class Handler(recorder_class):  # type: ignore[misc, valid-type]
        def on_body(self, data: bytes) -> None:
            log.append(f"body {data.decode()}")

        def on_chunk_complete(self) -> None:
            log.append("chunk")

        def on_message_complete(self, trailers: Any) -> None:
            log.append("complete")

    parser = parser_impl.RequestParser(Handler())
    parser.feed_data((CHUNKED_HEAD + b"2\r\nab\r\n1\r\nc\r\n0\r\n\r\n") * 2)
    assert log == ["body ab", "chunk", "body c", "chunk", "complete"] * 2


@pytest.mark.parametrize(
    "data",
    [
        b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
        CHUNKED_HEAD + b"0\r\n\r\n",  # an empty chunked body: no data chunk
        b"GET / HTTP/1.1\r\n\r\n",
    ],
)
def test_no_chunk_end_outside_chunk_data(
    parser_impl: Any, feed: Any, data: bytes
) -> None:
    result = feed(parser_impl.RequestParser, data)
    assert result.error is None
    assert result.chunks == []


def test_read_until_close_reports_no_chunk_end(parser_impl: Any, feed: Any) -> None:
    data = b"HTTP/1.1 200 OK\r\n\r\nsome body"
    result = feed(parser_impl.ResponseParser, data, step=4, eof=True)
    assert result.chunks == []
    assert result.events[-1] == ("complete", None)


def test_lenient_bare_lf_after_chunk_data_ends_the_chunk(
    parser_impl: Any, feed: Any
) -> None:
    data = RESPONSE_HEAD + b"3\nabc\n2\nde\n0\n\n"
    result = feed(parser_impl.ResponseParser, data, step=1, lenient=True)
    assert result.error is None
    assert result.chunks == [b"abc", b"de"]


def test_a_broken_chunk_reports_no_end(parser_impl: Any, feed: Any) -> None:
    result = feed(parser_impl.RequestParser, CHUNKED_HEAD + b"3\r\nabc\r\n2\r\ndeX")
    assert result.error is not None
    assert result.chunks == [b"abc"]  # "de" never got its CRLF


def test_a_handler_without_the_callback_is_not_told(
    parser_impl: Any, feed: Any
) -> None:
    class Plain:
        """Every required callback and no on_chunk_complete."""

        def __init__(self) -> None:
            self.body = b""
            self.done = 0

        def on_message_begin(self) -> None:
            pass

        def on_headers_complete(self, head: Any) -> None:
            pass

        def on_body(self, data: bytes) -> None:
            self.body += data

        def on_message_complete(self, trailers: Any) -> None:
            self.done += 1

        def on_informational(self, head: Any) -> None:
            pass

    handler = Plain()
    parser = parser_impl.RequestParser(handler)
    for byte in range(len(CHUNKED_HEAD + BODY)):
        parser.feed_data((CHUNKED_HEAD + BODY)[byte : byte + 1])
    assert (handler.body, handler.done) == (b"".join(CHUNKS), 1)


def test_the_callback_is_looked_up_once(parser_impl: Any, recorder_class: Any) -> None:
    recorder = recorder_class()
    parser = parser_impl.RequestParser(recorder)
    recorder.on_chunk_complete = None  # too late: the bound method is kept
    parser.feed_data(CHUNKED_HEAD + b"1\r\nx\r\n0\r\n\r\n")
    assert recorder.chunks == [b"x"]
