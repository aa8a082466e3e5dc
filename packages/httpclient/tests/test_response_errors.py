"""Broken peers, timeouts and cancellation: the right error, nothing left open."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import socket
from collections.abc import Callable
from typing import Any

import pytest

import aioweb.client
from aioweb.client import (
    ClientPayloadError,
    ClientResponseError,
    ClientSession,
    ClientTimeout,
    TCPConnector,
)
from aioweb.testkit import (
    Action,
    End,
    FakeServerFactory,
    Hang,
    RawReply,
    RecordedRequest,
    Reply,
    get_unused_port_socket,
)


async def test_truncated_sized_body_is_a_payload_error(
    fake_server: FakeServerFactory,
) -> None:
    server = await fake_server(
        RawReply(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
    )
    async with ClientSession() as session, session.get(server.url) as resp:
        assert resp.status == 200
        with pytest.raises(ClientPayloadError) as info:
            await resp.read()
    assert "not completed" in str(info.value)


async def test_truncated_chunked_body_is_a_payload_error(
    fake_server: FakeServerFactory,
) -> None:
    server = await fake_server(
        RawReply(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel")
    )
    async with ClientSession() as session, session.get(server.url) as resp:
        with pytest.raises(ClientPayloadError):
            await resp.content.read()


async def test_malformed_chunk_is_a_payload_error(
    fake_server: FakeServerFactory,
) -> None:
    server = await fake_server(
        RawReply(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n",
            end=End.HANG,
        )
    )
    async with ClientSession() as session, session.get(server.url) as resp:
        with pytest.raises(ClientPayloadError):
            await resp.read()


async def test_bad_status_line(fake_server: FakeServerFactory) -> None:
    server = await fake_server(RawReply(b"HTTP/1.1 2000 Nope\r\n\r\n"))
    async with ClientSession() as session:
        with pytest.raises(ClientResponseError) as info:
            await session.get(server.url)
    assert info.value.status == 400


async def test_oversized_header_is_refused(fake_server: FakeServerFactory) -> None:
    big = b"X-Big: " + b"a" * 9000 + b"\r\n"
    server = await fake_server(
        RawReply(b"HTTP/1.1 200 OK\r\n" + big + b"Content-Length: 0\r\n\r\n")
    )
    async with ClientSession() as session:
        with pytest.raises(ClientResponseError) as info:
            await session.get(server.url)
        assert info.value.status in (400, 431)
        # A larger limit, per request, lets it through.
        async with session.get(server.url, max_field_size=10_000) as resp:
            assert len(resp.headers["X-Big"]) == 9000


async def test_too_many_headers_is_refused(fake_server: FakeServerFactory) -> None:
    fields = b"".join(b"X-%d: v\r\n" % i for i in range(200))
    server = await fake_server(
        RawReply(b"HTTP/1.1 200 OK\r\n" + fields + b"Content-Length: 0\r\n\r\n")
    )
    async with ClientSession() as session:
        with pytest.raises(ClientResponseError):
            await session.get(server.url)


async def test_close_before_the_head_is_server_disconnected(
    fake_server: FakeServerFactory,
) -> None:
    server = await fake_server(RawReply(b"", end=End.CLOSE))
    async with ClientSession() as session:
        with pytest.raises(aioweb.client.ServerDisconnectedError):
            await session.get(server.url)


async def test_connection_refused(aioweb_unused_port: Callable[[], int]) -> None:
    unused_tcp_port = aioweb_unused_port()
    async with ClientSession() as session:
        with pytest.raises(aioweb.client.ClientConnectorError) as info:
            await session.get(f"http://127.0.0.1:{unused_tcp_port}/")
    assert info.value.port == unused_tcp_port
    assert isinstance(info.value.os_error, ConnectionRefusedError)


async def test_sock_read_timeout_waiting_for_the_head(
    fake_server: FakeServerFactory,
) -> None:
    server = await fake_server(Hang())
    timeout = ClientTimeout(sock_read=0.1)
    async with ClientSession(timeout=timeout) as session:
        with pytest.raises(aioweb.client.SocketTimeoutError):
            await session.get(server.url)


async def test_sock_read_timeout_inside_the_body(
    fake_server: FakeServerFactory,
) -> None:
    server = await fake_server(
        RawReply(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", end=End.HANG)
    )
    async with ClientSession() as session:
        resp = await session.get(server.url, timeout=ClientTimeout(sock_read=0.1))
        with pytest.raises(aioweb.client.ServerTimeoutError):
            await resp.read()
        resp.release()


async def test_total_timeout(
    fake_server: FakeServerFactory,
) -> None:
    server = await fake_server(Hang())
    async with ClientSession(timeout=ClientTimeout(total=0.1)) as session:
        with pytest.raises(asyncio.TimeoutError):
            await session.get(server.url)


@pytest.mark.parametrize(
    "timeout",
    [
        ClientTimeout(total=0.2),  # a loop timer of its own
        ClientTimeout(total=0.3, ceil_threshold=0.1),  # a shared, whole-second one
    ],
)
async def test_total_timeout_on_a_pooled_connection(
    fake_server: FakeServerFactory, timeout: ClientTimeout
) -> None:
    """The total timer also runs for a request written on a kept connection.

    It is started after the write there, before the wait for the head.
    """
    server = await fake_server([Reply(200, body=b"ok"), Hang()])
    async with ClientSession(timeout=timeout) as session:
        async with session.get(server.url) as resp:
            assert await resp.read() == b"ok"
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(asyncio.TimeoutError):
            await session.get(server.url)
        assert loop.time() - started < 2.5
    # Both went over one connection: the second was a pooled one.
    assert [request.connection for request in server.requests] == [0, 0]


async def test_connect_timeout_while_queued_for_a_slot(
    fake_server: FakeServerFactory,
) -> None:
    server = await fake_server(Hang())
    connector = TCPConnector(limit=1)
    async with ClientSession(connector=connector) as session:
        first = asyncio.ensure_future(session.get(server.url))
        await asyncio.sleep(0.05)
        with pytest.raises(aioweb.client.ConnectionTimeoutError):
            await session.get(server.url, timeout=ClientTimeout(connect=0.1))
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first


async def test_sock_connect_timeout() -> None:
    # A listening socket with a full backlog never completes new handshakes
    # on Linux; an unroutable address would need a network.
    listener = get_unused_port_socket()
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(8):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        async with ClientSession(timeout=ClientTimeout(sock_connect=0.2)) as session:
            try:
                await session.get(f"http://127.0.0.1:{port}/")
            except aioweb.client.ConnectionTimeoutError:
                pass
            except aioweb.client.ClientConnectorError:
                pytest.skip("the kernel accepted or refused instead of stalling")
            else:  # pragma: no cover
                pytest.fail("no timeout")
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


async def test_cancelling_mid_request_leaves_nothing_open(
    fake_server: FakeServerFactory,
) -> None:
    server = await fake_server(Hang())
    async with ClientSession() as session:
        task = asyncio.ensure_future(session.get(server.url))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        connector = session.connector
        assert connector is not None
        assert connector._acquired == set()
    gc.collect()


async def test_cancelling_while_reading_the_body(
    fake_server: FakeServerFactory,
) -> None:
    server = await fake_server(
        RawReply(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", end=End.HANG)
    )
    async with ClientSession() as session:
        resp = await session.get(server.url)
        task = asyncio.ensure_future(resp.read())
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert resp.closed
        assert session.connector is not None
        assert session.connector._acquired == set()


async def test_reused_connection_closed_by_the_server_is_retried(
    fake_server: FakeServerFactory,
) -> None:
    # The server answers one request per connection but claims keep-alive,
    # then closes: the pooled connection is dead when it is reused.
    answered: set[int] = set()

    def one_per_connection(request: RecordedRequest) -> Action:
        if request.connection in answered:
            return RawReply(b"", end=End.CLOSE)  # the reuse: dropped unanswered
        answered.add(request.connection)
        return Reply(body=b"ok")

    server = await fake_server(one_per_connection)
    async with ClientSession() as session:
        for _ in range(3):
            async with session.get(server.url) as resp:
                assert await resp.read() == b"ok"
        assert server.connections_accepted >= 2
        # A POST is not idempotent: the failure reaches the caller.
        async with session.get(server.url) as resp:
            await resp.read()
        with pytest.raises(aioweb.client.ServerDisconnectedError):
            await session.post(server.url, data=b"x")


async def test_expect_100_continue(fake_server: FakeServerFactory) -> None:
    # The fake server holds 100 Continue back for a while and answers 417 to
    # a body that arrives before it.
    server = await fake_server(
        lambda request: Reply(body=request.body), continue_delay=0.1
    )
    async with (
        ClientSession() as session,
        session.put(server.url, data=b"hello", expect100=True) as resp,
    ):
        assert resp.status == 200
        assert await resp.read() == b"hello"
    assert server.errors == []
    [request] = server.requests
    assert request.headers["Expect"].lower() == "100-continue"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"headers": {"X-A": "a\r\nInjected: 1"}}, ValueError),
        ({"headers": {"X-A\r\n": "a"}}, ValueError),
        ({"method": "GET /x HTTP/1.1\r\n"}, ValueError),
        ({"url_suffix": "/a\r\nInjected: 1"}, ValueError),
    ],
)
async def test_cr_lf_is_refused_before_sending(
    fake_server: FakeServerFactory, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    server = await fake_server(Hang())
    method = kwargs.pop("method", "GET")
    url = str(server.url) + kwargs.pop("url_suffix", "/")
    async with ClientSession() as session:
        with pytest.raises(error):
            await session.request(method, url, **kwargs)
    assert server.connections_accepted == 0


async def test_slow_consumer_is_not_a_read_timeout(
    fake_server: FakeServerFactory,
) -> None:
    # The body fills the reader's buffer; the consumer then waits longer
    # than sock_read before reading on. The server was not silent.
    size = 1_000_000
    server = await fake_server(Reply(body=b"x" * size))
    timeout = ClientTimeout(sock_read=0.2)
    async with (
        ClientSession(timeout=timeout, read_bufsize=2**14) as session,
        session.get(server.url) as resp,
    ):
        first = await resp.content.readexactly(10)
        await asyncio.sleep(0.5)
        rest = await resp.read()
    assert len(first) + len(rest) == size


async def test_body_read_until_close(fake_server: FakeServerFactory) -> None:
    # An HTTP/1.0 response without Content-Length, in two writes, then the
    # close that ends its body (RFC 9112 section 6.3).
    head = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil "
    server = await fake_server(
        RawReply(head + b"the end", drip=0.05, drip_size=len(head))
    )
    async with ClientSession() as session:
        for _ in range(2):  # the closed connection is not reused
            async with session.get(server.url) as resp:
                assert resp.version == (1, 0)
                assert await resp.text() == "until the end"
    assert server.connections_accepted == 2


@pytest.mark.parametrize("status", [204, 304])
async def test_statuses_without_a_body(
    fake_server: FakeServerFactory, status: int
) -> None:
    # A Content-Length on a 204 or 304 announces no body (RFC 9110 section
    # 8.6): the connection stays usable.
    server = await fake_server(
        Reply(status, reason="Nothing", headers=[("Content-Length", "5")])
    )
    async with ClientSession() as session:
        for _ in range(2):
            async with session.get(server.url) as resp:
                assert resp.status == status
                assert await resp.read() == b""
        async with session.head(server.url) as resp:
            assert await resp.read() == b""
    assert server.connections_accepted == 1


async def test_connection_close_is_not_reused(fake_server: FakeServerFactory) -> None:
    server = await fake_server(Reply(body=b"ok", keep_alive=False))
    async with ClientSession() as session:
        for _ in range(2):
            async with session.get(server.url) as resp:
                assert await resp.read() == b"ok"
    assert server.connections_accepted == 2
