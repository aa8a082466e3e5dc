"""Fixtures for the server core's tests: real servers on 127.0.0.1, raw clients.

``serve_app(app, **runner_kwargs)`` and ``serve_handler(handler, **kwargs)``
start an :class:`~aioweb.web.AppRunner` (or a
:class:`~aioweb.web.ServerRunner`) on an ephemeral port of 127.0.0.1
through aioweb-testkit's ``aioweb_server`` and ``aioweb_raw_server``
fixtures, which clean them up at teardown. The testkit turns
``handler_cancellation`` on for its users; here it stays off unless a test
asks, so the tests see the server's own default. ``raw`` opens
plain TCP connections and reads responses byte by byte, so the tests see
exactly what the server sends (and whether it closes).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from multidict import CIMultiDict

from aioweb.web import Application, BaseRequest, BaseRunner, StreamResponse

#: Seconds any single read in a test may wait before the test fails.
READ_TIMEOUT = 10.0


@dataclass
class Served:
    """A running server: its runner and port."""

    runner: BaseRunner
    port: int
    host: str = "127.0.0.1"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@dataclass
class RawResponse:
    """A response as read from the wire."""

    status: int
    reason: str
    version: str
    headers: CIMultiDict[str]
    body: bytes
    raw_head: bytes = b""
    chunked: bool = False


@dataclass
class RawConnection:
    """A plain TCP connection to the server under test."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    _closed: bool = field(default=False)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def read_response(self, *, head_only: bool = False) -> RawResponse:
        """Read one response (Content-Length, chunked, or until close)."""
        head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT)
        lines = head[:-4].decode("latin-1").split("\r\n")
        version, status, *reason = lines[0].split(" ", 2)
        headers: CIMultiDict[str] = CIMultiDict()
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.add(name, value.strip())
        code = int(status)
        chunked = headers.get("Transfer-Encoding", "").lower() == "chunked"
        if head_only or code < 200 or code in (204, 304):
            body = b""
        elif chunked:
            body = b""
            while True:
                size_line = await asyncio.wait_for(
                    self.reader.readuntil(b"\r\n"), READ_TIMEOUT
                )
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    await asyncio.wait_for(self.reader.readuntil(b"\r\n"), READ_TIMEOUT)
                    break
                body += await asyncio.wait_for(
                    self.reader.readexactly(size + 2), READ_TIMEOUT
                )
                body = body[:-2]
        elif "Content-Length" in headers:
            body = await asyncio.wait_for(
                self.reader.readexactly(int(headers["Content-Length"])), READ_TIMEOUT
            )
        else:
            body = await asyncio.wait_for(self.reader.read(), READ_TIMEOUT)
        return RawResponse(
            code, reason[0] if reason else "", version, headers, body, head, chunked
        )

    async def read_all(self) -> bytes:
        """Everything until the server closes."""
        return await asyncio.wait_for(self.reader.read(), READ_TIMEOUT)

    async def at_eof(self, timeout: float = READ_TIMEOUT) -> bool:
        """Whether the server closes with nothing more to send."""
        data = await asyncio.wait_for(self.reader.read(), timeout)
        return data == b""

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await self.writer.wait_closed()


@pytest.fixture
def serve_app(aioweb_server: Any) -> Callable[..., Awaitable[Served]]:
    """``await serve_app(app, **runner_kwargs)`` → a running :class:`Served`."""

    async def start(app: Application, **kwargs: Any) -> Served:
        kwargs.setdefault("handler_cancellation", False)
        server = await aioweb_server(app, **kwargs)
        assert server.runner is not None
        return Served(server.runner, server.port)

    return start


@pytest.fixture
def serve_handler(aioweb_raw_server: Any) -> Callable[..., Awaitable[Served]]:
    """``await serve_handler(handler, **server_kwargs)`` → a low-level server."""

    async def start(
        handler: Callable[[BaseRequest], Awaitable[StreamResponse]], **kwargs: Any
    ) -> Served:
        kwargs.setdefault("handler_cancellation", False)
        server = await aioweb_raw_server(handler, **kwargs)
        assert server.runner is not None
        return Served(server.runner, server.port)

    return start


@pytest.fixture
async def raw() -> AsyncIterator[Callable[[int], Awaitable[RawConnection]]]:
    """``await raw(port)`` → a :class:`RawConnection`, closed at teardown."""
    connections: list[RawConnection] = []

    async def connect(port: int) -> RawConnection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        connection = RawConnection(reader, writer)
        connections.append(connection)
        return connection

    yield connect
    for connection in connections:
        await connection.close()
