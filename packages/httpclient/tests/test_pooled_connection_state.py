"""A connection back in the pool keeps nothing of the response it carried."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator

import pytest
from yarl import URL

from aioweb.client import ClientSession, ClientTimeout, TCPConnector

BODY = b'{"ok": true}'
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    b"Set-Cookie: a=1\r\nContent-Length: %d\r\n\r\n%s" % (len(BODY), BODY)
)


@pytest.fixture
async def keep_alive_server() -> AsyncIterator[tuple[URL, list[int]]]:
    """Answers every request on a connection; counts connections accepted."""
    accepted: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                writer.write(RESPONSE)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield URL.build(scheme="http", host="127.0.0.1", port=port), accepted
    server.close()
    await server.wait_closed()


@pytest.mark.parametrize("sock_read", [None, 5.0])
async def test_released_response_is_freed_while_connection_stays_pooled(
    keep_alive_server: tuple[URL, list[int]], sock_read: float | None
) -> None:
    url, accepted = keep_alive_server
    connector = TCPConnector()
    timeout = ClientTimeout(total=30, sock_read=sock_read)
    async with ClientSession(connector=connector, timeout=timeout) as session:
        async with session.get(url) as resp:
            assert await resp.read() == BODY
            assert resp.cookies["a"].value == "1"
        [idle] = connector._idle.values()
        [(protocol, _)] = idle
        response_ref = weakref.ref(resp)
        body_ref = weakref.ref(resp.content)
        del resp
        # The loop's handle that woke this task holds the head's future
        # until the loop runs its next callback.
        await asyncio.sleep(0)
        # Freed by reference counting alone: no cycle, no collector needed.
        assert response_ref() is None
        assert body_ref() is None
        # ... while the connection waits in the pool, holding no timer.
        assert protocol in connector._all
        assert protocol._head_waiter is None
        assert protocol._read_timer is None
        assert protocol.is_connected()
        # And it is the connection the next request uses.
        async with session.get(url) as again:
            assert await again.read() == BODY
        [idle] = connector._idle.values()
        assert [entry[0] for entry in idle] == [protocol]
    assert accepted == [1]


async def test_request_info_is_made_when_asked_for(
    keep_alive_server: tuple[URL, list[int]],
) -> None:
    url, _ = keep_alive_server
    async with ClientSession() as session:
        async with session.get(url, headers={"X-Tag": "t"}) as resp:
            await resp.read()
        info = resp.request_info
        assert info.url == url
        assert info.method == "GET"
        assert info.headers["X-Tag"] == "t"
        assert resp.request_info is info
