"""Canned replies, scripts, keep-alive and recording, seen by a raw client."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aioweb.testkit import (
    FakeServer,
    FakeServerError,
    RawReply,
    RecordedRequest,
    Reply,
    routes,
)


async def test_reply_with_content_length(connect: Any) -> None:
    async with FakeServer(Reply(201, headers={"X-A": "1"}, body=b"hello")) as server:
        peer = await connect(server)
        await peer.get("/a?b=c")
        status, headers, body = await peer.read_response()
    assert status == b"HTTP/1.1 201 Created"
    assert headers == {"x-a": "1", "content-length": "5"}
    assert body == b"hello"
    (request,) = server.requests
    assert (request.method, request.target, request.version) == (
        "GET",
        "/a?b=c",
        (1, 1),
    )
    assert (request.path, request.query_string) == ("/a", "b=c")
    assert request.headers["host"] == "test"
    assert request.raw == b"GET /a?b=c HTTP/1.1\r\nHost: test\r\n\r\n"


async def test_chunked_reply_sends_one_chunk_per_piece(connect: Any) -> None:
    async with FakeServer(Reply(body=[b"ab", b"", b"cde"], chunked=True)) as server:
        peer = await connect(server)
        await peer.get()
        _status, headers = await peer.read_head()
        rest = await asyncio.wait_for(peer.reader.readuntil(b"0\r\n\r\n"), 5)
    assert headers["transfer-encoding"] == "chunked"
    assert rest == b"2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n"


async def test_keep_alive_reuses_the_connection(connect: Any) -> None:
    async with FakeServer([Reply(body=b"1"), Reply(body=b"2")]) as server:
        peer = await connect(server)
        await peer.get("/one")
        first = await peer.read_response()
        await peer.get("/two")
        second = await peer.read_response()
    assert (first[2], second[2]) == (b"1", b"2")
    assert [r.connection for r in server.requests] == [0, 0]
    assert server.connections_accepted == 1


async def test_keep_alive_false_closes_after_the_reply(connect: Any) -> None:
    async with FakeServer(Reply(body=b"bye", keep_alive=False)) as server:
        peer = await connect(server)
        await peer.get()
        _status, headers, _body = await peer.read_response()
        assert headers["connection"] == "close"
        assert await asyncio.wait_for(peer.reader.read(), 5) == b""


async def test_client_connection_close_is_honoured(connect: Any) -> None:
    async with FakeServer(Reply(body=b"x")) as server:
        peer = await connect(server)
        await peer.get(extra=b"Connection: close\r\n")
        await peer.read_response()
        assert await asyncio.wait_for(peer.reader.read(), 5) == b""


async def test_iterable_body_without_length_is_delimited_by_close(connect: Any) -> None:
    async with FakeServer(Reply(body=iter([b"a", b"b"]))) as server:
        peer = await connect(server)
        await peer.get()
        _status, headers = await peer.read_head()
        assert "content-length" not in headers
        assert headers["connection"] == "close"
        assert await asyncio.wait_for(peer.reader.read(), 5) == b"ab"


async def test_list_script_is_answered_in_order_across_connections(
    connect: Any,
) -> None:
    async with FakeServer([Reply(body=b"first"), Reply(body=b"second")]) as server:
        bodies = []
        for _ in range(2):
            peer = await connect(server)
            await peer.get()
            bodies.append((await peer.read_response())[2])
        assert server.pending == 0
    assert bodies == [b"first", b"second"]
    assert [r.connection for r in server.requests] == [0, 1]


async def test_exhausted_script_answers_500_and_records_an_error(connect: Any) -> None:
    async with FakeServer([]) as server:
        peer = await connect(server)
        await peer.get("/late")
        status, _, body = await peer.read_response()
    assert status.startswith(b"HTTP/1.1 500")
    assert b"GET /late" in body
    (error,) = server.errors
    assert isinstance(error, FakeServerError)


async def test_default_answers_once_the_list_is_used_up(connect: Any) -> None:
    async with FakeServer([Reply(body=b"1")], default=Reply(204)) as server:
        peer = await connect(server)
        await peer.get()
        await peer.read_response()
        await peer.get()
        status, _, _ = await peer.read_response()
    assert status == b"HTTP/1.1 204 No Content"
    assert server.errors == []


async def test_enqueue_extends_a_list_script(connect: Any) -> None:
    async with FakeServer() as server:
        server.enqueue(Reply(body=b"late"))
        peer = await connect(server)
        await peer.get()
        assert (await peer.read_response())[2] == b"late"


def test_enqueue_refuses_non_actions_and_non_list_scripts() -> None:
    with pytest.raises(FakeServerError):
        FakeServer([b"not an action"])  # type: ignore[list-item]
    with pytest.raises(FakeServerError):
        FakeServer(Reply()).enqueue(Reply())


async def test_sync_and_async_handlers_see_the_request(connect: Any) -> None:
    def sync_handler(request: RecordedRequest) -> Reply:
        return Reply(body=request.method.encode() + request.body)

    async def async_handler(request: RecordedRequest) -> Reply:
        await asyncio.sleep(0)
        return Reply(body=request.target.encode())

    for handler, expected in [(sync_handler, b"POSTdata"), (async_handler, b"/t")]:
        async with FakeServer(handler) as server:
            peer = await connect(server)
            await peer.send(
                b"POST /t HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\ndata"
            )
            assert (await peer.read_response())[2] == expected


async def test_failing_handler_answers_500_and_records_the_error(connect: Any) -> None:
    def broken(request: RecordedRequest) -> Reply:
        raise RuntimeError("boom")

    async with FakeServer(broken) as server:
        peer = await connect(server)
        await peer.get()
        status, _, body = await peer.read_response()
    assert status.startswith(b"HTTP/1.1 500")
    assert b"boom" in body
    assert [type(e) for e in server.errors] == [RuntimeError]


async def test_routes_dispatch_by_path(connect: Any) -> None:
    table = {
        "/a": Reply(body=b"A"),
        "/b": lambda request: Reply(body=b"B" + request.query_string.encode()),
    }
    async with FakeServer(routes(table)) as server:
        peer = await connect(server)
        answers = []
        for target in ["/a", "/b?q", "/c"]:
            await peer.get(target)
            answers.append(await peer.read_response())
    assert [a[2] for a in answers] == [b"A", b"Bq", b"not found"]
    assert answers[2][0] == b"HTTP/1.1 404 Not Found"


async def test_explicit_framing_headers_are_not_doubled(connect: Any) -> None:
    reply = Reply(
        headers=[("Content-Length", "3"), ("Content-Length", "4")], body=b"abc"
    )
    async with FakeServer(reply) as server:
        peer = await connect(server)
        await peer.get()
        raw = await asyncio.wait_for(peer.reader.readuntil(b"\r\n\r\n"), 5)
    assert raw.count(b"Content-Length") == 2


async def test_raw_reply_sends_bytes_verbatim_then_closes(connect: Any) -> None:
    async with FakeServer(RawReply(b"anything\n")) as server:
        peer = await connect(server)
        await peer.get()
        assert await asyncio.wait_for(peer.reader.read(), 5) == b"anything\n"


async def test_wait_for_requests_follows_a_client_in_the_background() -> None:
    async def client(port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for target in (b"/1", b"/2"):
            await asyncio.sleep(0.05)
            writer.write(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            await reader.readuntil(b"\r\n\r\n")
        writer.close()
        await writer.wait_closed()

    async with FakeServer(Reply()) as server:
        task = asyncio.create_task(client(server.port))
        requests = await server.wait_for_requests(2)
        await task
    assert [r.target for r in requests] == ["/1", "/2"]


async def test_wait_for_requests_times_out_with_a_clear_error() -> None:
    async with FakeServer() as server:
        with pytest.raises(FakeServerError, match=r"expected 1 request\(s\), got 0"):
            await server.wait_for_requests(1, timeout=0.1)


async def test_head_request_gets_the_head_only(connect: Any) -> None:
    async with FakeServer([Reply(body=b"12345"), Reply(body=b"next")]) as server:
        peer = await connect(server)
        await peer.send(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
        _status, headers = await peer.read_head()
        assert headers["content-length"] == "5"
        await peer.get()
        # Had the HEAD answer carried its body, this would read "12345".
        assert (await peer.read_response())[2] == b"next"


@pytest.mark.parametrize("status", [204, 304])
async def test_bodyless_statuses_get_no_framing_headers(
    connect: Any, status: int
) -> None:
    async with FakeServer([Reply(status), Reply(body=b"after")]) as server:
        peer = await connect(server)
        await peer.get()
        _status, headers = await peer.read_head()
        assert "content-length" not in headers
        assert "transfer-encoding" not in headers
        await peer.get()
        assert (await peer.read_response())[2] == b"after"
