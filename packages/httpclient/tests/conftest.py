"""Shared fixtures of the client's tests.

Peers run on 127.0.0.1 only: aiohttp's server for well-behaved answers,
and raw asyncio servers for the misbehaving ones (truncated bodies, broken
status lines, silence). Every server a test starts is stopped when it ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from yarl import URL

RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@pytest.fixture
async def app_server() -> AsyncIterator[Callable[[web.Application], Awaitable[URL]]]:
    """Start an aiohttp application on 127.0.0.1; returns its base URL."""
    runners: list[web.AppRunner] = []

    async def start(app: web.Application) -> URL:
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        return URL.build(scheme="http", host=host, port=port)

    yield start
    for runner in runners:
        await runner.cleanup()


class RawServer:
    """A TCP server on 127.0.0.1 that runs ``handler`` per connection."""

    def __init__(self, handler: RawHandler) -> None:
        self._handler = handler
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.connections = 0
        self.url = URL()

    async def start(self) -> URL:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = URL.build(scheme="http", host="127.0.0.1", port=port)
        return self.url

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.connections += 1
        self._writers.add(writer)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        # Stopped by close(): a cancelled handler is the normal end, and
        # asyncio would log one that ends with CancelledError.
        with contextlib.suppress(asyncio.CancelledError):
            try:
                await self._handler(reader, writer)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()
                with contextlib.suppress(Exception):
                    await writer.wait_closed()
                self._writers.discard(writer)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        for task in list(self._tasks):
            if not task.done():
                task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()


@pytest.fixture
async def raw_server() -> AsyncIterator[Callable[[RawHandler], Awaitable[RawServer]]]:
    """Start raw asyncio servers; each is closed at the end of the test."""
    servers: list[RawServer] = []

    async def start(handler: RawHandler) -> RawServer:
        server = RawServer(handler)
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.close()


async def read_request_head(reader: asyncio.StreamReader) -> bytes:
    """The head of the next request (for raw handlers)."""
    return await reader.readuntil(b"\r\n\r\n")


@pytest.fixture
def read_head() -> Callable[[asyncio.StreamReader], Awaitable[bytes]]:
    """Read one request head from a raw connection."""
    return read_request_head


@contextlib.contextmanager
def _run_proxy(directory: Path, *extra: str) -> Iterator[int]:
    port_file = directory / "port"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "proxy",
            "--hostname",
            "127.0.0.1",
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--num-workers",
            "1",
            "--num-acceptors",
            "1",
            "--basic-auth",
            "user:pass",
            "--log-level",
            "e",
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        port = 0
        while time.monotonic() < deadline:
            text = port_file.read_text().strip() if port_file.exists() else ""
            if text:
                port = int(text)
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", port), timeout=1),
                ):
                    break
            if process.poll() is not None:
                pytest.fail("proxy.py exited at start")
            time.sleep(0.1)
        else:
            pytest.fail("proxy.py did not start")
        yield port
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def forward_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[URL]:
    """proxy.py on 127.0.0.1 requiring ``user:pass``; stopped by its PID."""
    with _run_proxy(tmp_path_factory.mktemp("proxy")) as port:
        yield URL.build(scheme="http", host="127.0.0.1", port=port)


@pytest.fixture(scope="module")
def tls_forward_proxy(
    tmp_path_factory: pytest.TempPathFactory, _ca: Any
) -> Iterator[URL]:
    """proxy.py spoken to over TLS (an HTTPS proxy), certificate from the CA."""
    directory = tmp_path_factory.mktemp("tls-proxy")
    cert = _ca.issue_cert("127.0.0.1")
    cert.private_key_pem.write_to_path(str(directory / "key.pem"))
    cert.cert_chain_pems[0].write_to_path(str(directory / "cert.pem"))
    with _run_proxy(
        directory,
        "--cert-file",
        str(directory / "cert.pem"),
        "--key-file",
        str(directory / "key.pem"),
    ) as port:
        yield URL.build(scheme="https", host="127.0.0.1", port=port)


@pytest.fixture(scope="module")
def _ca() -> Any:
    import trustme

    return trustme.CA()


@pytest.fixture(scope="module")
def certificates(_ca: Any) -> tuple[ssl.SSLContext, ssl.SSLContext, bytes]:
    """A trustme CA: (server context, client context trusting it, leaf DER)."""
    ca = _ca
    cert = ca.issue_cert("localhost", "127.0.0.1")
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    der = ssl.PEM_cert_to_DER_cert(cert.cert_chain_pems[0].bytes().decode())
    return server, client, der
