"""The quick-start demo: serves examples/server_hello_ws.py and exercises it.

It starts the example application on 127.0.0.1:8080 (or the port given as
the first argument) with an ``AppRunner``, then talks to it as a client
would: plain GETs and a form POST with ``urllib`` (aioweb's own client is
not there yet), keep-alive and pipelining over a raw connection, and a
WebSocket echo framed with ``aioweb.websocket``'s sans-I/O client side.
Every answer is checked; the demo fails loudly if one is wrong.
"""

from __future__ import annotations

import asyncio
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from aioweb import web
from aioweb.websocket import (
    Role,
    Text,
    WebSocketProtocol,
    generate_key,
    request_headers,
    validate_response,
)

sys.path.insert(0, str(Path(__file__).parent))
from server_hello_ws import make_app

HOST = "127.0.0.1"


def http_calls(base: str) -> None:
    with urllib.request.urlopen(f"{base}/", timeout=10) as response:
        body = response.read().decode()
        print(f"GET /                -> {response.status} {body!r}")
        assert body == "Hello, world"
    for expected in (1, 2):
        with urllib.request.urlopen(f"{base}/hello/demo", timeout=10) as response:
            data = json.loads(response.read())
            print(f"GET /hello/demo      -> {response.status} {data}")
            assert data == {"greeting": "Hello, demo", "visits": expected}
    form = urllib.parse.urlencode({"name": "aioweb", "kind": "server"}).encode()
    with urllib.request.urlopen(f"{base}/echo", data=form, timeout=10) as response:
        data = json.loads(response.read())
        print(f"POST /echo (form)    -> {response.status} {data}")
        assert data == {"name": "aioweb", "kind": "server"}
    try:
        urllib.request.urlopen(f"{base}/missing", timeout=10)
    except urllib.error.HTTPError as exc:
        print(f"GET /missing         -> {exc.code}")
        assert exc.code == 404
    else:
        raise AssertionError("/missing should be 404")


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


async def websocket(port: int) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    key = generate_key()
    head = [("Host", f"{HOST}:{port}"), *request_headers(key)]
    writer.write(
        b"GET /ws HTTP/1.1\r\n"
        + b"".join(f"{name}: {value}\r\n".encode() for name, value in head)
        + b"\r\n"
    )
    response = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    lines = response.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = [
        tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if line
    ]
    validate_response(status, headers, key=key)  # type: ignore[arg-type]
    print(f"GET /ws              -> {status} (WebSocket open)")
    client = WebSocketProtocol(Role.CLIENT)
    writer.write(client.send_text("hello over WebSocket"))
    while True:
        client.receive_data(await asyncio.wait_for(reader.read(4096), 10))
        events = list(client.events())
        if events:
            break
    reply = events[0]
    assert isinstance(reply, Text) and len(events) == 1, events
    assert reply.data == "echo: hello over WebSocket", reply
    print(f"WebSocket echo       -> {reply.data!r}")
    writer.write(client.send_text("close"))
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main(port: int) -> None:
    runner = web.AppRunner(make_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, HOST, port)
    await site.start()
    print(f"serving examples/server_hello_ws.py on {site.name}")
    try:
        await asyncio.to_thread(http_calls, f"http://{HOST}:{port}")
        await pipelined(port)
        await websocket(port)
    finally:
        await runner.cleanup()
    print("demo finished: every answer was right")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8080))
