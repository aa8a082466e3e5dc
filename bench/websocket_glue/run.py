"""WebSocket client glue: aioweb's WebSocketBase beside aiohttp's client.

Both clients talk over 127.0.0.1 to the same echo server, a bare asyncio
protocol on ``aioweb.websocket``'s sans-I/O core, so the server's cost is the
same for both and the difference is the client side: framing, masking,
queueing and the ``send``/``receive`` coroutines.

    python bench/websocket_glue/run.py [--rounds N]

Two workloads: ping-pong of small text messages (latency-bound: one message
in flight) and a stream of 64 KiB binary messages sent in windows of 16
(throughput-bound). Prints the time per message for each client and the
ratio aiohttp / aioweb (above 1 means aioweb is faster).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from aioweb.protocol import BaseProtocol, WebSocketBase, WebSocketReader
from aioweb.websocket import (
    Binary,
    Close,
    Role,
    Text,
    WebSocketProtocol,
    accept_request,
    generate_key,
    request_headers,
    validate_response,
)


def parse_head(head: bytes) -> tuple[str, list[tuple[str, str]]]:
    lines = head.decode("latin-1").split("\r\n")
    fields = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:]]
    return lines[0], [(name, value) for name, value in fields]


class EchoServer(asyncio.Protocol):
    """Accepts the upgrade, then echoes every message."""

    def __init__(self) -> None:
        self.buffer = b""
        self.connection: WebSocketProtocol | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        if self.connection is None:
            self.buffer += data
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if not sep:
                return
            request_line, headers = parse_head(head)
            method, _, version = request_line.split(" ")
            result = accept_request(method, version.removeprefix("HTTP/"), headers)
            response = "HTTP/1.1 101 Switching Protocols\r\n" + "".join(
                f"{name}: {value}\r\n" for name, value in result.headers
            )
            self.transport.write(response.encode() + b"\r\n")
            self.connection = WebSocketProtocol(Role.SERVER, max_message_size=None)
            data = rest
        connection = self.connection
        connection.receive_data(data)
        out = []
        for event in connection.events():
            if isinstance(event, (Text, Binary)):
                out.append(connection.send(event))
            elif isinstance(event, Close):
                out.append(connection.data_to_send())
                self.transport.write(b"".join(out))
                self.transport.close()
                return
        out.append(connection.data_to_send())
        self.transport.write(b"".join(out))


class AiowebClient(BaseProtocol):
    """Does the client handshake, then hands bytes to the WebSocket."""

    def __init__(self, loop: asyncio.AbstractEventLoop, ws: WebSocketBase) -> None:
        super().__init__(loop)
        self.ws = ws
        self.key = generate_key()
        self.buffer = b""
        self.reader: WebSocketReader | None = None
        self.ready = loop.create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        lines = ["GET / HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{n}: {v}" for n, v in request_headers(self.key)]
        assert self.transport is not None
        self.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode())

    def data_received(self, data: bytes) -> None:
        if self.reader is not None:
            self.reader.feed_data(data)
            return
        self.buffer += data
        head, sep, rest = self.buffer.partition(b"\r\n\r\n")
        if not sep:
            return
        status_line, headers = parse_head(head)
        validate_response(int(status_line.split(" ")[1]), headers, key=self.key)
        assert self.transport is not None
        self.reader = self.ws._attach(self.transport, self, Role.CLIENT)
        self.reader.feed_data(rest)
        self.ready.set_result(None)

    def connection_lost(self, exc: BaseException | None) -> None:
        super().connection_lost(exc)
        if self.reader is not None:
            self.reader.feed_eof()


async def ping_pong(ws: Any, count: int) -> None:
    for i in range(count):
        await ws.send_str(f"message {i}")
        await ws.receive()


async def stream(ws: Any, count: int) -> None:
    payload = b"\xa5" * 65536
    for _ in range(count // 16):
        for _ in range(16):
            await ws.send_bytes(payload)
        for _ in range(16):
            await ws.receive()


Workload = Callable[[Any, int], Awaitable[None]]


async def with_aioweb(port: int, workload: Workload, count: int) -> float:
    loop = asyncio.get_running_loop()
    ws = WebSocketBase(max_msg_size=0)
    _, protocol = await loop.create_connection(
        lambda: AiowebClient(loop, ws), "127.0.0.1", port
    )
    await protocol.ready
    started = time.perf_counter()
    await workload(ws, count)
    elapsed = time.perf_counter() - started
    await ws.close()
    return elapsed


async def with_aiohttp(port: int, workload: Workload, count: int) -> float:
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(
            f"http://127.0.0.1:{port}/", compress=0, max_msg_size=0
        ) as ws,
    ):
        started = time.perf_counter()
        await workload(ws, count)
        return time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    loop = asyncio.get_running_loop()
    server = await loop.create_server(EchoServer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        for title, workload, count in (
            ("ping-pong, small text", ping_pong, 5000),
            ("stream, 64 KiB binary", stream, 1024),
        ):
            best = {"aioweb": float("inf"), "aiohttp": float("inf")}
            for _ in range(rounds):
                best["aioweb"] = min(
                    best["aioweb"], await with_aioweb(port, workload, count)
                )
                best["aiohttp"] = min(
                    best["aiohttp"], await with_aiohttp(port, workload, count)
                )
            print(title)
            for name, seconds in best.items():
                ratio = seconds / best["aioweb"]
                per = seconds / count * 1e6
                print(f"  {name:8} {per:8.2f} us/message   {ratio:5.2f}x aioweb's time")
    finally:
        server.close()
        await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
