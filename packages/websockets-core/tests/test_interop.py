"""Interop with real peers: the websockets library and wsproto, both sides.

Our side runs on blocking sockets in threads, started on 127.0.0.1 only and
joined before each test ends; the peers run on asyncio (websockets) or on
blocking sockets (wsproto). Each pairing runs with and without
permessage-deflate.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import websockets.asyncio.client
import websockets.asyncio.server
import websockets.exceptions
import wsproto
import wsproto.events as wse
import wsproto.extensions

from aioweb.websocket import (
    Binary,
    Close,
    DeflateOptions,
    Event,
    Pong,
    ProtocolError,
    Role,
    State,
    Text,
    WebSocketProtocol,
    accept_request,
    generate_key,
    request_headers,
    validate_response,
)

pytestmark = [pytest.mark.interop, pytest.mark.usefixtures("twin")]

MESSAGES: list[str | bytes] = [
    "hello",
    "é" * 3000,
    b"\x00\x01\x02" * 30000,
    "the same words, the same words, the same words " * 200,
    b"",
]
COMPRESSION = pytest.mark.parametrize(
    "compression", [False, True], ids=["plain", "deflate"]
)


def read_head(sock: socket.socket) -> tuple[str, list[tuple[str, str]], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed during the handshake")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    start, *lines = head.decode("latin-1").split("\r\n")
    return (
        start,
        [(n.strip(), v.strip()) for n, _, v in (x.partition(":") for x in lines)],
        rest,
    )


def pump(sock: socket.socket, protocol: WebSocketProtocol) -> list[Event]:
    """The next event, reading as needed; empty once the connection is closed.

    Replies the protocol queued (a pong, a close echo) go out right after the
    event that caused them, so they keep their place among our messages.
    """
    while True:
        event = protocol.next_event()
        pending = protocol.data_to_send()
        if pending:
            sock.sendall(pending)
        if event is not None:
            return [event]
        if protocol.state is State.CLOSED:
            return []
        data = sock.recv(65536)
        if data:
            protocol.receive_data(data)
        else:
            protocol.receive_eof()


# -- our server ------------------------------------------------------------------


@dataclass
class OurServer:
    """An echo server on aioweb.websocket, one thread per connection."""

    deflate: DeflateOptions | None
    listener: socket.socket = field(init=False)
    threads: list[threading.Thread] = field(default_factory=list)
    extensions: list[Any] = field(default_factory=list)
    close_codes: list[int | None] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.stopping = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.acceptor = threading.Thread(target=self._accept)
        self.acceptor.start()

    def _accept(self) -> None:
        # Closing a listener does not wake a thread blocked in accept():
        # poll, so that stop() is prompt.
        self.listener.settimeout(0.05)
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,))
            self.threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            with conn:
                conn.settimeout(10)
                start, headers, rest = read_head(conn)
                method, _, version = start.split(" ", 2)
                result = accept_request(method, version, headers, deflate=self.deflate)
                lines = ["HTTP/1.1 101 Switching Protocols"]
                lines += [f"{k}: {v}" for k, v in result.headers]
                conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
                self.extensions.append(result.extensions)
                protocol = WebSocketProtocol(Role.SERVER, extensions=result.extensions)
                protocol.receive_data(rest)
                while protocol.state is not State.CLOSED:
                    try:
                        events = pump(conn, protocol)
                    except ProtocolError:
                        events = []  # the failing Close frame is queued
                    for event in events:
                        if isinstance(event, Text):
                            conn.sendall(protocol.send_text(event.data))
                        elif isinstance(event, Binary):
                            conn.sendall(protocol.send_binary(event.data))
                    conn.sendall(protocol.data_to_send())
                self.close_codes.append(protocol.close_code)
        except BaseException as exc:  # reported by the test, not lost in a thread
            self.errors.append(exc)

    def stop(self) -> None:
        self.stopping.set()
        self.acceptor.join(10)
        self.listener.close()
        for thread in self.threads:
            thread.join(10)


@pytest.fixture
def our_server(request: pytest.FixtureRequest) -> Iterator[OurServer]:
    server = OurServer(DeflateOptions(threshold=0) if request.param else None)
    yield server
    server.stop()
    assert server.errors == []


@pytest.mark.parametrize(
    "our_server", [False, True], indirect=True, ids=["plain", "deflate"]
)
async def test_websockets_client_against_our_server(our_server: OurServer) -> None:
    compression = our_server.deflate is not None
    async with websockets.asyncio.client.connect(
        f"ws://127.0.0.1:{our_server.port}/",
        compression="deflate" if compression else None,
        max_size=None,
        proxy=None,
    ) as ws:
        for message in MESSAGES:
            await ws.send(message)
            assert await ws.recv() == message
        await ws.send(["frag", "men", "ted"])  # a fragmented message
        assert await ws.recv() == "fragmented"
        latency = await ws.ping(b"are you there")
        await asyncio.wait_for(latency, 5)
        assert len(ws.protocol.extensions) == (1 if compression else 0)
    await asyncio.to_thread(our_server.stop)
    assert our_server.close_codes == [1000]
    assert len(our_server.extensions[0]) == (1 if compression else 0)


@pytest.mark.parametrize(
    "our_server", [False, True], indirect=True, ids=["plain", "deflate"]
)
def test_wsproto_client_against_our_server(our_server: OurServer) -> None:
    compression = our_server.deflate is not None
    conn = wsproto.WSConnection(wsproto.ConnectionType.CLIENT)
    extensions = [wsproto.extensions.PerMessageDeflate()] if compression else []
    with socket.create_connection(("127.0.0.1", our_server.port), timeout=10) as sock:
        sock.sendall(
            conn.send(wse.Request(host="127.0.0.1", target="/", extensions=extensions))
        )
        received: list[Any] = []
        parts: list[Any] = []

        def wait_for(count: int) -> None:
            while len(received) < count:
                data = sock.recv(65536)
                conn.receive_data(data or None)
                for event in conn.events():
                    if isinstance(event, wse.Message):
                        parts.append(event.data)
                        if event.message_finished:
                            joined = (
                                "".join(parts)
                                if isinstance(parts[0], str)
                                else b"".join(parts)
                            )
                            received.append(joined)
                            parts.clear()
                    else:
                        received.append(event)

        wait_for(1)
        accepted = received.pop()
        assert isinstance(accepted, wse.AcceptConnection)
        assert len(accepted.extensions) == (1 if compression else 0)
        for message in MESSAGES:
            if isinstance(message, str):
                sock.sendall(conn.send(wse.TextMessage(message)))
            else:
                sock.sendall(conn.send(wse.BytesMessage(message)))
        sock.sendall(conn.send(wse.TextMessage("frag", message_finished=False)))
        sock.sendall(conn.send(wse.Ping(b"p")))
        sock.sendall(conn.send(wse.TextMessage("mented", message_finished=True)))
        wait_for(len(MESSAGES) + 2)
        assert received[: len(MESSAGES)] == MESSAGES
        pong, echo = received[len(MESSAGES) :]
        assert isinstance(pong, wse.Pong)
        assert pong.payload == b"p"
        assert echo == "fragmented"
        sock.sendall(conn.send(wse.CloseConnection(code=1001, reason="bye")))
        wait_for(len(MESSAGES) + 3)
        assert isinstance(received[-1], wse.CloseConnection)
        assert received[-1].code == 1001
    our_server.stop()
    assert our_server.close_codes == [1001]


# -- our client ------------------------------------------------------------------


def run_our_client(
    port: int, deflate: DeflateOptions | None, *, ping_between_fragments: bool = True
) -> dict[str, Any]:
    """Connect, send every message (plus a fragmented one and a ping), close."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        key = generate_key()
        lines = ["GET /echo HTTP/1.1", f"Host: 127.0.0.1:{port}"]
        lines += [f"{k}: {v}" for k, v in request_headers(key, deflate=deflate)]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        start, headers, rest = read_head(sock)
        result = validate_response(
            int(start.split()[1]), headers, key=key, deflate=deflate
        )
        protocol = WebSocketProtocol(Role.CLIENT, extensions=result.extensions)
        protocol.receive_data(rest)
        received: list[Event] = []
        for message in MESSAGES:
            if isinstance(message, str):
                sock.sendall(protocol.send_text(message))
            else:
                sock.sendall(protocol.send_binary(message))
            received += pump(sock, protocol)
        if not ping_between_fragments:
            sock.sendall(protocol.send_ping(b"p"))
        sock.sendall(protocol.send_text("frag", final=False))
        if ping_between_fragments:
            sock.sendall(protocol.send_ping(b"p"))
        sock.sendall(protocol.send_text("mented"))
        while len(received) < len(MESSAGES) + 2:
            received += pump(sock, protocol)
        sock.sendall(protocol.send_close(1000, "done"))
        while protocol.state is not State.CLOSED:
            received += pump(sock, protocol)
        assert sock.recv(10) == b""  # the server closes the TCP connection first
        return {"events": received, "extensions": result.extensions}


def check_client_run(outcome: dict[str, Any], compression: bool) -> None:
    expected = [Text(m) if isinstance(m, str) else Binary(m) for m in MESSAGES]
    events = outcome["events"]
    assert events[: len(MESSAGES)] == expected
    assert sorted(map(repr, events[len(MESSAGES) : -1])) == sorted(
        map(repr, [Pong(b"p"), Text("fragmented")])
    )
    assert isinstance(events[-1], Close)
    assert events[-1].code == 1000
    assert len(outcome["extensions"]) == (1 if compression else 0)


@COMPRESSION
async def test_our_client_against_websockets_server(compression: bool) -> None:
    async def echo(ws: websockets.asyncio.server.ServerConnection) -> None:
        async for message in ws:
            await ws.send(message)

    async with websockets.asyncio.server.serve(
        echo,
        "127.0.0.1",
        0,
        compression="deflate" if compression else None,
        max_size=None,
    ) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        deflate = DeflateOptions(threshold=0) if compression else None
        outcome = await asyncio.to_thread(run_our_client, port, deflate)
    check_client_run(outcome, compression)


@COMPRESSION
def test_our_client_against_wsproto_server(compression: bool) -> None:
    errors: list[BaseException] = []
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        try:
            conn_sock, _ = listener.accept()
            with conn_sock:
                conn = wsproto.WSConnection(wsproto.ConnectionType.SERVER)
                while conn.state is not wsproto.connection.ConnectionState.CLOSED:
                    data = conn_sock.recv(65536)
                    conn.receive_data(data or None)
                    for event in conn.events():
                        if isinstance(event, wse.Request):
                            offered = (
                                [wsproto.extensions.PerMessageDeflate()]
                                if compression
                                else []
                            )
                            conn_sock.sendall(
                                conn.send(wse.AcceptConnection(extensions=offered))
                            )
                        elif isinstance(event, wse.Message):
                            conn_sock.sendall(
                                conn.send(
                                    type(event)(
                                        data=event.data,
                                        message_finished=event.message_finished,
                                    )
                                )
                            )
                        elif isinstance(event, (wse.Ping, wse.CloseConnection)):
                            conn_sock.sendall(conn.send(event.response()))
                    if not data:
                        break
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        deflate = DeflateOptions(threshold=0) if compression else None
        # wsproto 1.2 forgets that a fragmented message is compressed when a
        # control frame comes between its fragments (RFC 7692 section 6.1
        # allows it); with compression, the ping goes before the message.
        outcome = run_our_client(
            listener.getsockname()[1], deflate, ping_between_fragments=not compression
        )
    finally:
        thread.join(10)
        listener.close()
    assert errors == []
    check_client_run(outcome, compression)


async def test_protocol_error_reaches_a_real_peer() -> None:
    """Our server fails the connection; the websockets client sees code 1002."""
    server = OurServer(None)
    try:
        async with websockets.asyncio.client.connect(
            f"ws://127.0.0.1:{server.port}/", compression=None, proxy=None
        ) as ws:
            # A ping of 128 bytes: RFC 6455 section 5.5 allows at most 125.
            ws.transport.write(b"\x89\xfe\x00\x80" + b"\x00" * 4 + b"x" * 128)
            with pytest.raises(websockets.exceptions.ConnectionClosedError) as info:
                await ws.recv()
            assert info.value.rcvd is not None
            assert info.value.rcvd.code == 1002
    finally:
        await asyncio.to_thread(server.stop)
    assert server.close_codes == [1002]
