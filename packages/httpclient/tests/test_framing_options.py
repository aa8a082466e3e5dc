"""``read_until_eof=False`` and ``expect100=True`` answered by a final status.

The ``scripted`` peer is an asyncio server on 127.0.0.1 that writes exact
bytes and records the raw bytes the client sends after each answer, until it
goes quiet or closes, so that a body the client held back (or sent) after a
final answer to ``Expect: 100-continue`` can be checked; aioweb-testkit's
fake server reads whole requests, bodies included, so it cannot tell.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from yarl import URL

from aioweb.client import ClientSession, TCPConnector
from aioweb.testkit import FakeServerFactory, RawReply

Reply = Callable[[bytes], bytes]


@dataclass
class Peer:
    url: URL
    heads: list[bytes] = field(default_factory=list)
    # Bytes received after each head, until the client closed or went quiet.
    after_head: list[bytes] = field(default_factory=list)
    connections: int = 0
    closed_by_client: int = 0


@pytest.fixture
async def scripted() -> AsyncIterator[Callable[[Reply, float], Awaitable[Peer]]]:
    servers: list[asyncio.Server] = []

    async def start(reply: Reply, quiet: float = 0.3) -> Peer:
        peer = Peer(URL("http://127.0.0.1"))

        async def serve(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter
        ) -> None:
            peer.connections += 1
            try:
                while True:
                    try:
                        head = await reader.readuntil(b"\r\n\r\n")
                    except asyncio.IncompleteReadError:
                        peer.closed_by_client += 1
                        return
                    peer.heads.append(head)
                    writer.write(reply(head))
                    await writer.drain()
                    # Whatever the client sends before it goes quiet.
                    extra = b""
                    try:
                        while chunk := await asyncio.wait_for(
                            reader.read(65536), quiet
                        ):
                            extra += chunk
                            if extra.endswith(b"\r\n\r\n"):
                                break  # the next request's head
                        else:
                            peer.closed_by_client += 1
                            peer.after_head.append(extra)
                            return
                    except asyncio.TimeoutError:
                        pass
                    peer.after_head.append(extra)
                    if extra.endswith(b"\r\n\r\n"):
                        peer.heads.append(extra)
                        writer.write(reply(extra))
                        await writer.drain()
            except ConnectionError:
                peer.closed_by_client += 1
            finally:
                writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        servers.append(server)
        peer.url = peer.url.with_port(server.sockets[0].getsockname()[1])
        return peer

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


# -- read_until_eof=False ------------------------------------------------------


def _until_close(head: bytes) -> bytes:
    # No Content-Length, not chunked: the body runs until the server closes,
    # which this one does not do.
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nbody-until-close"


async def test_read_until_eof_false_gives_an_empty_body(
    scripted: Callable[[Reply, float], Awaitable[Peer]],
) -> None:
    peer = await scripted(_until_close, 0.3)
    connector = TCPConnector()
    async with ClientSession(connector=connector) as session:
        async with session.get(peer.url, read_until_eof=False) as resp:
            assert resp.status == 200
            body = await asyncio.wait_for(resp.read(), 2)
        assert body == b""
        # The rest of the stream has no framing: the connection is not kept.
        assert not connector._idle
        await asyncio.sleep(0.1)
    assert peer.closed_by_client == 1


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
    scripted: Callable[[Reply, float], Awaitable[Peer]], method: str, reply: bytes
) -> None:
    peer = await scripted(lambda head: reply, 0.05)
    connector = TCPConnector()
    async with ClientSession(connector=connector) as session:
        for _ in range(2):
            async with session.request(method, peer.url, read_until_eof=False) as resp:
                body = await resp.read()
        assert body == (b"size" if b"size" in reply else b"")
    # Both requests on one connection: these responses end where they say.
    assert peer.connections == 1
    assert len(peer.heads) == 2


# -- Expect: 100-continue answered with a final status -------------------------


async def test_final_status_instead_of_100_withholds_the_body(
    scripted: Callable[[Reply, float], Awaitable[Peer]],
) -> None:
    def refuse(head: bytes) -> bytes:
        return b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 3\r\n\r\nno!"

    peer = await scripted(refuse, 0.3)
    connector = TCPConnector()
    async with ClientSession(connector=connector) as session:
        async with session.put(peer.url, data=b"B" * 1000, expect100=True) as resp:
            assert resp.status == 417
            assert await resp.read() == b"no!"
        # The server may still wait for the body it was promised: the
        # connection cannot carry another request.
        assert not connector._idle
        await asyncio.sleep(0.4)
    [head] = peer.heads
    assert b"expect: 100-continue" in head.lower()
    assert b"content-length: 1000" in head.lower()
    assert peer.after_head == [b""]  # not one byte of the body
    assert peer.closed_by_client == 1


async def test_100_continue_then_body_keeps_the_connection(
    scripted: Callable[[Reply, float], Awaitable[Peer]],
) -> None:
    def accept(head: bytes) -> bytes:
        if b"100-continue" in head.lower():
            return (
                b"HTTP/1.1 100 Continue\r\n\r\n"
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
            )
        return b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    peer = await scripted(accept, 0.2)
    connector = TCPConnector()
    async with ClientSession(connector=connector) as session:
        async with session.put(peer.url, data=b"hello", expect100=True) as resp:
            assert resp.status == 200
            assert await resp.read() == b"ok"
        await asyncio.sleep(0.3)
        assert connector._idle  # framed on both sides: reusable
    assert peer.after_head == [b"hello"]
