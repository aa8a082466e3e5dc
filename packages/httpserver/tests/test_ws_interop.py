"""The server's WebSocketResponse against the ``websockets`` library's client.

Every test runs a real aioweb.web server on 127.0.0.1 and an ephemeral port
and talks to it with ``websockets.asyncio.client``, once on asyncio's loop
and once on uvloop: text and binary messages, fragmented messages, pings
and pongs both ways, close codes both ways, permessage-deflate negotiated
or not (RFC 7692), subprotocols and the message size limit.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedError

from aioweb import web
from aioweb.testkit import TestServer

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Runner = Callable[[Coroutine[Any, Any, None]], None]


@pytest.fixture(params=["asyncio", "uvloop"])
def run(request: pytest.FixtureRequest) -> Runner:
    """Runs a coroutine to its end on the loop the test is parametrized with."""
    if request.param == "uvloop":
        import uvloop

        return uvloop.run  # type: ignore[no-any-return]
    return asyncio.run


@contextlib.asynccontextmanager
async def serving(handler: Handler) -> AsyncIterator[str]:
    """A server with ``handler`` at ``/ws``; yields its ``ws://`` URL."""
    app = web.Application()
    app.router.add_get("/ws", handler)
    # These tests run their own loop (asyncio or uvloop), so the testkit's
    # TestServer is used directly rather than through a fixture.
    async with TestServer(app) as server:
        yield str(server.make_url("/ws").with_scheme("ws"))


def echo_handler(**kwargs: Any) -> Handler:
    async def echo(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(**kwargs)
        await ws.prepare(request)
        async for message in ws:
            if message.type is web.WSMsgType.TEXT:
                await ws.send_str(message.data)
            elif message.type is web.WSMsgType.BINARY:
                await ws.send_bytes(message.data)
        return ws

    return echo


def test_text_and_binary_echo(run: Runner) -> None:
    async def main() -> None:
        async with serving(echo_handler()) as url, connect(url) as client:
            await client.send("héllo, wörld")
            assert await client.recv() == "héllo, wörld"
            await client.send(b"\x00\xff" * 40000)
            assert await client.recv() == b"\x00\xff" * 40000
            await client.send("")
            assert await client.recv() == ""

    run(main())


def test_fragmented_messages_from_the_client(run: Runner) -> None:
    async def main() -> None:
        async with serving(echo_handler()) as url, connect(url) as client:
            # An iterable is sent as one message in several frames.
            await client.send(["frag", "men", "ted ☃"])
            assert await client.recv() == "fragmented ☃"
            await client.send([b"a" * 70000, b"b", b"c" * 3])
            assert await client.recv() == b"a" * 70000 + b"bccc"

    run(main())


def test_the_clients_ping_is_answered(run: Runner) -> None:
    async def main() -> None:
        async with serving(echo_handler()) as url, connect(url) as client:
            pongs = [await client.ping(str(i).encode()) for i in range(5)]
            latency = await asyncio.wait_for(asyncio.gather(*pongs), 5)
            assert all(value >= 0 for value in latency)
            await client.send("after the pings")
            assert await client.recv() == "after the pings"

    run(main())


def test_the_servers_ping_is_answered_by_the_client(run: Runner) -> None:
    seen: list[tuple[web.WSMsgType, Any]] = []

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        await ws.ping(b"are you there")
        message = await ws.receive(timeout=5)
        seen.append((message.type, message.data))
        await ws.pong(b"unsolicited")  # a pong without a ping is allowed
        await ws.send_str("done")
        await ws.close()
        return ws

    async def main() -> None:
        async with serving(handler) as url, connect(url) as client:
            assert await client.recv() == "done"
            await client.wait_closed()
            assert client.close_code == 1000

    run(main())
    assert seen == [(web.WSMsgType.PONG, b"are you there")]


def test_the_server_closes_with_its_code_and_reason(run: Runner) -> None:
    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.close(code=4000, message=b"bye now")
        return ws

    async def main() -> None:
        async with serving(handler) as url, connect(url) as client:
            with pytest.raises(ConnectionClosedError):
                await client.recv()
            assert client.close_code == 4000
            assert client.close_reason == "bye now"

    run(main())


def test_the_clients_close_code_reaches_the_handler(run: Runner) -> None:
    seen: list[Any] = []

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        message = await ws.receive(timeout=5)
        seen.append((message.type, message.data, message.extra, ws.close_code))
        return ws

    async def main() -> None:
        async with serving(handler) as url, connect(url) as client:
            await client.close(code=4001, reason="client done")
            assert client.close_code == 4001

    run(main())
    assert seen == [(web.WSMsgType.CLOSE, 4001, "client done", 4001)]


def test_compression_negotiated_and_used(run: Runner) -> None:
    compressed: list[bool] = []

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=True)
        await ws.prepare(request)
        compressed.append(ws.compress)
        async for message in ws:
            await ws.send_str(message.data)
        return ws

    async def main() -> None:
        async with serving(handler) as url:
            async with connect(url, compression="deflate") as client:
                assert client.response is not None
                offer = client.response.headers["Sec-WebSocket-Extensions"]
                assert offer.startswith("permessage-deflate")
                text = "compressible " * 50000
                await client.send(text)
                assert await client.recv() == text
            async with connect(url, compression=None) as client:
                assert client.response is not None
                assert "Sec-WebSocket-Extensions" not in client.response.headers
                await client.send("plain")
                assert await client.recv() == "plain"

    run(main())
    assert compressed == [True, False]


def test_compression_refused_by_the_server(run: Runner) -> None:
    async def main() -> None:
        async with (
            serving(echo_handler(compress=False)) as url,
            connect(url, compression="deflate") as client,
        ):
            assert client.response is not None
            assert "Sec-WebSocket-Extensions" not in client.response.headers
            await client.send("x" * 10000)
            assert await client.recv() == "x" * 10000

    run(main())


def test_subprotocol_selected(run: Runner) -> None:
    # As aiohttp: the first subprotocol the client offers that the server
    # speaks, whatever the server's order.
    async def main() -> None:
        handler = echo_handler(protocols=("chat.v2", "chat.v1"))
        async with (
            serving(handler) as url,
            connect(url, subprotocols=["chat.v1", "chat.v2"]) as client,
        ):
            assert client.subprotocol == "chat.v1"
            await client.send("in chat.v1")
            assert await client.recv() == "in chat.v1"

    run(main())


def test_a_message_over_the_limit_closes_with_1009(run: Runner) -> None:
    async def main() -> None:
        async with (
            serving(echo_handler(max_msg_size=1000)) as url,
            connect(url, compression=None) as client,
        ):
            await client.send(b"y" * 1000)
            assert await client.recv() == b"y" * 1000
            await client.send(b"y" * 1001)
            with pytest.raises(ConnectionClosedError):
                await client.recv()
            assert client.close_code == 1009

    run(main())
