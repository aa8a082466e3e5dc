"""What happens around errors: statuses, a dead parser, handler exceptions, EOF."""

from __future__ import annotations

from typing import Any

import pytest

from aioweb.parser import (
    DataAfterClose,
    HttpParserError,
    IncompleteMessage,
    ParserClosed,
    exceptions,
)


def test_every_error_has_a_status_and_a_message() -> None:
    expected = {
        "HttpParserError": 400,
        "BadStartLine": 400,
        "BadRequestLine": 400,
        "BadStatusLine": 400,
        "UnsupportedVersion": 505,
        "LineTooLong": 431,
        "TooManyHeaders": 431,
        "InvalidHeader": 400,
        "InvalidContentLength": 400,
        "InvalidTransferEncoding": 400,
        "ConflictingFraming": 400,
        "UnsupportedTransferEncoding": 501,
        "InvalidChunk": 400,
        "BodyTooLarge": 413,
        "ChunkTooLarge": 413,
        "DataAfterClose": 400,
        "IncompleteMessage": 400,
        "ParserClosed": 500,
    }
    assert set(exceptions.__all__) == set(expected)
    for name, status in expected.items():
        cls = getattr(exceptions, name)
        assert issubclass(cls, HttpParserError)
        error = cls("what went wrong")
        assert error.status == status
        assert error.message == str(error) == "what went wrong"
        assert name in exceptions.__doc__  # drawn in the hierarchy
    assert exceptions.LineTooLong("x", status=414).status == 414


def test_the_parser_is_dead_after_an_error(
    parser_impl: Any, recorder_class: Any
) -> None:
    parser = parser_impl.RequestParser(recorder_class())
    with pytest.raises(HttpParserError):
        parser.feed_data(b"GET / HTTP/1.1\r\nX Y: z\r\n\r\n")
    with pytest.raises(ParserClosed):
        parser.feed_data(b"GET / HTTP/1.1\r\n\r\n")
    with pytest.raises(ParserClosed):
        parser.feed_eof()


class Boom(Exception):
    pass


@pytest.mark.parametrize(
    "callback",
    [
        "on_message_begin",
        "on_headers_complete",
        "on_body",
        "on_chunk_complete",
        "on_message_complete",
    ],
)
def test_a_handler_exception_propagates_unchanged(
    parser_impl: Any, recorder_class: Any, callback: str
) -> None:
    recorder = recorder_class()
    cause = Boom(callback)

    def fail(*args: object) -> None:
        try:
            raise KeyError("inner")
        except KeyError:
            raise cause  # noqa: B904 - the implicit context is what is checked

    setattr(recorder, callback, fail)
    parser = parser_impl.RequestParser(recorder)
    with pytest.raises(Boom) as info:
        parser.feed_data(
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"
        )
    assert info.value is cause
    assert isinstance(info.value.__context__, KeyError)  # context kept
    frames = [entry.name for entry in info.traceback]
    assert "fail" in frames  # the traceback reaches into the callback
    with pytest.raises(ParserClosed):
        parser.feed_data(b"x")


def test_a_handler_needs_every_callback(parser_impl: Any) -> None:
    class Partial:
        def on_message_begin(self) -> None:
            pass

    with pytest.raises(AttributeError):
        parser_impl.RequestParser(Partial())


def test_on_informational_exception(parser_impl: Any, recorder_class: Any) -> None:
    recorder = recorder_class()

    def fail(head: object) -> None:
        raise Boom

    recorder.on_informational = fail
    parser = parser_impl.ResponseParser(recorder)
    with pytest.raises(Boom):
        parser.feed_data(b"HTTP/1.1 100 Continue\r\n\r\n")


@pytest.mark.parametrize(
    "data",
    [
        b"G",
        b"GET / HTTP/1.1\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
    ],
)
def test_eof_inside_a_message(
    parser_impl: Any, recorder_class: Any, data: bytes
) -> None:
    parser = parser_impl.RequestParser(recorder_class())
    parser.feed_data(data)
    with pytest.raises(IncompleteMessage) as info:
        parser.feed_eof()
    assert info.value.status == 400


@pytest.mark.parametrize("data", [b"", b"\r\n", b"GET / HTTP/1.1\r\n\r\n"])
def test_eof_between_messages(
    parser_impl: Any, recorder_class: Any, data: bytes
) -> None:
    parser = parser_impl.RequestParser(recorder_class())
    parser.feed_data(data)
    parser.feed_eof()
    with pytest.raises(ParserClosed):
        parser.feed_data(b"GET / HTTP/1.1\r\n\r\n")


@pytest.mark.parametrize(
    "data",
    [
        b"GET / HTTP/1.1\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.0\r\n\r\n\r\n",
    ],
)
def test_data_after_a_closing_message(parser_impl: Any, feed: Any, data: bytes) -> None:
    for step in (None, 1):
        result = feed(parser_impl.RequestParser, data, step=step)
        assert isinstance(result.error, DataAfterClose)
        assert [e[0] for e in result.events] == ["begin", "head", "complete"]
