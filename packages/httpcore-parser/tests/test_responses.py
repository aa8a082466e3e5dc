"""Responses: framing by status and request method, interim responses, close."""

from __future__ import annotations

from typing import Any

import pytest

from aioweb.parser import IncompleteMessage, ParserClosed


def test_a_simple_response(parser_impl: Any, feed: Any) -> None:
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nServer: x\r\n\r\nok"
    result = feed(parser_impl.ResponseParser, data)
    (head,) = result.heads
    assert isinstance(head, parser_impl.ResponseHead)
    assert (head.status, head.reason, tuple(head.version)) == (200, "OK", (1, 1))
    assert head.content_length == 2 and head.keep_alive
    assert result.events[2:] == [("body", b"ok"), ("complete", None)]


@pytest.mark.parametrize(
    ("line", "status", "reason"),
    [
        (b"HTTP/1.1 404 Not Found", 404, "Not Found"),
        (b"HTTP/1.1 200 ", 200, ""),
        (b"HTTP/1.1 301", 301, ""),
        (b"HTTP/1.0 500 Ori\xc3\xabnt\tatie", 500, "Ori\xc3\xabnt\tatie"),
        (b"HTTP/1.1 599 a  b", 599, "a  b"),
    ],
)
def test_status_lines(
    parser_impl: Any, feed: Any, line: bytes, status: int, reason: str
) -> None:
    data = line + b"\r\nContent-Length: 0\r\n\r\n"
    (head,) = feed(parser_impl.ResponseParser, data).heads
    assert (head.status, head.reason) == (status, reason)


def test_a_body_read_until_close(parser_impl: Any, recorder_class: Any) -> None:
    recorder = recorder_class()
    parser = parser_impl.ResponseParser(recorder)
    parser.feed_data(b"HTTP/1.1 200 OK\r\n\r\nsome ")
    parser.feed_data(b"data")
    assert not recorder.heads[0].keep_alive
    assert recorder.events[-1] == ("body", b"some data")
    parser.feed_eof()
    assert recorder.events[-1] == ("complete", None)
    with pytest.raises(ParserClosed):
        parser.feed_data(b"x")


@pytest.mark.parametrize("method", ["HEAD"])
def test_no_body_for_head(parser_impl: Any, feed: Any, method: str) -> None:
    data = (
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    )
    result = feed(parser_impl.ResponseParser, data, methods=[method, method, "GET"])
    assert result.error is None
    assert [h.content_length for h in result.heads] == [10, None, 2]
    assert [e[0] for e in result.events].count("body") == 1


@pytest.mark.parametrize("status", [204, 304])
def test_no_body_for_204_and_304(parser_impl: Any, feed: Any, status: int) -> None:
    data = (
        b"HTTP/1.1 %d X\r\nContent-Length: 7\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    )
    result = feed(parser_impl.ResponseParser, data % status)
    assert [h.status for h in result.heads] == [status, 200]
    assert result.heads[0].content_length == 7


def test_interim_responses_are_reported_and_skipped(
    parser_impl: Any, feed: Any
) -> None:
    data = (
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"
    )
    for step in (None, 1):
        result = feed(parser_impl.ResponseParser, data, step=step, methods=["POST"])
        kinds = [e[0] for e in result.events]
        assert kinds == [
            "begin", "informational", "informational", "head", "body", "complete",
        ]  # fmt: skip
        assert result.events[2][1][1:3] == (103, "Early Hints")
        assert result.events[2][1][4] == [("Link", "</s.css>; rel=preload")]
        assert result.heads[0].status == 200


def test_eof_after_an_interim_response_is_incomplete(
    parser_impl: Any, recorder_class: Any
) -> None:
    parser = parser_impl.ResponseParser(recorder_class())
    parser.feed_data(b"HTTP/1.1 100 Continue\r\n\r\n")
    with pytest.raises(IncompleteMessage):
        parser.feed_eof()


def test_101_hands_over(parser_impl: Any, feed: Any) -> None:
    data = (
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\n\r\n\x81\x00"
    )
    for step in (None, 1):
        result = feed(parser_impl.ResponseParser, data, step=step)
        assert result.tail == b"\x81\x00"
        assert result.heads[0].upgrade


def test_2xx_to_connect_hands_over(parser_impl: Any, feed: Any) -> None:
    data = b"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03"
    result = feed(parser_impl.ResponseParser, data, methods=["CONNECT"])
    assert result.tail == b"\x16\x03" and result.heads[0].upgrade


def test_a_refused_connect_is_an_ordinary_response(parser_impl: Any, feed: Any) -> None:
    data = b"HTTP/1.1 407 Auth\r\nContent-Length: 2\r\n\r\nno"
    result = feed(parser_impl.ResponseParser, data, methods=["CONNECT"])
    assert result.tail is None and not result.heads[0].upgrade
    assert ("body", b"no") in result.events


def test_expected_methods_queue_up(parser_impl: Any, recorder_class: Any) -> None:
    recorder = recorder_class()
    parser = parser_impl.ResponseParser(recorder)
    parser.expect_response("HEAD")
    parser.expect_response("GET")
    parser.feed_data(
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
    )
    assert [e[0] for e in recorder.events] == [
        "begin", "head", "complete", "begin", "head", "body", "complete",
    ]  # fmt: skip


def test_chunked_response_with_trailers(parser_impl: Any, feed: Any) -> None:
    data = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'4\r\nWiki\r\n5;x="q;\\""\r\npedia\r\n0\r\nExpires: never\r\nX: 1\r\n\r\n'
    )
    for step in (None, 1, 3):
        result = feed(parser_impl.ResponseParser, data, step=step)
        assert result.heads[0].chunked
        assert result.events[-2:] == [
            ("body", b"Wikipedia"),
            ("complete", [("Expires", "never"), ("X", "1")]),
        ]


@pytest.mark.parametrize(
    "te",
    [b"chunked, identity", b"gzip", b"chunkedchunked"],
)
def test_a_response_whose_final_coding_is_not_chunked_reads_until_close(
    parser_impl: Any, feed: Any, te: bytes
) -> None:
    # RFC 9112 §6.3 item 4 (for responses).
    data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: " + te + b"\r\n\r\n0\r\n\r\n"
    result = feed(parser_impl.ResponseParser, data, eof=True)
    assert result.error is None
    head = result.heads[0]
    assert not head.chunked and not head.keep_alive
    assert result.events[-2:] == [("body", b"0\r\n\r\n"), ("complete", None)]


def test_http_10_response_keep_alive(parser_impl: Any, feed: Any) -> None:
    data = b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"
    assert feed(parser_impl.ResponseParser, data).heads[0].keep_alive
    data = b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"
    assert not feed(parser_impl.ResponseParser, data).heads[0].keep_alive
