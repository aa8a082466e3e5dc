"""Fixtures shared by the testkit's tests.

Async tests here run on the default asyncio loop and, when uvloop is
installed, on uvloop too (through pytest-asyncio's loop-factory hook), so
every misbehaviour is observed on both.

``connect`` opens raw asyncio streams to a fake server, the most direct
client there is, and closes every one at teardown.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping

import pytest
import pytest_asyncio

from aioweb.testkit import FakeListener, LoopFactory, loop_factories

pytest_plugins = ["pytester"]

try:
    import uvloop  # noqa: F401
except ImportError:
    _LOOPS = ["asyncio"]
else:
    _LOOPS = ["asyncio", "uvloop"]


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, LoopFactory]:
    return loop_factories(_LOOPS)


class Peer:
    """A raw client connection to a fake server."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.reader = reader
        self.writer = writer

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def get(self, target: str = "/", *, extra: bytes = b"") -> None:
        await self.send(
            b"GET " + target.encode() + b" HTTP/1.1\r\nHost: test\r\n" + extra + b"\r\n"
        )

    async def read_head(self, timeout: float = 5.0) -> tuple[bytes, dict[str, str]]:
        """The status line and the header fields (lower-cased names)."""
        raw = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), timeout)
        status, *lines = raw[:-4].split(b"\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(b":")
            headers[name.decode().lower()] = value.decode().strip()
        return status, headers

    async def read_response(
        self, timeout: float = 5.0
    ) -> tuple[bytes, dict[str, str], bytes]:
        """A whole Content-Length-framed response."""
        status, headers = await self.read_head(timeout)
        length = int(headers.get("content-length", "0"))
        body = await asyncio.wait_for(self.reader.readexactly(length), timeout)
        return status, headers, body

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError, ssl.SSLError):
            await self.writer.wait_closed()


Connect = Callable[..., Awaitable[Peer]]


@pytest_asyncio.fixture
async def connect() -> AsyncIterator[Connect]:
    peers: list[Peer] = []

    async def open_to(
        server: FakeListener, *, ssl_context: ssl.SSLContext | None = None
    ) -> Peer:
        reader, writer = await asyncio.open_connection(
            server.host, server.port, ssl=ssl_context
        )
        peer = Peer(reader, writer)
        peers.append(peer)
        return peer

    yield open_to
    for peer in peers:
        await peer.close()
