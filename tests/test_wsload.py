"""The server benchmark's WebSocket load generator (``bench/server/wsload.c``).

Its count of echoes is the benchmark's figure, so it is checked against what
a server really echoed, including echoes split into fragments with a Ping
in between, and it must fail loudly (exit status 1) rather than count
nothing when a server refuses or closes. Nothing here is timed.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from aioweb.websocket import (
    Binary,
    CloseCode,
    Role,
    Text,
    WebSocketProtocol,
    accept_request,
)

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "bench" / "server" / "wsload.c"
CONNECTIONS = 4


@pytest.fixture(scope="module")
def wsload(tmp_path_factory: pytest.TempPathFactory) -> Path:
    compiler = shutil.which("cc") or shutil.which("gcc")
    assert compiler is not None, "a C compiler is needed (it builds the extensions)"
    binary = tmp_path_factory.mktemp("wsload") / "wsload"
    subprocess.run(
        [compiler, "-O2", "-Wall", "-Wextra", "-Werror", "-o", str(binary), SOURCE],
        check=True,
    )
    return binary


Reply = Callable[[WebSocketProtocol, bytes], bytes]


def whole(connection: WebSocketProtocol, payload: bytes) -> bytes:
    """The echo as one frame."""
    return connection.send_binary(payload)


def fragmented(connection: WebSocketProtocol, payload: bytes) -> bytes:
    """A Ping, then the echo in two fragments with another Ping between."""
    half = len(payload) // 2
    return (
        connection.send_ping(b"a")
        + connection.send_binary(payload[:half], final=False)
        + connection.send_ping(b"b")
        + connection.send_binary(payload[half:])
    )


class EchoServer(asyncio.Protocol):
    """Counts every message it echoes; ``reply`` frames each echo."""

    echoed = 0

    def __init__(self, reply: Reply, status: int = 101, close: bool = False):
        self.reply = reply
        self.status = status
        self.close = close
        self.head = b""
        self.connection: WebSocketProtocol | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        if self.connection is None:
            self.head += data
            if b"\r\n\r\n" not in self.head:
                return
            head, _, data = self.head.partition(b"\r\n\r\n")
            if self.status != 101:
                self.transport.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
                self.transport.close()
                return
            fields = [line.split(":", 1) for line in head.decode().split("\r\n")[1:]]
            result = accept_request(
                "GET", "HTTP/1.1", [(k.strip(), v.strip()) for k, v in fields]
            )
            self.transport.write(
                b"HTTP/1.1 101 Switching Protocols\r\n"
                + b"".join(f"{k}: {v}\r\n".encode() for k, v in result.headers)
                + b"\r\n"
            )
            self.connection = WebSocketProtocol(Role.SERVER)
        self.connection.receive_data(data)
        for event in self.connection.events():
            if self.close:
                self.transport.write(self.connection.send_close(CloseCode.GOING_AWAY))
                return
            if isinstance(event, (Text, Binary)):
                assert isinstance(event, Binary) and event.data == b"x" * 128
                EchoServer.echoed += 1
                self.transport.write(self.reply(self.connection, event.data))


async def run_wsload(
    binary: Path, reply: Reply, *, status: int = 101, close: bool = False
) -> tuple[int, str, str]:
    EchoServer.echoed = 0
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: EchoServer(reply, status, close), "127.0.0.1", 0
    )
    port = server.sockets[0].getsockname()[1]
    try:
        process = await asyncio.create_subprocess_exec(
            str(binary),
            str(port),
            str(CONNECTIONS),
            "0.5",
            "128",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        server.close()
        await server.wait_closed()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.mark.parametrize("reply", [whole, fragmented])
async def test_counts_what_the_server_echoed(wsload: Path, reply: Reply) -> None:
    status, out, err = await run_wsload(wsload, reply)
    assert status == 0, err
    rate, count = out.split()
    assert int(count) > 0
    assert float(rate) > 0
    # Every echo counted was sent by the server; at the end at most one
    # message per connection is still in flight, uncounted.
    assert EchoServer.echoed - CONNECTIONS <= int(count) <= EchoServer.echoed


async def test_a_close_frame_ends_the_run(wsload: Path) -> None:
    status, out, err = await run_wsload(wsload, whole, close=True)
    assert status == 1
    assert out == ""
    assert "the server closed the WebSocket" in err


async def test_a_refused_upgrade_ends_the_run(wsload: Path) -> None:
    status, out, err = await run_wsload(wsload, whole, status=400)
    assert status == 1
    assert out == ""
    assert "bad handshake response" in err
