"""What a fake server records of requests, and how it answers bad ones."""

from __future__ import annotations

import asyncio
from typing import Any

from aioweb.parser import HttpParserError
from aioweb.testkit import BadRequest, FakeServer, Reply


async def test_chunked_request_body_and_trailers_are_recorded(connect: Any) -> None:
    wire = (
        b"POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: 5\r\n\r\n"
    )
    async with FakeServer(Reply()) as server:
        peer = await connect(server)
        await peer.send(wire)
        await peer.read_response()
    (request,) = server.requests
    assert request.body == b"abcde"
    assert dict(request.trailers) == {"X-Sum": "5"}
    assert request.raw == wire


async def test_repeated_headers_and_raw_headers_keep_order_and_case(
    connect: Any,
) -> None:
    async with FakeServer(Reply()) as server:
        peer = await connect(server)
        await peer.send(b"GET / HTTP/1.0\r\nX-a: 1\r\nx-A:  2 \r\n\r\n")
        await peer.read_response()
    (request,) = server.requests
    assert request.version == (1, 0)
    assert request.headers.getall("X-A") == ["1", "2"]
    assert request.raw_headers == ((b"X-a", b"1"), (b"x-A", b"2"))


async def test_pipelined_requests_are_recorded_and_answered_in_order(
    connect: Any,
) -> None:
    async with FakeServer([Reply(body=b"1"), Reply(body=b"2")]) as server:
        peer = await connect(server)
        await peer.send(
            b"GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        first, second = await peer.read_response(), await peer.read_response()
    assert (first[2], second[2]) == (b"1", b"2")
    assert [r.target for r in server.requests] == ["/1", "/2"]


async def test_expect_100_continue_gets_an_interim_response(connect: Any) -> None:
    async with FakeServer(Reply(body=b"done")) as server:
        peer = await connect(server)
        await peer.send(
            b"PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            b"Content-Length: 2\r\n\r\n"
        )
        interim = await asyncio.wait_for(peer.reader.readuntil(b"\r\n\r\n"), 5)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        await peer.send(b"ok")
        assert (await peer.read_response())[2] == b"done"
    assert server.requests[0].body == b"ok"


async def test_malformed_request_line_is_answered_400_and_recorded(
    connect: Any,
) -> None:
    async with FakeServer(Reply()) as server:
        peer = await connect(server)
        await peer.send(b"NONSENSE\r\n\r\n")
        status, _, _ = await peer.read_response()
        assert await asyncio.wait_for(peer.reader.read(), 5) == b""
    assert status.startswith(b"HTTP/1.1 400")
    assert server.requests == []
    (error,) = server.errors
    assert isinstance(error, BadRequest)
    assert error.raw == b"NONSENSE\r\n"


async def test_oversized_request_head_is_answered_431(connect: Any) -> None:
    async with FakeServer(Reply(), max_head_size=1024) as server:
        peer = await connect(server)
        await peer.send(b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 2048 + b"\r\n\r\n")
        status, _, _ = await peer.read_response()
    assert status.startswith(b"HTTP/1.1 431")
    assert isinstance(server.errors[0], BadRequest)
    assert server.errors[0].status == 431


async def test_oversized_request_body_is_answered_413(connect: Any) -> None:
    async with FakeServer(Reply(), max_body_size=10) as server:
        peer = await connect(server)
        await peer.send(b"POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n")
        status, _, _ = await peer.read_response()
    assert status.startswith(b"HTTP/1.1 413")


async def test_request_cut_inside_the_body_is_recorded_as_an_error(
    connect: Any,
) -> None:
    async with FakeServer(Reply()) as server:
        peer = await connect(server)
        await peer.send(b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")
        peer.writer.write_eof()
        status, _, _ = await peer.read_response()
    assert status.startswith(b"HTTP/1.1 400")
    assert server.errors[0].raw.endswith(b"abc")


async def test_smuggling_shaped_request_is_refused_by_the_parser(connect: Any) -> None:
    wire = (
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    )
    async with FakeServer(Reply()) as server:
        peer = await connect(server)
        await peer.send(wire)
        status, _, _ = await peer.read_response()
    assert status.startswith(b"HTTP/1.1 400")
    assert server.requests == []
    (error,) = server.errors
    assert isinstance(error, BadRequest)
    assert isinstance(error.__cause__, HttpParserError)
    assert error.raw.endswith(b"chunked\r\n\r\n")


async def test_whitespace_before_the_colon_is_refused(connect: Any) -> None:
    async with FakeServer(Reply()) as server:
        peer = await connect(server)
        await peer.send(b"GET / HTTP/1.1\r\nHost : x\r\n\r\n")
        status, _, _ = await peer.read_response()
    assert status.startswith(b"HTTP/1.1 400")
    assert isinstance(server.errors[0].__cause__, HttpParserError)


async def test_request_cut_inside_the_head_is_recorded_as_an_error(
    connect: Any,
) -> None:
    async with FakeServer(Reply()) as server:
        peer = await connect(server)
        await peer.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
        peer.writer.write_eof()
        status, _, _ = await peer.read_response()
    assert status.startswith(b"HTTP/1.1 400")
    assert server.errors[0].raw == b"GET / HTTP/1.1\r\nHost: x\r\n"


async def test_bare_lf_is_refused_unless_lenient(connect: Any) -> None:
    wire = b"GET /lf HTTP/1.1\nHost: x\n\n"
    async with FakeServer(Reply()) as strict:
        peer = await connect(strict)
        await peer.send(wire)
        status, _, _ = await peer.read_response()
    assert status.startswith(b"HTTP/1.1 400")
    async with FakeServer(Reply(body=b"ok"), lenient=True) as lenient:
        peer = await connect(lenient)
        await peer.send(wire)
        assert (await peer.read_response())[2] == b"ok"
    (request,) = lenient.requests
    assert (request.target, request.headers["Host"], request.raw) == ("/lf", "x", wire)
