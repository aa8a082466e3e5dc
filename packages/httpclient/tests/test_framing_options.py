"""``read_until_eof=False``, ``expect100=True`` answered by a final status,
and the ``Connection`` field a request carries.

The peers are aioweb-testkit fake servers: they record each request, the
bytes a client still sends on a connection they stopped reading (a body
withheld or not), and which connections the client closed, so that what the
client sent (or held back) and whether it kept the connection can be checked.
"""

from __future__ import annotations

import asyncio

import pytest

from aioweb.client import ClientSession, TCPConnector
from aioweb.protocol import HttpVersion, HttpVersion10, HttpVersion11
from aioweb.testkit import End, FakeServerFactory, RawReply, Reply

# -- read_until_eof=False ------------------------------------------------------


async def test_read_until_eof_false_gives_an_empty_body(
    fake_server: FakeServerFactory,
) -> None:
    # No Content-Length, not chunked: the body runs until the server closes,
    # which this one does not do.
    server = await fake_server(
        RawReply(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nbody-until-close",
            end=End.HANG,
        )
    )
    connector = TCPConnector()
    async with ClientSession(connector=connector) as session:
        async with session.get(server.url, read_until_eof=False) as resp:
            assert resp.status == 200
            body = await asyncio.wait_for(resp.read(), 2)
        assert body == b""
        # The rest of the stream has no framing: the connection is not kept.
        assert not connector._idle
        await server.wait_for_client_closes(1)
    assert server.discarded == {0: b""}


async def test_read_until_eof_default_reads_until_close(
    fake_server: FakeServerFactory,
) -> None:
    server = await fake_server(RawReply(b"HTTP/1.1 200 OK\r\n\r\nall of it"))
    async with ClientSession() as session, session.get(server.url) as resp:
        assert await asyncio.wait_for(resp.read(), 5) == b"all of it"


@pytest.mark.parametrize(
    ("method", "reply"),
    [
        ("GET", b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nsize"),
        ("GET", b"HTTP/1.1 204 No Content\r\n\r\n"),
        ("HEAD", b"HTTP/1.1 200 OK\r\n\r\n"),
    ],
)
async def test_read_until_eof_false_leaves_framed_responses_alone(
    fake_server: FakeServerFactory, method: str, reply: bytes
) -> None:
    server = await fake_server(RawReply(reply, reusable=True))
    connector = TCPConnector()
    async with ClientSession(connector=connector) as session:
        for _ in range(2):
            async with session.request(
                method, server.url, read_until_eof=False
            ) as resp:
                body = await resp.read()
        assert body == (b"size" if b"size" in reply else b"")
    # Both requests on one connection: these responses end where they say.
    assert server.connections_accepted == 1
    assert len(server.requests) == 2


# -- Expect: 100-continue answered with a final status -------------------------


async def test_final_status_instead_of_100_withholds_the_body(
    fake_server: FakeServerFactory,
) -> None:
    # The fake server answers from the head, leaving the body unread, and
    # keeps whatever the client sends afterwards.
    server = await fake_server(
        Reply(417, body=b"no!"),
        answer_before_body=True,
    )
    connector = TCPConnector()
    async with ClientSession(connector=connector) as session:
        async with session.put(server.url, data=b"B" * 1000, expect100=True) as resp:
            assert resp.status == 417
            assert await resp.read() == b"no!"
        # The server may still wait for the body it was promised: the
        # connection cannot carry another request.
        assert not connector._idle
        await server.wait_for_client_closes(1)
    [request] = server.requests
    assert request.headers["Expect"].lower() == "100-continue"
    assert request.headers["Content-Length"] == "1000"
    assert server.discarded == {0: b""}  # not one byte of the body


async def test_100_continue_then_body_keeps_the_connection(
    fake_server: FakeServerFactory,
) -> None:
    server = await fake_server(Reply(body=b"ok"))
    connector = TCPConnector()
    async with ClientSession(connector=connector) as session:
        async with session.put(server.url, data=b"hello", expect100=True) as resp:
            assert resp.status == 200
            assert await resp.read() == b"ok"
        await asyncio.sleep(0.1)
        assert connector._idle  # framed on both sides: reusable
    [request] = server.requests
    assert request.body == b"hello"
    assert b"100-continue" in request.raw.lower()


# -- Connection: what the connector will do with the connection ---------------


@pytest.mark.parametrize(
    ("force_close", "version", "expected"),
    [
        (True, HttpVersion11, "close"),
        (False, HttpVersion11, None),  # HTTP/1.1 is persistent by default
        (False, HttpVersion10, "keep-alive"),
        (True, HttpVersion10, None),  # HTTP/1.0 closes by default
    ],
)
async def test_connection_field_says_what_the_connector_does(
    fake_server: FakeServerFactory,
    force_close: bool,
    version: HttpVersion,
    expected: str | None,
) -> None:
    server = await fake_server(Reply(body=b"ok"))
    connector = TCPConnector(force_close=force_close)
    async with ClientSession(connector=connector, version=version) as session:
        async with session.get(server.url) as resp:
            assert await resp.read() == b"ok"
        # A Connection field of the caller's own is left as it is.
        async with session.get(server.url, headers={"Connection": "close"}) as resp:
            assert await resp.read() == b"ok"
    first, second = server.requests
    assert first.headers.get("Connection") == expected
    assert second.headers.getall("Connection") == ["close"]
