"""Client processes the benchmark runs beside ``wrk``.

``python load.py ws PORT CONNECTIONS SECONDS SIZE`` opens CONNECTIONS
WebSockets to ``/ws``, and on each sends a SIZE-byte binary message and
waits for its echo, again and again for SECONDS; it prints the number of
echoes per second. Raw asyncio sockets and the compiled
``aioweb.websocket`` framing keep the client cheap, so the server is what
runs out first.

``python load.py idle PORT COUNT KIND`` opens COUNT connections and leaves
them idle: KIND ``http`` sends one keep-alive ``GET /`` on each and reads
its response, KIND ``ws`` completes a WebSocket handshake on each. It
prints ``held`` once all are open and keeps them until stdin closes.
"""

from __future__ import annotations

import asyncio
import resource
import sys
import time

from aioweb.websocket import (
    Binary,
    Role,
    WebSocketProtocol,
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
    """One WebSocket: handshake, then one echo in flight at a time."""

    def __init__(self, key: str, payload: bytes | None) -> None:
        self.key = key
        self.payload = payload
        self.head = b""
        self.connection: WebSocketProtocol | None = None
        self.transport: asyncio.Transport | None = None
        self.ready = asyncio.get_running_loop().create_future()
        self.echoes = 0
        self.running = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        connection = self.connection
        if connection is None:
            self.head += data
            if b"\r\n\r\n" not in self.head:
                return
            head, _, rest = self.head.partition(b"\r\n\r\n")
            start, *lines = head.decode("latin-1").split("\r\n")
            headers = []
            for line in lines:
                name, _, value = line.partition(":")
                headers.append((name.strip(), value.strip()))
            validate_response(int(start.split(" ", 2)[1]), headers, key=self.key)
            connection = self.connection = WebSocketProtocol(Role.CLIENT)
            self.ready.set_result(None)
            data = rest
            if self.payload is not None:
                self.send()
        connection.receive_data(data)
        for event in connection.events():
            if isinstance(event, Binary):
                self.echoes += 1
                if self.running:
                    self.send()

    def send(self) -> None:
        assert self.connection is not None and self.transport is not None
        assert self.payload is not None
        self.transport.write(self.connection.send_binary(self.payload))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.ready.done():
            self.ready.set_exception(exc or ConnectionError("closed"))


async def open_ws(port: int, payload: bytes | None) -> WsClient:
    loop = asyncio.get_running_loop()
    key = generate_key()
    transport, client = await loop.create_connection(
        lambda: WsClient(key, payload), "127.0.0.1", port
    )
    lines = ["GET /ws HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{k}: {v}" for k, v in request_headers(key)]
    transport.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await asyncio.wait_for(client.ready, 30)
    return client


async def ws_load(port: int, connections: int, seconds: float, size: int) -> None:
    payload = b"x" * size
    clients = await asyncio.gather(
        *(open_ws(port, payload) for _ in range(connections))
    )
    start_counts = sum(c.echoes for c in clients)
    start = time.perf_counter()
    await asyncio.sleep(seconds)
    done = sum(c.echoes for c in clients) - start_counts
    elapsed = time.perf_counter() - start
    for client in clients:
        client.running = False
    print(f"{done / elapsed:.1f} {done}", flush=True)
    for client in clients:
        assert client.transport is not None
        client.transport.abort()


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
                held.append(await open_ws(port, None))
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
    if mode == "ws":
        connections, seconds, size = sys.argv[3:6]
        asyncio.run(ws_load(port, int(connections), float(seconds), int(size)))
    else:
        count, kind = sys.argv[3:5]
        asyncio.run(hold(port, int(count), kind))


if __name__ == "__main__":
    main()
