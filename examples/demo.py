"""The quick-start demo: serves examples/server_hello_ws.py and exercises it.

It starts the example application on 127.0.0.1:8080 (or the port given as
the first argument) with an ``AppRunner``, then talks to it with aioweb's own
client: plain GETs and a form POST through one ``ClientSession`` (keep-alive),
pipelining over a raw connection (a client sends one request at a time), and
a WebSocket echo through ``ws_connect``. Every answer is checked; the demo
fails loudly if one is wrong.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from aioweb import web
from aioweb.client import ClientSession, WSMsgType

sys.path.insert(0, str(Path(__file__).parent))
from server_hello_ws import make_app

HOST = "127.0.0.1"


async def http_calls(session: ClientSession, base: str) -> None:
    async with session.get(f"{base}/") as response:
        body = await response.text()
        print(f"GET /                -> {response.status} {body!r}")
        assert body == "Hello, world"
    for expected in (1, 2):
        async with session.get(f"{base}/hello/demo") as response:
            data = await response.json()
            print(f"GET /hello/demo      -> {response.status} {data}")
            assert data == {"greeting": "Hello, demo", "visits": expected}
    form = {"name": "aioweb", "kind": "server"}
    async with session.post(f"{base}/echo", data=form) as response:
        data = await response.json()
        print(f"POST /echo (form)    -> {response.status} {data}")
        assert data == form
    async with session.get(f"{base}/missing") as response:
        print(f"GET /missing         -> {response.status}")
        assert response.status == 404


async def pipelined(port: int) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.write(
        b"GET / HTTP/1.1\r\nHost: demo\r\n\r\n"
        b"GET /hello/pipe HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n"
    )
    data = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    await writer.wait_closed()
    answers = data.count(b"HTTP/1.1 200 OK")
    print(f"2 pipelined requests -> {answers} answers on one connection")
    assert answers == 2 and data.endswith(b'"visits": 1}')


async def websocket(session: ClientSession, base: str) -> None:
    async with session.ws_connect(f"{base}/ws") as ws:
        print("GET /ws              -> 101 (WebSocket open)")
        await ws.send_str("hello over WebSocket")
        reply = await ws.receive(timeout=10)
        assert reply.type is WSMsgType.TEXT, reply
        assert reply.data == "echo: hello over WebSocket", reply
        print(f"WebSocket echo       -> {reply.data!r}")
        await ws.send_str("close")
        closing = await ws.receive(timeout=10)
        assert closing.type in (WSMsgType.CLOSE, WSMsgType.CLOSED), closing


async def main(port: int) -> None:
    runner = web.AppRunner(make_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, HOST, port)
    await site.start()
    print(f"serving examples/server_hello_ws.py on {site.name}")
    base = f"http://{HOST}:{port}"
    try:
        async with ClientSession() as session:
            await http_calls(session, base)
            await pipelined(port)
            await websocket(session, base)
    finally:
        await runner.cleanup()
    print("demo finished: every answer was right")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8080))
