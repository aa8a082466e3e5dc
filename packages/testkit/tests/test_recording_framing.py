"""Property: however a stream of pipelined requests is split, each is recorded
with exactly its own bytes and the fields it was written with."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from aioweb.testkit import RecordedRequest, loop_context
from aioweb.testkit.fake.recording import read_request

TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12)
VALUE = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 /;=", max_size=30).map(
    str.strip
)


@st.composite
def requests(draw: st.DrawFn) -> tuple[bytes, dict[str, object]]:
    method = draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]))
    target = "/" + draw(TOKEN) + draw(st.sampled_from(["", "?q=1", "?a=b&c=d"]))
    headers = draw(
        st.lists(st.tuples(TOKEN.map(lambda t: "x-" + t), VALUE), max_size=5)
    )
    body = draw(st.binary(max_size=300))
    chunked = draw(st.booleans())
    head = [f"{method} {target} HTTP/1.1", "Host: test"]
    head += [f"{name}: {value}" for name, value in headers]
    if chunked:
        head.append("Transfer-Encoding: chunked")
        cuts = sorted(draw(st.lists(st.integers(0, len(body)), max_size=4)))
        pieces = [
            body[a:b]
            for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)
            if b > a
        ]
        framed = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
    else:
        head.append(f"Content-Length: {len(body)}")
        framed = body
    wire = ("\r\n".join(head) + "\r\n\r\n").encode() + framed
    expected = {"method": method, "target": target, "body": body, "headers": headers}
    return wire, expected


async def read_all(pieces: list[bytes]) -> list[RecordedRequest]:
    reader = asyncio.StreamReader()
    for piece in pieces:
        reader.feed_data(piece)
    reader.feed_eof()
    recorded = []
    while (request := await read_request(reader, 0)) is not None:
        recorded.append(request)
    return recorded


@settings(max_examples=150, deadline=None)
@given(
    messages=st.lists(requests(), min_size=1, max_size=4),
    splits=st.lists(st.integers(min_value=0, max_value=4000), max_size=8),
)
def test_pipelined_requests_are_recorded_exactly(
    messages: list[tuple[bytes, dict[str, object]]], splits: list[int]
) -> None:
    stream = b"".join(wire for wire, _ in messages)
    points = sorted({s % (len(stream) + 1) for s in splits})
    pieces = [
        stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)
    ]
    with loop_context() as loop:
        recorded = loop.run_until_complete(read_all(pieces))
    assert len(recorded) == len(messages)
    for request, (wire, expected) in zip(recorded, messages, strict=True):
        assert request.raw == wire
        assert request.method == expected["method"]
        assert request.target == expected["target"]
        assert request.body == expected["body"]
        for name, value in expected["headers"]:  # type: ignore[attr-defined]
            assert value in request.headers.getall(name)
