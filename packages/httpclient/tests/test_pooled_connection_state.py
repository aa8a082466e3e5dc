"""A connection back in the pool keeps nothing of the response it carried."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence

import pytest
from yarl import URL

from aioweb.client import (
    ClientRequest,
    ClientSession,
    ClientTimeout,
    Connection,
    TCPConnector,
)
from aioweb.client.timeout import DEFAULT_TIMEOUT
from aioweb.client.tracing import Trace
from aioweb.testkit import FakeServer, FakeServerFactory, Reply

BODY = b'{"ok": true}'


@pytest.fixture
async def keep_alive_server(
    fake_server: FakeServerFactory,
) -> tuple[URL, FakeServer]:
    """Answers every request on a connection; counts connections accepted."""
    server = await fake_server(
        Reply(
            headers=[("Content-Type", "application/json"), ("Set-Cookie", "a=1")],
            body=BODY,
        )
    )
    return URL(server.url), server


@pytest.mark.parametrize("sock_read", [None, 5.0])
async def test_released_response_is_freed_while_connection_stays_pooled(
    keep_alive_server: tuple[URL, FakeServer], sock_read: float | None
) -> None:
    url, server = keep_alive_server
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
        assert protocol._read_timer is None or not protocol._read_timer.armed
        assert protocol.is_connected()
        # And it is the connection the next request uses.
        async with session.get(url) as again:
            assert await again.read() == BODY
        [idle] = connector._idle.values()
        assert [entry[0] for entry in idle] == [protocol]
    assert server.connections_accepted == 1


async def test_request_info_is_made_when_asked_for(
    keep_alive_server: tuple[URL, FakeServer],
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


async def test_a_connector_with_its_own_connect_is_asked_for_every_request(
    keep_alive_server: tuple[URL, FakeServer],
) -> None:
    # A pooled connection is normally taken without connect(); a connector
    # that overrides connect() still sees every request.
    url, server = keep_alive_server
    asked: list[URL] = []

    class Counting(TCPConnector):
        async def connect(
            self,
            req: ClientRequest,
            traces: Sequence[Trace],
            timeout: ClientTimeout = DEFAULT_TIMEOUT,
        ) -> Connection:
            asked.append(req.url)
            return await super().connect(req, traces, timeout)

    async with ClientSession(connector=Counting()) as session:
        for _ in range(3):
            async with session.get(url) as resp:
                assert await resp.read() == BODY
    assert asked == [url] * 3
    assert server.connections_accepted == 1
