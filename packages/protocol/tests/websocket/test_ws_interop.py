"""WebSocketBase against the ``websockets`` library's asyncio server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from aioweb.protocol.ws_types import WSCloseCode, WSMessage, WSMsgType
from aioweb.websocket import DeflateOptions

pytestmark = pytest.mark.interop

Handler = Callable[[ServerConnection], Awaitable[None]]


@pytest.fixture
async def websockets_server() -> AsyncIterator[Callable[[Handler], Awaitable[int]]]:
    servers = []

    async def start(handler: Handler) -> int:
        server = await serve(
            handler, "127.0.0.1", 0, compression="deflate", ping_interval=None
        )
        servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    yield start

    for server in servers:
        server.close()
        await server.wait_closed()


async def echo(connection: ServerConnection) -> None:
    async for message in connection:
        await connection.send(message)


async def test_round_trip_with_compression(
    websockets_server: Any, connect_ws: Any
) -> None:
    port = await websockets_server(echo)
    ws, client = await connect_ws(port, deflate=DeflateOptions())
    assert client.reader is not None
    text = "compressible " * 500
    await ws.send_str(text)
    assert await ws.receive_str(timeout=5) == text
    await ws.send_bytes(b"\x00\x01" * 10000)
    assert await ws.receive_bytes(timeout=5) == b"\x00\x01" * 10000
    await ws.send_json({"k": ["v"]})
    assert await ws.receive_json(timeout=5) == {"k": ["v"]}
    assert await ws.close()
    assert ws.close_code == WSCloseCode.OK
    assert ws.exception() is None


async def test_fragmented_message_from_server(
    websockets_server: Any, connect_ws: Any
) -> None:
    async def fragments(connection: ServerConnection) -> None:
        await connection.send(["frag", "men", "ted"])
        await connection.send([b"a", b"b"])
        await connection.wait_closed()

    port = await websockets_server(fragments)
    ws, _ = await connect_ws(port)
    assert await ws.receive_str(timeout=5) == "fragmented"
    assert await ws.receive_bytes(timeout=5) == b"ab"
    assert await ws.close()


async def test_server_closes(websockets_server: Any, connect_ws: Any) -> None:
    async def close_soon(connection: ServerConnection) -> None:
        await connection.send("bye")
        await connection.close(4000, "done here")

    port = await websockets_server(close_soon)
    ws, client = await connect_ws(port)
    assert await ws.receive_str(timeout=5) == "bye"
    assert await ws.receive(timeout=5) == WSMessage(WSMsgType.CLOSE, 4000, "done here")
    assert ws.closed
    assert ws.close_code == 4000
    await asyncio.wait_for(client.lost, 5)


async def test_server_ping_is_answered(websockets_server: Any, connect_ws: Any) -> None:
    latencies: list[float] = []

    async def pinger(connection: ServerConnection) -> None:
        latencies.append(await connection.ping())
        await connection.send("pinged")
        await connection.wait_closed()

    port = await websockets_server(pinger)
    ws, _ = await connect_ws(port)
    # The pong went out before the application read anything.
    assert await ws.receive_str(timeout=5) == "pinged"
    assert len(latencies) == 1
    assert await ws.close()


async def test_heartbeat_against_a_live_server(
    websockets_server: Any, connect_ws: Any
) -> None:
    async def idle(connection: ServerConnection) -> None:
        await connection.wait_closed()

    port = await websockets_server(idle)
    ws, _ = await connect_ws(port, heartbeat=0.2)
    await asyncio.sleep(0.9)
    # The server answered every ping: still open.
    assert not ws.closed
    assert ws.exception() is None
    assert await ws.close()
    assert ws.close_code == WSCloseCode.OK
