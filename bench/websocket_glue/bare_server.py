"""The floors of a WebSocket echo server: no framework at all.

``python bare_server.py LOOP PORT [KIND]`` answers the opening handshake on
any path and echoes every message, with the compiled ``aioweb.websocket``
core. ``server.py echo`` runs both kinds beside the frameworks, so their
figures can be read against these ceilings:

* ``bare`` (the default) echoes straight from ``data_received``: no task,
  queue or future. What is left is the event loop and the system calls.
* ``task`` hands each message to one task per connection, which waits on a
  future and writes the echo: the least a server can do whose handler is a
  coroutine reading messages (``async for message in ws``), as in
  aiohttp.web. It has no timeouts, flow control, close handling or
  anything else a framework owes its users; it is a bound, not a server.
"""

from __future__ import annotations

import asyncio
import sys
from collections import deque

from aioweb.websocket import Binary, Role, Text, WebSocketProtocol, accept_request


def take_messages(
    connection: WebSocketProtocol, data: bytes
) -> list[tuple[int, bytes | str]]:
    """The messages in ``data``: the core's whole-message path first (as
    aioweb.web's reader takes them), then its events for what remains."""
    messages, more = connection.receive_messages(data)
    if more:
        for event in connection.events():
            if isinstance(event, Text):
                messages.append((0x1, event.data))
            elif isinstance(event, Binary):
                messages.append((0x2, event.data))
    return messages


def echo(connection: WebSocketProtocol, message: tuple[int, bytes | str]) -> bytes:
    """The frame that echoes ``message``."""
    payload = message[1]
    if isinstance(payload, str):
        return connection.send_text(payload)
    return connection.send_binary(payload)


class Echo(asyncio.Protocol):
    def __init__(self) -> None:
        self.head = b""
        self.connection: WebSocketProtocol | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses.
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        connection = self.connection
        if connection is None:
            self.head += data
            if b"\r\n\r\n" not in self.head:
                return
            head, _, data = self.head.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            fields = [line.split(":", 1) for line in lines[1:]]
            result = accept_request(
                "GET", "HTTP/1.1", [(k.strip(), v.strip()) for k, v in fields]
            )
            self.transport.write(
                (
                    "HTTP/1.1 101 Switching Protocols\r\n"
                    + "".join(f"{k}: {v}\r\n" for k, v in result.headers)
                    + "\r\n"
                ).encode()
            )
            connection = self.connection = WebSocketProtocol(Role.SERVER)
        self.received(connection, data)

    def received(self, connection: WebSocketProtocol, data: bytes) -> None:
        assert self.transport is not None
        self.deliver(connection, take_messages(connection, data))
        pending = connection.data_to_send()  # the answers to Pings, a Close
        if pending:
            self.transport.write(pending)

    def deliver(
        self, connection: WebSocketProtocol, messages: list[tuple[int, bytes | str]]
    ) -> None:
        """Echo at once, from data_received."""
        assert self.transport is not None
        for message in messages:
            self.transport.write(echo(connection, message))


class TaskEcho(Echo):
    """Each message goes through a queue to the connection's task."""

    def __init__(self) -> None:
        super().__init__()
        self.queue: deque[tuple[int, bytes | str]] = deque()
        self.waiter: asyncio.Future[None] | None = None
        self.task: asyncio.Task[None] | None = None

    def deliver(
        self, connection: WebSocketProtocol, messages: list[tuple[int, bytes | str]]
    ) -> None:
        """Queue for the connection's task, and wake it."""
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self.handler())
        self.queue.extend(messages)
        waiter = self.waiter
        if waiter is not None and self.queue:
            self.waiter = None
            waiter.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.task is not None:
            self.task.cancel()

    async def receive(self) -> tuple[int, bytes | str]:
        if not self.queue:
            waiter = self.waiter = asyncio.get_running_loop().create_future()
            await waiter
        return self.queue.popleft()

    async def handler(self) -> None:
        connection, transport = self.connection, self.transport
        assert connection is not None and transport is not None
        while True:
            message = await self.receive()
            transport.write(echo(connection, message))


async def serve(port: int, kind: str) -> None:
    loop = asyncio.get_running_loop()
    protocol = TaskEcho if kind == "task" else Echo
    server = await loop.create_server(protocol, "127.0.0.1", port, backlog=4096)
    print("ready", flush=True)
    async with server:
        await asyncio.Event().wait()


def main() -> None:
    # Each read asks for 256 KiB, which glibc's malloc serves with mmap()
    # until a freed block that large raises its threshold: every read would
    # then cost an mmap, an mremap and a munmap. The frameworks' processes
    # pass that threshold while starting (strace shows none of these calls
    # per read there); this small program lifts it here, so its floor is
    # not an allocator's artefact.
    block = bytearray(1 << 20)
    del block
    loop, port = sys.argv[1], int(sys.argv[2])
    kind = sys.argv[3] if len(sys.argv) > 3 else "bare"
    if kind not in ("bare", "task"):
        raise SystemExit(f"unknown kind {kind!r}: bare or task")
    factory = asyncio.new_event_loop
    if loop == "uvloop":
        import uvloop

        factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(serve(port, kind))


if __name__ == "__main__":
    main()
