"""Property tests: the twins agree with each other, with themselves under any
split of the input, and with h11 on valid messages.

Messages are generated from the grammar (valid), then optionally mutated at
the byte level with the bytes that matter to HTTP framing.
"""

from __future__ import annotations

import string
from typing import Any

import h11
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TCHAR = "!#$%&'*+-.^_`|~" + string.ascii_letters + string.digits
FRAMING = {"content-length", "transfer-encoding", "connection", "upgrade", "host"}
VALUE_BYTES = bytes([9, 32, *range(0x21, 0x7F), *range(0x80, 0x100)])
ASCII_VALUE_BYTES = bytes([9, 32, *range(0x21, 0x7F)])
MEANINGFUL = b'\r\n\x00 \t:;,="0123456789aAfF-+xX\x7f\xff'

tokens = st.text(alphabet=TCHAR, min_size=1, max_size=10)
names = tokens.filter(lambda n: n.lower() not in FRAMING)
# Any VCHAR but "#", which no request-target holds (RFC 9112 §3.2).
TARGET_ALPHABET = [chr(c) for c in range(0x21, 0x7F) if c != 0x23]
targets = st.text(alphabet=TARGET_ALPHABET, min_size=1, max_size=24)


def values(alphabet: bytes) -> st.SearchStrategy[bytes]:
    return st.binary(max_size=24).map(
        lambda raw: bytes(alphabet[b % len(alphabet)] for b in raw).strip(b" \t")
    )


@st.composite
def bodies(draw: st.DrawFn, ascii_only: bool = False) -> tuple[list[bytes], bytes]:
    """Framing fields and the framed body: none, Content-Length or chunked."""
    body = draw(st.binary(max_size=80))
    kind = draw(st.sampled_from(["none", "length", "chunked"]))
    if kind == "none" or (kind == "length" and not body):
        return [], b""
    if kind == "length":
        return [b"Content-Length: %d" % len(body)], body
    cuts = sorted(draw(st.lists(st.integers(0, len(body)), max_size=4)))
    pieces = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)]
    framed = b""
    for piece in pieces:
        if piece:
            ext = draw(st.sampled_from([b"", b";a", b";a=b", b';q="x y"']))
            framed += b"%x" % len(piece) + ext + b"\r\n" + piece + b"\r\n"
    framed += b"0\r\n"
    if draw(st.booleans()):
        framed += b"Trailer-Field: " + draw(values(ASCII_VALUE_BYTES)) + b"\r\n"
    framed += b"\r\n"
    return [b"Transfer-Encoding: chunked"], framed


@st.composite
def requests(draw: st.DrawFn, ascii_only: bool = False) -> bytes:
    method = draw(st.sampled_from(["GET", "POST", "PUT", "DELETE"]) | tokens)
    if method == "CONNECT":  # it hands the connection over: not the subject here
        method = "GET"
    version = b"1.1" if ascii_only else draw(st.sampled_from([b"1.1", b"1.0"]))
    fields = [b"Host: " + draw(values(ASCII_VALUE_BYTES)).replace(b" ", b"")]
    alphabet = ASCII_VALUE_BYTES if ascii_only else VALUE_BYTES
    for _ in range(draw(st.integers(0, 6))):
        fields.append(
            draw(names).encode()
            + b":"
            + draw(st.sampled_from([b"", b" ", b"\t "]))
            + draw(values(alphabet))
        )
    framing, body = draw(bodies())
    if version == b"1.0" and framing[:1] == [b"Transfer-Encoding: chunked"]:
        framing, body = [], b""
    if version == b"1.0":
        fields.append(b"Connection: keep-alive")
    fields[1:1] = framing
    head = method.encode() + b" " + draw(targets).encode() + b" HTTP/" + version
    return head + b"\r\n" + b"".join(f + b"\r\n" for f in fields) + b"\r\n" + body


@st.composite
def responses(draw: st.DrawFn) -> bytes:
    status = draw(st.sampled_from([200, 201, 204, 301, 404, 500]))
    reason = draw(st.sampled_from([b"OK", b"", b"Some Reason"]))
    fields = [
        draw(names).encode() + b": " + draw(values(VALUE_BYTES))
        for _ in range(draw(st.integers(0, 5)))
    ]
    framing, body = draw(bodies())
    if status == 204 or not framing:
        framing, body = [b"Content-Length: 0"], b""
    fields[:0] = framing
    line = b"HTTP/1.1 %d" % status + (b" " + reason if reason else b"")
    return line + b"\r\n" + b"".join(f + b"\r\n" for f in fields) + b"\r\n" + body


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


def outcome(result: Any) -> tuple[Any, ...]:
    return (result.events, result.chunks, result.tail, result.error_type)


@SETTINGS
@given(
    messages=st.lists(requests(), min_size=1, max_size=3),
    cuts=st.lists(st.integers(0, 10**6), max_size=6),
)
def test_twins_agree_on_valid_requests(
    both_twins: Any, feed: Any, messages: list[bytes], cuts: list[int]
) -> None:
    data = b"".join(messages)
    pure, compiled = both_twins
    whole = feed(pure.RequestParser, data)
    assert whole.error is None, whole.error
    assert [e[0] for e in whole.events].count("complete") == len(messages)
    for twin in (pure, compiled):
        assert outcome(feed(twin.RequestParser, split(data, cuts))) == outcome(whole)
    assert outcome(feed(compiled.RequestParser, data, step=1)) == outcome(whole)


@SETTINGS
@given(
    messages=st.lists(responses(), min_size=1, max_size=3),
    cuts=st.lists(st.integers(0, 10**6), max_size=6),
)
def test_twins_agree_on_valid_responses(
    both_twins: Any, feed: Any, messages: list[bytes], cuts: list[int]
) -> None:
    data = b"".join(messages)
    pure, compiled = both_twins
    whole = feed(pure.ResponseParser, data)
    assert whole.error is None, whole.error
    for twin in (pure, compiled):
        assert outcome(feed(twin.ResponseParser, split(data, cuts))) == outcome(whole)


@st.composite
def mutated(draw: st.DrawFn, messages: st.SearchStrategy[bytes]) -> bytes:
    data = bytearray(draw(messages))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        byte = draw(st.sampled_from(MEANINGFUL) | st.integers(0, 255))
        action = draw(st.sampled_from(["replace", "insert", "delete"]))
        if action == "insert" or position == len(data):
            data[position:position] = bytes([byte])
        elif action == "replace":
            data[position] = byte
        else:
            del data[position]
    return bytes(data)


@SETTINGS
@given(
    data=mutated(requests()),
    cuts=st.lists(st.integers(0, 10**6), max_size=4),
    lenient=st.booleans(),
)
def test_twins_agree_on_mutated_requests(
    both_twins: Any, feed: Any, data: bytes, cuts: list[int], lenient: bool
) -> None:
    pure, compiled = both_twins
    pieces = split(data, cuts)
    expected = outcome(feed(pure.RequestParser, pieces, eof=True, lenient=lenient))
    assert (
        outcome(feed(compiled.RequestParser, pieces, eof=True, lenient=lenient))
        == expected
    )


@SETTINGS
@given(
    data=mutated(responses()),
    cuts=st.lists(st.integers(0, 10**6), max_size=4),
    lenient=st.booleans(),
    method=st.sampled_from(["GET", "HEAD", "CONNECT"]),
)
def test_twins_agree_on_mutated_responses(
    both_twins: Any, feed: Any, data: bytes, cuts: list[int], lenient: bool, method: str
) -> None:
    pure, compiled = both_twins
    pieces = split(data, cuts)
    options = {"eof": True, "lenient": lenient, "methods": [method]}
    expected = outcome(feed(pure.ResponseParser, pieces, **options))
    assert outcome(feed(compiled.ResponseParser, pieces, **options)) == expected


def h11_request(data: bytes) -> tuple[Any, ...]:
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(data)
    request = conn.next_event()
    assert isinstance(request, h11.Request)
    body = b""
    chunks: list[bytes] = []  # each chunk's data, where h11 saw it end
    chunk = b""
    while True:
        event = conn.next_event()
        if isinstance(event, h11.Data):
            body += event.data
            chunk += event.data
            if event.chunk_end:
                chunks.append(chunk)
                chunk = b""
        else:
            assert isinstance(event, h11.EndOfMessage)
            trailers = [
                (name.decode(), value.decode("latin-1"))
                for name, value in event.headers.raw_items()
            ]
            break
    raw = list(request.headers.raw_items())
    target = request.target.decode()
    return request.method.decode(), target, raw, body, trailers, chunks


@SETTINGS
@given(data=requests(ascii_only=True))
def test_valid_requests_read_as_h11_reads_them(
    parser_impl: Any, feed: Any, data: bytes
) -> None:
    method, target, raw, body, trailers, chunks = h11_request(data)
    result = feed(parser_impl.RequestParser, data)
    assert result.error is None
    (head,) = result.heads
    assert (head.method, head.target) == (method, target)
    assert list(head.raw_headers) == raw
    assert b"".join(e[1] for e in result.events if e[0] == "body") == body
    assert (result.events[-1][1] or []) == trailers
    assert result.chunks == chunks


def h11_response(data: bytes) -> tuple[Any, ...]:
    conn = h11.Connection(h11.CLIENT)
    conn.send(h11.Request(method="GET", target="/", headers=[("Host", "a")]))
    conn.send(h11.EndOfMessage())
    conn.receive_data(data)
    response = conn.next_event()
    assert isinstance(response, h11.Response)
    body = b""
    while True:
        event = conn.next_event()
        if isinstance(event, h11.Data):
            body += event.data
        else:
            assert isinstance(event, h11.EndOfMessage)
            break
    return (
        response.status_code,
        response.reason,
        list(response.headers.raw_items()),
        body,
    )


@SETTINGS
@given(data=responses())
def test_valid_responses_read_as_h11_reads_them(
    parser_impl: Any, feed: Any, data: bytes
) -> None:
    status, reason, raw, body = h11_response(data)
    result = feed(parser_impl.ResponseParser, data)
    assert result.error is None
    (head,) = result.heads
    assert (head.status, head.reason.encode("latin-1")) == (status, reason)
    assert list(head.raw_headers) == raw
    assert b"".join(e[1] for e in result.events if e[0] == "body") == body


@pytest.mark.parametrize(
    "data",
    [
        b"GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\n",
        b"POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n0\r\nT: v\r\n\r\n",
    ],
)
def test_h11_cross_check_examples(parser_impl: Any, feed: Any, data: bytes) -> None:
    method, target, raw, body, trailers, chunks = h11_request(data)
    result = feed(parser_impl.RequestParser, data)
    assert (result.heads[0].method, result.heads[0].target) == (method, target)
    assert list(result.heads[0].raw_headers) == raw
    assert (result.events[-1][1] or []) == trailers
    assert b"".join(e[1] for e in result.events if e[0] == "body") == body
    assert result.chunks == chunks
