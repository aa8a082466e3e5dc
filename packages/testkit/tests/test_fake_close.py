"""Exact clean-up: close() leaves no connection, task, socket or warning."""

from __future__ import annotations

import asyncio
import gc
import socket
from typing import Any

import pytest

from aioweb.testkit import (
    FakeServer,
    FakeServerError,
    FakeServerFactory,
    FakeWebSocketServer,
    Hang,
    Reply,
    gzip_bomb,
)


def refuses(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.connect(("127.0.0.1", port))
        except ConnectionRefusedError:
            return True
    return False


async def test_close_drops_every_kind_of_open_connection(connect: Any) -> None:
    server = FakeServer([Reply(body=b"kept"), Hang(), gzip_bomb()])
    await server.start()
    idle = await connect(server)
    await idle.get()
    await idle.read_response()  # keep-alive: open and idle
    hanging = await connect(server)
    await hanging.get()
    stalled = await connect(server)  # the bomb: the client never reads
    await stalled.get()
    await asyncio.sleep(0.05)
    assert server.open_connections == 3
    tasks_before = len(asyncio.all_tasks())

    await server.close()

    assert server.open_connections == 0
    assert server.closed
    assert len(asyncio.all_tasks()) == tasks_before - 3
    assert refuses(server.port)
    gc.collect()  # with -W error, a leaked transport would fail here


async def test_close_is_idempotent_and_start_is_once() -> None:
    server = FakeServer()
    await server.start()
    with pytest.raises(FakeServerError):
        await server.start()
    await server.close()
    await server.close()
    with pytest.raises(FakeServerError):
        await server.start()


async def test_close_before_start_is_harmless() -> None:
    server = FakeWebSocketServer()
    await server.close()
    assert server.closed


async def test_factory_closes_all_its_servers(connect: Any) -> None:
    async with FakeServerFactory() as factory:
        http = await factory(Hang())
        ws = await factory.websocket()
        peer = await connect(http)
        await peer.get()
        await connect(ws)
        assert factory.servers == [http, ws]
    assert factory.servers == []
    assert http.closed and ws.closed
    assert refuses(http.port) and refuses(ws.port)


async def test_urls_name_the_listening_port() -> None:
    async with FakeServer() as server:
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert server.make_url("x") == server.url + "/x"
    async with FakeWebSocketServer() as ws:
        assert ws.url == f"ws://127.0.0.1:{ws.port}"
