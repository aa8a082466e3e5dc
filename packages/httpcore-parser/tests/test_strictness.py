"""Strict mode against ambiguous and malformed input (request smuggling).

The cases follow the checklist of shared/conformance/http-vectors.md §4;
each one runs whole and byte by byte, and checks the error class and status.
"""

from __future__ import annotations

from typing import Any

import pytest

from aioweb.parser import (
    BadRequestLine,
    BadStatusLine,
    BodyTooLarge,
    ConflictingFraming,
    HttpParserError,
    InvalidChunk,
    InvalidContentLength,
    InvalidHeader,
    InvalidTransferEncoding,
    UnsupportedTransferEncoding,
    UnsupportedVersion,
)

POST = b"POST / HTTP/1.1\r\nHost: a\r\n"
CHUNKED = POST + b"Transfer-Encoding: chunked\r\n\r\n"

REJECTED_REQUESTS = [
    # 1: Content-Length with a sign, hex, underscore, space, or empty
    (POST + b"Content-Length: +5\r\n\r\nhello", InvalidContentLength),
    (POST + b"Content-Length: -1\r\n\r\n", InvalidContentLength),
    (POST + b"Content-Length: 0x5\r\n\r\nhello", InvalidContentLength),
    (POST + b"Content-Length: 1_0\r\n\r\n", InvalidContentLength),
    (POST + b"Content-Length: 5 5\r\n\r\n", InvalidContentLength),
    (POST + b"Content-Length: \r\n\r\n", InvalidContentLength),
    (POST + b"Content-Length: \xd9\xa5\r\n\r\n", InvalidContentLength),
    # 2: repeated or list-valued, even when equal (a documented decision)
    (POST + b"Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", InvalidContentLength),  # noqa: E501
    (POST + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello", InvalidContentLength),  # noqa: E501
    (POST + b"Content-Length: 5, 5\r\n\r\nhello", InvalidContentLength),
    # 3: overflow
    (POST + b"Content-Length: 99999999999999999999\r\n\r\n", BodyTooLarge),
    # 4: Content-Length with Transfer-Encoding
    (POST + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", ConflictingFraming),  # noqa: E501
    (POST + b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", ConflictingFraming),  # noqa: E501
    # 5: the final transfer coding of a request is not chunked
    (POST + b"Transfer-Encoding: chunked, gzip\r\n\r\n", InvalidTransferEncoding),
    (POST + b"Transfer-Encoding: gzip\r\n\r\n", InvalidTransferEncoding),
    (POST + b"Transfer-Encoding: chunkedchunked\r\n\r\n", InvalidTransferEncoding),
    (POST + b"Transfer-Encoding: ,chunked\r\n\r\n", InvalidTransferEncoding),
    (POST + b"Transfer-Encoding: \xa0chunked\r\n\r\n", InvalidTransferEncoding),
    (POST + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
     InvalidTransferEncoding),
    (POST + b"Transfer-Encoding: gzip, chunked\r\n\r\n", UnsupportedTransferEncoding),
    (b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
     InvalidTransferEncoding),
    # 6: chunk-size junk
    (CHUNKED + b"0x5\r\nhello\r\n0\r\n\r\n", InvalidChunk),
    (CHUNKED + b"+5\r\nhello\r\n0\r\n\r\n", InvalidChunk),
    (CHUNKED + b"-5\r\nhello\r\n0\r\n\r\n", InvalidChunk),
    (CHUNKED + b" 5\r\nhello\r\n0\r\n\r\n", InvalidChunk),
    (CHUNKED + b"5 \r\nhello\r\n0\r\n\r\n", InvalidChunk),
    (CHUNKED + b"\r\nhello\r\n0\r\n\r\n", InvalidChunk),
    (CHUNKED + b"1_0\r\nhello\r\n0\r\n\r\n", InvalidChunk),
    (CHUNKED + b"5\x00\r\nhello\r\n0\r\n\r\n", InvalidChunk),
    (CHUNKED + b"5\nhello\r\n0\r\n\r\n", InvalidChunk),
    # 7: chunk data not followed by exactly CRLF
    (CHUNKED + b"3\r\nabcXY0\r\n\r\n", InvalidChunk),
    (CHUNKED + b"3\r\nabc\rX0\r\n\r\n", InvalidChunk),
    (CHUNKED + b"3\r\nabc\nX0\r\n\r\n", InvalidChunk),
    # 8: chunk extensions
    (CHUNKED + b"5;\r\nhello\r\n0\r\n\r\n", InvalidChunk),
    (CHUNKED + b'5;a="b\r\nhello\r\n0\r\n\r\n', InvalidChunk),
    (CHUNKED + b"5;a\rb\r\nhello\r\n0\r\n\r\n", InvalidChunk),
    (CHUNKED + b"5;a=\r\nhello\r\n0\r\n\r\n", InvalidChunk),
    # 9: bare CR anywhere in a head
    (b"GET / HTTP/1.1\r\nA: b\rC: d\r\n\r\n", InvalidHeader),
    (b"GET / HTTP/1.1\rA: b\r\n\r\n", BadRequestLine),
    (b"GET / HTTP/1.1\r\nA: b\r\n\rX", InvalidHeader),
    # 10: bare LF line ends (strict mode refuses them)
    (b"GET / HTTP/1.1\nHost: a\n\n", BadRequestLine),
    (b"GET / HTTP/1.1\r\nHost: a\n\r\n", InvalidHeader),
    (b"GET / HTTP/1.1\r\nHost: a\r\n\n", InvalidHeader),
    # 11: NUL, CTL or DEL in values
    (b"GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n", InvalidHeader),
    (b"GET / HTTP/1.1\r\nX: a\x7fb\r\n\r\n", InvalidHeader),
    (b"GET / HTTP/1.1\r\nX: a\x0cb\r\n\r\n", InvalidHeader),
    (b"GET / HTTP/1.1\r\nX: a\x1bb\r\n\r\n", InvalidHeader),
    # 12: field-name bytes
    (b"GET / HTTP/1.1\r\nX Y: 1\r\n\r\n", InvalidHeader),
    (b"GET / HTTP/1.1\r\nX\t: 1\r\n\r\n", InvalidHeader),
    (b"GET / HTTP/1.1\r\nContent-Length : 1\r\n\r\nx", InvalidHeader),
    (b"GET / HTTP/1.1\r\n: 1\r\n\r\n", InvalidHeader),
    (b"GET / HTTP/1.1\r\n\xefoo: 1\r\n\r\n", InvalidHeader),
    (b"GET / HTTP/1.1\r\nX@: 1\r\n\r\n", InvalidHeader),
    # 13 and 14: whitespace before the first field; obs-fold
    (b"GET / HTTP/1.1\r\n Host: a\r\n\r\n", InvalidHeader),
    (b"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", InvalidHeader),
    (b"GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n", InvalidHeader),
    # 15: a field line without a colon
    (b"GET / HTTP/1.1\r\nFoo\r\n\r\n", InvalidHeader),
    # 16: versions
    (b"GET / HTTP/1.32\r\n\r\n", UnsupportedVersion),  # judged on "HTTP/1.3"
    (b"GET / HTTP/1.1x\r\n\r\n", BadRequestLine),
    (b"GET / HTTP/01.1\r\n\r\n", BadRequestLine),
    (b"GET / http/1.1\r\n\r\n", BadRequestLine),
    (b"GET / HTTP/2.0\r\n\r\n", UnsupportedVersion),
    (b"GET / HTTP/0.9\r\n\r\n", UnsupportedVersion),
    (b"GET / HTTP/1.2\r\n\r\n", UnsupportedVersion),
    # 17: methods
    (b"G(E)T / HTTP/1.1\r\n\r\n", BadRequestLine),
    (b" / HTTP/1.1\r\n\r\n", BadRequestLine),
    # 18: request-target
    (b"GET /a b HTTP/1.1\r\n\r\n", BadRequestLine),
    (b"GET /\x00 HTTP/1.1\r\n\r\n", BadRequestLine),
    (b"GET /\x7f HTTP/1.1\r\n\r\n", BadRequestLine),
    (b"GET /\xee HTTP/1.1\r\n\r\n", BadRequestLine),
    (b"GET /\nHTTP/1.1\r\n\r\n", BadRequestLine),
    (b"GET / HTTP/1.1\r\n\r\n", None),
    # 18: no request-target form holds a fragment (RFC 9112 §3.2)
    (b"GET /a#b HTTP/1.1\r\n\r\n", BadRequestLine),
    (b"GET /# HTTP/1.1\r\n\r\n", BadRequestLine),
    (b"GET /a?b=c#d HTTP/1.1\r\n\r\n", BadRequestLine),
    (b"GET http://a/x#f HTTP/1.1\r\n\r\n", BadRequestLine),
    (b"GET # HTTP/1.1\r\n\r\n", BadRequestLine),
    (b"POST /a#b HTTP/1.1\r\nContent-Length: 0\r\n\r\n", BadRequestLine),
    # 19: extra spaces in the request line
    (b"GET  / HTTP/1.1\r\n\r\n", BadRequestLine),
    (b"GET / HTTP/1.1 \r\n\r\n", BadRequestLine),
    (b"GET /  HTTP/1.1\r\n\r\n", BadRequestLine),
    # 24: early garbage
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", BadRequestLine),
    (b"\x00", BadRequestLine),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "error"),
    REJECTED_REQUESTS,
    ids=[repr(d[:60]) for d, _ in REJECTED_REQUESTS],
)
@pytest.mark.parametrize("step", [None, 1])
def test_rejected_requests(
    parser_impl: Any,
    feed: Any,
    data: bytes,
    error: type[HttpParserError] | None,
    step: int | None,
) -> None:
    result = feed(parser_impl.RequestParser, data, step=step)
    assert result.error_type is error, result.error
    if error is not None:
        assert result.error.status == error.status
        assert str(result.error)


@pytest.mark.parametrize(
    "data",
    [
        b"\x16\x03\x01\x02\x00",  # a TLS ClientHello on the plain port
        b"\x00",
        b" ",
        b"GET\x00",
        b"G(",
    ],
)
def test_garbage_is_rejected_before_a_line_ends(
    parser_impl: Any, recorder_class: Any, data: bytes
) -> None:
    parser = parser_impl.RequestParser(recorder_class())
    with pytest.raises(BadRequestLine):
        parser.feed_data(data)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"GET / HTTP/5.6", UnsupportedVersion),
        (b"GET / HTTP/1.1\r\n ", InvalidHeader),
        (b"GET / HTTP/1.1\r\nContent\rLength", InvalidHeader),
        (b"GET / HTTP/1.1\r\nX Y", InvalidHeader),
        (b"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n", None),
        (b"GET / HTTP/1.1\r\nContent-Length: 1x\r\n", InvalidContentLength),
        (b"\x16\x03", BadRequestLine),
    ],
)
def test_errors_come_before_the_head_ends(
    parser_impl: Any, feed: Any, data: bytes, error: type[HttpParserError] | None
) -> None:
    result = feed(parser_impl.RequestParser, data)
    if error is None:  # a repeated Content-Length: rejected at its line
        error = InvalidContentLength
    assert result.error_type is error


ACCEPTED_REQUESTS = [
    # 8: chunk extensions of every allowed form
    CHUNKED + b'5;a=b;c;d="e \\" f"\r\nhello\r\n0;z\r\n\r\n',
    # 17: lowercase methods are tokens, case-sensitive
    b"get / HTTP/1.1\r\n\r\n",
    b"M-SEARCH * HTTP/1.1\r\n\r\n",
    # 18: every visible ASCII byte but "#" in a target; "%23" is no fragment
    b'GET /a?b=|&c="d"!e{}[]\\^`~$ HTTP/1.1\r\n\r\n',
    b"GET /a%23b?c=%23 HTTP/1.1\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\n\r\n",
    b"GET http://a:80/x HTTP/1.1\r\n\r\n",
    # values may hold obs-text and HTAB
    b"GET / HTTP/1.1\r\nX: a\tb \xff\r\n\r\n",
    # Content-Length with leading zeros is still decimal (never octal)
    POST + b"Content-Length: 005\r\n\r\nhello",
]


@pytest.mark.parametrize("data", ACCEPTED_REQUESTS)
def test_accepted_requests(parser_impl: Any, feed: Any, data: bytes) -> None:
    result = feed(parser_impl.RequestParser, data, step=1)
    assert result.error is None
    assert result.events[-1][0] == "complete"


@pytest.mark.parametrize(
    "data",
    [b"GET /a#", b"GET /a#b HTTP/1.1", b"GET http://a/#", b"OPTIONS #"],
)
def test_a_fragment_is_refused_as_soon_as_it_arrives(
    parser_impl: Any, recorder_class: Any, data: bytes
) -> None:
    # RFC 9112 §3.2: the "#" alone decides, before the line ends, with a
    # message that names it (the same in both twins: _early words it).
    recorder = recorder_class()
    parser = parser_impl.RequestParser(recorder)
    with pytest.raises(BadRequestLine, match="holds '#'") as info:
        parser.feed_data(data)
    assert info.value.status == 400
    assert recorder.heads == []


def test_a_fragment_in_a_whole_request_line_is_named(
    parser_impl: Any, feed: Any
) -> None:
    result = feed(parser_impl.RequestParser, b"GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n")
    assert result.error_type is BadRequestLine
    assert "holds '#'" in str(result.error)
    assert result.heads == []


def test_leading_zeros_are_decimal(parser_impl: Any, feed: Any) -> None:
    result = feed(
        parser_impl.RequestParser, POST + b"Content-Length: 010\r\n\r\n" + b"x" * 10
    )
    assert result.heads[0].content_length == 10
    assert result.events[-2] == ("body", b"x" * 10)


REJECTED_RESPONSES = [
    (b"HTP/1.1 200 OK\r\n\r\n", BadStatusLine),
    (b"HTTP/01.1 200 OK\r\n\r\n", BadStatusLine),
    (b"HTTP/1.1  200 OK\r\n\r\n", BadStatusLine),
    (b"HTTP/1.1 2 OK\r\n\r\n", BadStatusLine),
    (b"HTTP/1.1 099 OK\r\n\r\n", BadStatusLine),
    (b"HTTP/1.1 2000 OK\r\n\r\n", BadStatusLine),
    (b"HTTP/1.1\t200 OK\r\n\r\n", BadStatusLine),
    (b"HTTP/1.1 200 O\x00K\r\n\r\n", BadStatusLine),
    (b"HTTP/1.1 200 OK\nContent-Length: 0\n\n", BadStatusLine),
    (b"HTTP/2 200\r\n\r\n", BadStatusLine),
    (b"HTTP/2.0 200 OK\r\n\r\n", UnsupportedVersion),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
     ConflictingFraming),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
     UnsupportedTransferEncoding),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
     InvalidContentLength),
    (b"HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", InvalidHeader),
    (b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", InvalidTransferEncoding),
    (b"<html>", BadStatusLine),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "error"),
    REJECTED_RESPONSES,
    ids=[repr(d[:50]) for d, _ in REJECTED_RESPONSES],
)
@pytest.mark.parametrize("step", [None, 1])
def test_rejected_responses(
    parser_impl: Any,
    feed: Any,
    data: bytes,
    error: type[HttpParserError],
    step: int | None,
) -> None:
    result = feed(parser_impl.ResponseParser, data, step=step)
    assert result.error_type is error, result.error
