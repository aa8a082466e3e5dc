"""A real loopback WebSocket for the glue's tests.

``open_ws(...)`` connects a :class:`WebSocketBase` over 127.0.0.1 to a peer
built on :mod:`aioweb.websocket` with the other role. The peer records every
event and can echo messages, stay silent on pings, or hold its reads.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from aioweb.protocol import BaseProtocol
from aioweb.protocol.ws_base import WebSocketBase
from aioweb.protocol.ws_reader import WebSocketReader
from aioweb.websocket import (
    Binary,
    Close,
    DeflateOptions,
    Event,
    PerMessageDeflate,
    Ping,
    ProtocolError,
    Role,
    Text,
    WebSocketProtocol,
    generate_key,
    request_headers,
    validate_response,
)


class ForwardingProtocol(BaseProtocol):
    """Our side's asyncio protocol: hands received bytes to the reader.

    The client's and server's HTTP protocols do the same after the upgrade.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self.reader: WebSocketReader | None = None
        self.lost = loop.create_future()
        self.pauses = 0

    def data_received(self, data: bytes) -> None:
        assert self.reader is not None
        self.reader.feed_data(data)

    def pause_reading(self) -> None:
        self.pauses += 1
        super().pause_reading()

    def connection_lost(self, exc: BaseException | None) -> None:
        super().connection_lost(exc)
        if self.reader is not None:
            if exc is None:
                self.reader.feed_eof()
            else:
                self.reader.set_exception(exc)
        if not self.lost.done():
            self.lost.set_result(exc)


@dataclass
class PeerOptions:
    echo: bool = False
    auto_pong: bool = True
    answer_close: bool = True
    extensions: list[PerMessageDeflate] = field(default_factory=list)


class Peer(asyncio.Protocol):
    """The other end, on the sans-I/O core: records events, may echo."""

    def __init__(self, role: Role, options: PeerOptions) -> None:
        self.options = options
        self.connection = WebSocketProtocol(
            role, extensions=options.extensions, auto_pong=options.auto_pong
        )
        self.events: asyncio.Queue[Event] = asyncio.Queue()
        self.transport: asyncio.Transport | None = None
        self.connected = asyncio.get_running_loop().create_future()
        self.lost = asyncio.get_running_loop().create_future()
        self.received_bytes = 0
        self.errors: list[ProtocolError] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.connected.set_result(None)

    def data_received(self, data: bytes) -> None:
        self.received_bytes += len(data)
        self.connection.receive_data(data)
        try:
            for event in self.connection.events():
                if isinstance(event, Close) and not self.options.answer_close:
                    # Swallow the echo the core queued: a peer that never
                    # answers our Close frame.
                    self.connection.data_to_send()
                    self.events.put_nowait(event)
                    continue
                self.events.put_nowait(event)
                if self.options.echo and isinstance(event, (Text, Binary)):
                    self.send(self.connection.send(event))
        except ProtocolError as exc:
            self.errors.append(exc)
        self.send(self.connection.data_to_send())

    def send(self, data: bytes) -> None:
        if data and self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def connection_lost(self, exc: BaseException | None) -> None:
        self.connection.receive_eof()
        for event in self.connection.events():
            self.events.put_nowait(event)
        if not self.lost.done():
            self.lost.set_result(exc)

    async def next_event(self, timeout: float = 5.0) -> Event:
        return await asyncio.wait_for(self.events.get(), timeout)

    async def next_data_event(self, timeout: float = 5.0) -> Event:
        """The next event that is not a Ping (heartbeats may slip in)."""
        while True:
            event = await self.next_event(timeout)
            if not isinstance(event, Ping):
                return event


@dataclass
class Pair:
    ws: WebSocketBase
    peer: Peer
    ours: ForwardingProtocol
    reader: WebSocketReader


OpenWs = Callable[..., Awaitable[Pair]]


@pytest.fixture
async def open_ws() -> AsyncIterator[OpenWs]:
    loop = asyncio.get_running_loop()
    servers: list[asyncio.Server] = []
    pairs: list[Pair] = []

    async def factory(
        *,
        role: Role = Role.CLIENT,
        extensions: list[PerMessageDeflate] | None = None,
        echo: bool = False,
        auto_pong: bool = True,
        answer_close: bool = True,
        peer_extensions: list[PerMessageDeflate] | None = None,
        ws_class: type[WebSocketBase] = WebSocketBase,
        **ws_options: Any,
    ) -> Pair:
        options = PeerOptions(echo, auto_pong, answer_close, peer_extensions or [])
        peers: list[Peer] = []

        def make_peer() -> Peer:
            made = Peer(Role.SERVER if role is Role.CLIENT else Role.CLIENT, options)
            peers.append(made)
            return made

        # The peer takes either role (client or server) on a connection
        # that starts OPEN, with no handshake; the testkit's fake WebSocket
        # server is a server only and always handshakes (its tests are in
        # test_ws_fake_server.py).
        server = await loop.create_server(make_peer, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        transport, ours = await loop.create_connection(
            lambda: ForwardingProtocol(loop), "127.0.0.1", port
        )
        ws = ws_class(**ws_options)
        reader = ws._attach(transport, ours, role, extensions=extensions or ())
        ours.reader = reader
        await peers[0].connected
        pair = Pair(ws, peers[0], ours, reader)
        pairs.append(pair)
        return pair

    yield factory

    for pair in pairs:
        ours_transport = pair.ours.transport
        if ours_transport is not None:
            ours_transport.abort()
        if pair.peer.transport is not None:
            pair.peer.transport.abort()
        await asyncio.wait_for(pair.ours.lost, 5)
        await asyncio.wait_for(pair.peer.lost, 5)
    for server in servers:
        server.close()
        await server.wait_closed()
    # The glue starts no task of its own: nothing may be left running.
    leftover = asyncio.all_tasks() - {asyncio.current_task()}
    assert not leftover, leftover


class HandshakeClient(ForwardingProtocol):
    """Opens a WebSocket as a client would, then forwards to the reader."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        ws: WebSocketBase,
        deflate: DeflateOptions | None,
    ) -> None:
        super().__init__(loop)
        self.ws = ws
        self.deflate = deflate
        self.key = generate_key()
        self.head = b""
        self.ready: asyncio.Future[None] = loop.create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        fields = [
            ("Host", "127.0.0.1"),
            *request_headers(self.key, deflate=self.deflate),
        ]
        head = "GET / HTTP/1.1\r\n" + "".join(f"{n}: {v}\r\n" for n, v in fields)
        assert self.transport is not None
        self.transport.write(head.encode() + b"\r\n")

    def data_received(self, data: bytes) -> None:
        if self.reader is not None:
            self.reader.feed_data(data)
            return
        self.head += data
        head, sep, rest = self.head.partition(b"\r\n\r\n")
        if not sep:
            return
        status_line, *lines = head.decode("latin-1").split("\r\n")
        fields = [tuple(p.strip() for p in line.split(":", 1)) for line in lines]
        result = validate_response(
            int(status_line.split(" ")[1]),
            [(name, value) for name, value in fields],
            key=self.key,
            deflate=self.deflate,
        )
        assert self.transport is not None
        self.reader = self.ws._attach(
            self.transport, self, Role.CLIENT, extensions=result.extensions
        )
        self.reader.feed_data(rest)
        self.ready.set_result(None)


Connect = Callable[..., Awaitable[tuple[WebSocketBase, HandshakeClient]]]


@pytest.fixture
async def connect_ws() -> AsyncIterator[Connect]:
    """Connects a WebSocketBase to a real server on 127.0.0.1:port."""
    loop = asyncio.get_running_loop()
    opened: list[HandshakeClient] = []

    async def connect(
        port: int, *, deflate: DeflateOptions | None = None, **ws_options: Any
    ) -> tuple[WebSocketBase, HandshakeClient]:
        ws = WebSocketBase(**ws_options)
        _, client = await loop.create_connection(
            lambda: HandshakeClient(loop, ws, deflate), "127.0.0.1", port
        )
        opened.append(client)
        await asyncio.wait_for(client.ready, 5)
        return ws, client

    yield connect

    for client in opened:
        if client.transport is not None:
            client.transport.abort()
        await asyncio.wait_for(client.lost, 5)
