"""Requests: heads, keep-alive, upgrade and CONNECT, pipelining, splits."""

from __future__ import annotations

from typing import Any

import pytest

from aioweb.parser import HttpVersion10, HttpVersion11, ParserClosed

GET = (
    b"GET /index.html?q=1 HTTP/1.1\r\n"
    b"Host: example.com\r\n"
    b"User-Agent: test\r\n"
    b"Accept: */*\r\n"
    b"Accept: text/html\r\n"
    b"\r\n"
)


def test_a_simple_get(parser_impl: Any, feed: Any) -> None:
    result = feed(parser_impl.RequestParser, GET)
    assert result.error is None and result.tail is None
    assert [e[0] for e in result.events] == ["begin", "head", "complete"]
    (head,) = result.heads
    assert isinstance(head, parser_impl.RequestHead)
    assert head.method == "GET"
    assert head.target == "/index.html?q=1"
    assert head.version == HttpVersion11
    assert head.headers["host"] == "example.com"
    assert head.headers.getall("ACCEPT") == ["*/*", "text/html"]
    assert head.raw_headers == (
        (b"Host", b"example.com"),
        (b"User-Agent", b"test"),
        (b"Accept", b"*/*"),
        (b"Accept", b"text/html"),
    )
    assert head.keep_alive and not head.upgrade and not head.chunked
    assert head.content_length is None
    assert result.events[-1] == ("complete", None)


def test_heads_are_immutable(parser_impl: Any, feed: Any) -> None:
    (head,) = feed(parser_impl.RequestParser, GET).heads
    with pytest.raises((AttributeError, TypeError)):
        head.method = "POST"
    with pytest.raises(TypeError):
        head.headers["X"] = "y"  # a proxy: read-only


def test_field_values_lose_surrounding_whitespace(parser_impl: Any, feed: Any) -> None:
    data = b"GET / HTTP/1.1\r\nA:\t x y \t\r\nB:\r\nC: \xe9t\xe9\r\n\r\n"
    (head,) = feed(parser_impl.RequestParser, data).heads
    assert head.raw_headers == ((b"A", b"x y"), (b"B", b""), (b"C", b"\xe9t\xe9"))
    assert list(head.headers.items()) == [("A", "x y"), ("B", ""), ("C", "été")]


def test_a_body_with_content_length(parser_impl: Any, feed: Any) -> None:
    data = b"POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
    result = feed(parser_impl.RequestParser, data)
    assert result.events[2:] == [("body", b"hello"), ("complete", None)]
    assert result.heads[0].content_length == 5


def test_content_length_zero_means_no_body(parser_impl: Any, feed: Any) -> None:
    data = b"POST /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n"
    result = feed(parser_impl.RequestParser, data)
    assert [e[0] for e in result.events] == ["begin", "head", "complete"]
    assert result.heads[0].content_length == 0


@pytest.mark.parametrize(
    ("version", "connection", "keep_alive"),
    [
        (b"1.1", None, True),
        (b"1.1", b"close", False),
        (b"1.1", b"keep-alive", True),
        (b"1.1", b"Foo, CLOSE", False),
        (b"1.0", None, False),
        (b"1.0", b"keep-alive", True),
        (b"1.0", b"Keep-Alive, x", True),
        (b"1.0", b"keep-alive, close", False),
    ],
)
def test_keep_alive(
    parser_impl: Any,
    feed: Any,
    version: bytes,
    connection: bytes | None,
    keep_alive: bool,
) -> None:
    data = b"GET / HTTP/" + version + b"\r\n"
    if connection is not None:
        data += b"Connection: " + connection + b"\r\n"
    (head,) = feed(parser_impl.RequestParser, data + b"\r\n").heads
    assert head.keep_alive is keep_alive
    assert head.version == (HttpVersion10 if version == b"1.0" else HttpVersion11)


def test_pipelined_requests(parser_impl: Any, feed: Any) -> None:
    data = (
        b"POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nAAA"
        b"GET /b HTTP/1.1\r\n\r\n"
        b"\r\nPUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nC\r\n0\r\n\r\n"
    )
    for step in (None, 1, 2, 7):
        result = feed(parser_impl.RequestParser, data, step=step)
        assert result.error is None
        assert [h.target for h in result.heads] == ["/a", "/b", "/c"]
        kinds = [e[0] for e in result.events]
        assert kinds == ["begin", "head", "body", "complete"] * 1 + [
            "begin",
            "head",
            "complete",
            "begin",
            "head",
            "body",
            "complete",
        ]


def test_a_zero_length_body_does_not_swallow_the_next_request(
    parser_impl: Any, feed: Any
) -> None:
    data = b"GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\nGET /admin HTTP/1.1\r\n\r\n"
    result = feed(parser_impl.RequestParser, data)
    assert [h.target for h in result.heads] == ["/", "/admin"]


def test_upgrade_hands_over_after_the_body(parser_impl: Any, feed: Any) -> None:
    data = (
        b"POST /chat HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\n"
        b"Upgrade: websocket\r\nContent-Length: 3\r\n\r\nabc\x81\x05hello"
    )
    for step in (None, 1, 5):
        result = feed(parser_impl.RequestParser, data, step=step)
        assert result.error is None
        assert result.tail == b"\x81\x05hello"
        assert result.heads[0].upgrade
        assert result.events[-2:] == [("body", b"abc"), ("complete", None)]


def test_the_tail_may_be_empty(parser_impl: Any, recorder_class: Any) -> None:
    parser = parser_impl.RequestParser(recorder_class())
    data = b"GET / HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\n"
    tail = parser.feed_data(data)
    assert tail == b""
    with pytest.raises(ParserClosed):
        parser.feed_data(b"more")
    parser.feed_eof()  # harmless after a hand-over


@pytest.mark.parametrize(
    "fields",
    [
        b"Upgrade: websocket\r\n",  # no "upgrade" connection option
        b"Connection: upgrade\r\n",  # no Upgrade field
    ],
)
def test_upgrade_needs_both_fields(parser_impl: Any, feed: Any, fields: bytes) -> None:
    data = b"GET / HTTP/1.1\r\n" + fields + b"\r\nGET"
    result = feed(parser_impl.RequestParser, data)
    assert result.tail is None and not result.heads[0].upgrade


def test_upgrade_is_ignored_in_http_10(parser_impl: Any, feed: Any) -> None:
    data = b"GET / HTTP/1.0\r\nConnection: upgrade, keep-alive\r\nUpgrade: x\r\n\r\n"
    result = feed(parser_impl.RequestParser, data)
    assert result.tail is None and not result.heads[0].upgrade


def test_connect_hands_over_after_the_head(parser_impl: Any, feed: Any) -> None:
    data = (
        b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01"
    )
    for step in (None, 1):
        result = feed(parser_impl.RequestParser, data, step=step)
        assert result.tail == b"\x16\x03\x01"
        (head,) = result.heads
        assert head.method == "CONNECT" and head.target == "example.com:443"
        assert head.upgrade


def test_leading_empty_lines_are_skipped(parser_impl: Any, feed: Any) -> None:
    # RFC 9112 §2.2: at least one empty line before a request line is ignored.
    result = feed(parser_impl.RequestParser, b"\r\n\r\nGET / HTTP/1.1\r\n\r\n", step=1)
    assert result.error is None and len(result.heads) == 1


def test_every_split_gives_the_same_events(parser_impl: Any, feed: Any) -> None:
    data = (
        b"POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3;n=v\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n"
        b"GET /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"
    )
    whole = feed(parser_impl.RequestParser, data)
    assert whole.error is None
    for cut in range(1, len(data)):
        split = feed(parser_impl.RequestParser, [data[:cut], data[cut:]])
        assert split.events == whole.events, cut
    assert feed(parser_impl.RequestParser, data, step=1).events == whole.events


def test_bytearray_and_memoryview_input(parser_impl: Any, feed: Any) -> None:
    data = b"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nok"
    expected = feed(parser_impl.RequestParser, data).events
    assert feed(parser_impl.RequestParser, [bytearray(data)]).events == expected
    assert feed(parser_impl.RequestParser, [memoryview(data)]).events == expected


def test_feeding_nothing_does_nothing(parser_impl: Any, recorder_class: Any) -> None:
    recorder = recorder_class()
    parser = parser_impl.RequestParser(recorder)
    assert parser.feed_data(b"") is None
    assert recorder.events == []
    parser.feed_eof()
    assert recorder.events == []
