"""Idle connections for the memory benchmark.

(The WebSocket echo load is ``wsload.c``: a Python client could not keep
a Python server busy.)

``python load.py idle PORT COUNT KIND`` opens COUNT connections and leaves
them idle: KIND ``http`` sends one keep-alive ``GET /`` on each and reads
its response, KIND ``ws`` completes a WebSocket handshake on each. It
prints ``held`` once all are open and keeps them until stdin closes.
"""

from __future__ import annotations

import asyncio
import resource
import sys

from aioweb.websocket import (
    generate_key,
    request_headers,
    validate_response,
)

#: Connections being opened at once: the listen backlog must keep up.
OPENING = 256


def raise_fd_limit() -> None:
    """Lift the soft RLIMIT_NOFILE to the hard one: thousands of sockets."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class WsClient(asyncio.Protocol):
    """One WebSocket, held idle after its handshake."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.head = b""
        self.transport: asyncio.Transport | None = None
        self.ready = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        if self.ready.done():
            return  # an idle server sends nothing more
        self.head += data
        if b"\r\n\r\n" not in self.head:
            return
        head = self.head.partition(b"\r\n\r\n")[0]
        start, *lines = head.decode("latin-1").split("\r\n")
        headers = []
        for line in lines:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
        validate_response(int(start.split(" ", 2)[1]), headers, key=self.key)
        self.ready.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.ready.done():
            self.ready.set_exception(exc or ConnectionError("closed"))


async def open_ws(port: int) -> WsClient:
    loop = asyncio.get_running_loop()
    key = generate_key()
    transport, client = await loop.create_connection(
        lambda: WsClient(key), "127.0.0.1", port
    )
    lines = ["GET /ws HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{k}: {v}" for k, v in request_headers(key)]
    transport.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await asyncio.wait_for(client.ready, 30)
    return client


async def open_http(port: int) -> asyncio.StreamWriter:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n")
    head = await reader.readuntil(b"\r\n\r\n")
    start = head.lower().index(b"content-length:") + 15
    await reader.readexactly(int(head[start : head.index(b"\r\n", start)]))
    return writer


async def hold(port: int, count: int, kind: str) -> None:
    gate = asyncio.Semaphore(OPENING)
    held: list[object] = []

    async def one() -> None:
        async with gate:
            if kind == "ws":
                held.append(await open_ws(port))
            else:
                held.append(await open_http(port))

    await asyncio.gather(*(one() for _ in range(count)))
    print("held", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    for item in held:
        if isinstance(item, WsClient):
            assert item.transport is not None
            item.transport.abort()
        else:
            assert isinstance(item, asyncio.StreamWriter)
            item.transport.abort()


def main() -> None:
    raise_fd_limit()
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode != "idle":
        raise SystemExit(f"unknown mode {mode!r}: only idle")
    count, kind = sys.argv[3:5]
    asyncio.run(hold(port, int(count), kind))


if __name__ == "__main__":
    main()
