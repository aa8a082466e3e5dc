"""The floor of a WebSocket echo server: no framework at all.

``python bare_server.py LOOP PORT`` answers the opening handshake on any
path and echoes every message straight from ``data_received``, with the
compiled ``aioweb.websocket`` core and no task, queue or future: what is
left is the event loop and the system calls. ``server.py echo`` runs it
beside the frameworks, so their figures can be read against the ceiling.
"""

from __future__ import annotations

import asyncio
import sys

from aioweb.websocket import Binary, Role, Text, WebSocketProtocol, accept_request


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
        connection.receive_data(data)
        for event in connection.events():
            if isinstance(event, (Text, Binary)):
                self.transport.write(connection.send(event))
        pending = connection.data_to_send()
        if pending:
            self.transport.write(pending)


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, "127.0.0.1", port, backlog=4096)
    print("ready", flush=True)
    async with server:
        await asyncio.Event().wait()


def main() -> None:
    loop, port = sys.argv[1], int(sys.argv[2])
    factory = asyncio.new_event_loop
    if loop == "uvloop":
        import uvloop

        factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(serve(port))


if __name__ == "__main__":
    main()
