"""Lenient mode: each relaxation, and that strict mode refuses the same input."""

from __future__ import annotations

from typing import Any

import pytest

from aioweb.parser import (
    BadRequestLine,
    ConflictingFraming,
    HttpParserError,
    InvalidHeader,
    InvalidTransferEncoding,
)

# (relaxation, response bytes, events expected in lenient mode)
RELAXATIONS = [
    (
        "bare LF line ends",
        b"HTTP/1.1 200 OK\nContent-Length: 2\nX: y\n\nok",
        [("X", "y")],
        b"ok",
    ),
    (
        "obs-fold replaced by SP",
        b"HTTP/1.1 200 OK\r\nX: a\r\n  b\r\n\tc\r\nContent-Length: 0\r\n\r\n",
        [("X", "a b c")],
        b"",
    ),
    (
        "control bytes in values, except NUL, CR and LF",
        b"HTTP/1.1 200 OK\r\nSet-Cookie: a=\x01\x7f\x0c\r\nContent-Length: 0\r\n\r\n",
        [("Set-Cookie", "a=\x01\x7f\x0c")],
        b"",
    ),
    (
        "equal repeated Content-Length values collapse",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2, 2\r\n\r\nok",
        None,
        b"ok",
    ),
    (
        "Transfer-Encoding wins over Content-Length",
        b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"2\r\nok\r\n0\r\n\r\n",
        None,
        b"ok",
    ),
    (
        "whitespace around chunk sizes and extensions",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"2 ; a = b \r\nok\r\n0 \r\n\r\n",
        None,
        b"ok",
    ),
    (
        "bare LF after chunk data",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\n0\r\n\r\n",
        None,
        b"ok",
    ),
    (
        "transfer codings before chunked pass through de-chunked",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
        b"2\r\nok\r\n0\r\n\r\n",
        None,
        b"ok",
    ),
    (
        "Transfer-Encoding in HTTP/1.0",
        b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        None,
        b"ok",
    ),
]


@pytest.mark.parametrize(
    ("name", "data", "fields", "body"), RELAXATIONS, ids=[r[0] for r in RELAXATIONS]
)
@pytest.mark.parametrize("step", [None, 1])
def test_lenient_mode_accepts(
    parser_impl: Any,
    feed: Any,
    recorder_class: Any,
    name: str,
    data: bytes,
    fields: list[tuple[str, str]] | None,
    body: bytes,
    step: int | None,
) -> None:
    strict = feed(parser_impl.ResponseParser, data, step=step)
    assert isinstance(strict.error, HttpParserError), name
    lenient = feed(parser_impl.ResponseParser, data, step=step, lenient=True)
    assert lenient.error is None, lenient.error
    assert parser_impl.ResponseParser(recorder_class(), lenient=True).lenient
    (head,) = lenient.heads
    if fields is not None:
        assert [
            kv for kv in head.headers.items() if kv[0] != "Content-Length"
        ] == fields
    got = b"".join(e[1] for e in lenient.events if e[0] == "body")
    assert got == body
    assert lenient.events[-1][0] == "complete"


def test_lenient_mode_discards_data_after_close(parser_impl: Any, feed: Any) -> None:
    data = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nokJUNK"
    strict = feed(parser_impl.ResponseParser, data)
    assert strict.error is not None and strict.error.status == 400
    lenient = feed(parser_impl.ResponseParser, data, lenient=True)
    assert lenient.error is None
    assert lenient.events[-2:] == [("body", b"ok"), ("complete", None)]


def test_a_conflicting_framing_marks_the_connection_for_closing(
    parser_impl: Any, feed: Any
) -> None:
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n"
    (head,) = feed(parser_impl.ResponseParser, data, lenient=True).heads
    assert head.chunked and not head.keep_alive


@pytest.mark.parametrize(
    ("data", "error"),
    [
        # never relaxed: NUL and bare CR in values, whitespace before a colon,
        # conflicting lengths, a request body that has no length
        (b"HTTP/1.1 200 OK\r\nX: a\x00b\r\n\r\n", InvalidHeader),
        (b"HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", InvalidHeader),
        (b"HTTP/1.1 200 OK\r\nX : a\r\n\r\n", InvalidHeader),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", None),
    ],
)
def test_lenient_mode_keeps_the_dangerous_rules(
    parser_impl: Any, feed: Any, data: bytes, error: type[HttpParserError] | None
) -> None:
    result = feed(parser_impl.ResponseParser, data, lenient=True)
    assert result.error is not None
    if error is not None:
        assert isinstance(result.error, error)


def test_lenient_requests_still_need_a_length(parser_impl: Any, feed: Any) -> None:
    data = b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"
    error = feed(parser_impl.RequestParser, data, lenient=True).error
    assert isinstance(error, InvalidTransferEncoding)
    data = b"POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
    strict = feed(parser_impl.RequestParser, data).error
    assert isinstance(strict, ConflictingFraming)


@pytest.mark.parametrize("name", [b"Content-Length", b"Transfer-Encoding"])
def test_lenient_mode_never_folds_framing_fields(
    parser_impl: Any, feed: Any, name: bytes
) -> None:
    data = b"HTTP/1.1 200 OK\r\n" + name + b": 1\r\n 2\r\n\r\n"
    error = feed(parser_impl.ResponseParser, data, lenient=True).error
    assert isinstance(error, InvalidHeader)


def test_lenient_mode_folds_connection_options(parser_impl: Any, feed: Any) -> None:
    data = (
        b"GET / HTTP/1.1\r\nConnection: keep-alive,\r\n Upgrade\r\n"
        b"Upgrade: websocket\r\n\r\ntail"
    )
    result = feed(parser_impl.RequestParser, data, lenient=True)
    assert result.tail == b"tail" and result.heads[0].upgrade


def test_lenient_requests_accept_bare_lf(parser_impl: Any, feed: Any) -> None:
    data = b"GET / HTTP/1.1\nHost: a\n\n"
    assert isinstance(feed(parser_impl.RequestParser, data).error, BadRequestLine)
    result = feed(parser_impl.RequestParser, b"\n" + data, lenient=True, step=1)
    assert result.error is None and result.heads[0].headers["Host"] == "a"
