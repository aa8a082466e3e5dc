"""Sites: where a runner's server listens (TCP, Unix socket, given socket)."""

from __future__ import annotations

import asyncio
import socket
from ssl import SSLContext
from typing import Any

from yarl import URL

from .runner import BaseRunner

__all__ = ("BaseSite", "SockSite", "TCPSite", "UnixSite")


class BaseSite:
    """A listening endpoint of a runner.

    Args:
        runner: a runner that was set up.
        shutdown_timeout: ignored; the runner's ``shutdown_timeout`` applies
            (as in aiohttp 3.9+).
        ssl_context: serve TLS with this context.
        backlog: the listen backlog.

    Raises:
        RuntimeError: the runner is not set up.
    """

    def __init__(
        self,
        runner: BaseRunner,
        *,
        shutdown_timeout: float = 60.0,
        ssl_context: SSLContext | None = None,
        backlog: int = 128,
    ) -> None:
        if runner.server is None:
            raise RuntimeError("Call runner.setup() before making a site")
        self._runner = runner
        self._ssl_context = ssl_context
        self._backlog = backlog
        self._server: asyncio.Server | None = None

    @property
    def name(self) -> str:
        """A URL-like name for logs."""
        raise NotImplementedError

    async def start(self) -> None:
        """Start listening."""
        self._runner._reg_site(self)

    async def stop(self) -> None:
        """Stop listening (connections are the runner's to close)."""
        self._runner._check_site(self)
        if self._server is not None:
            self._server.close()
        self._runner._unreg_site(self)

    def _protocol_factory(self) -> Any:
        server = self._runner.server
        if server is None:
            raise RuntimeError("Call runner.setup() before starting a site")
        return server


class TCPSite(BaseSite):
    """Listens on a TCP host and port.

    Args:
        runner: a runner that was set up.
        host: the address (all interfaces when None).
        port: the port; 8080, or 8443 with TLS, when None.
        reuse_address: set SO_REUSEADDR.
        reuse_port: set SO_REUSEPORT.
    """

    def __init__(
        self,
        runner: BaseRunner,
        host: str | None = None,
        port: int | None = None,
        *,
        shutdown_timeout: float = 60.0,
        ssl_context: SSLContext | None = None,
        backlog: int = 128,
        reuse_address: bool | None = None,
        reuse_port: bool | None = None,
    ) -> None:
        super().__init__(
            runner,
            shutdown_timeout=shutdown_timeout,
            ssl_context=ssl_context,
            backlog=backlog,
        )
        self._host = host
        if port is None:
            port = 8443 if ssl_context else 8080
        self._port = port
        self._reuse_address = reuse_address
        self._reuse_port = reuse_port

    @property
    def name(self) -> str:
        """``http://host:port`` (``https`` with TLS)."""
        scheme = "https" if self._ssl_context else "http"
        host = "0.0.0.0" if not self._host else self._host
        return str(URL.build(scheme=scheme, host=host, port=self._port))

    async def start(self) -> None:
        """Bind and listen."""
        await super().start()
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._protocol_factory(),
            self._host,
            self._port,
            ssl=self._ssl_context,
            backlog=self._backlog,
            reuse_address=self._reuse_address,
            reuse_port=self._reuse_port,
        )


class UnixSite(BaseSite):
    """Listens on a Unix domain socket.

    Args:
        runner: a runner that was set up.
        path: the socket's path.
    """

    def __init__(
        self,
        runner: BaseRunner,
        path: str,
        *,
        shutdown_timeout: float = 60.0,
        ssl_context: SSLContext | None = None,
        backlog: int = 128,
    ) -> None:
        super().__init__(
            runner,
            shutdown_timeout=shutdown_timeout,
            ssl_context=ssl_context,
            backlog=backlog,
        )
        self._path = path

    @property
    def name(self) -> str:
        """``http://unix:PATH:``."""
        scheme = "https" if self._ssl_context else "http"
        return f"{scheme}://unix:{self._path}:"

    async def start(self) -> None:
        """Bind and listen."""
        await super().start()
        loop = asyncio.get_running_loop()
        self._server = await loop.create_unix_server(
            self._protocol_factory(),
            self._path,
            ssl=self._ssl_context,
            backlog=self._backlog,
        )


class SockSite(BaseSite):
    """Listens on a socket the caller bound (e.g. from a process manager).

    Args:
        runner: a runner that was set up.
        sock: a bound socket.
    """

    def __init__(
        self,
        runner: BaseRunner,
        sock: socket.socket,
        *,
        shutdown_timeout: float = 60.0,
        ssl_context: SSLContext | None = None,
        backlog: int = 128,
    ) -> None:
        super().__init__(
            runner,
            shutdown_timeout=shutdown_timeout,
            ssl_context=ssl_context,
            backlog=backlog,
        )
        self._sock = sock
        scheme = "https" if ssl_context else "http"
        if hasattr(socket, "AF_UNIX") and sock.family == socket.AF_UNIX:
            self._name = f"{scheme}://unix:{sock.getsockname()}:"
        else:
            host, port = sock.getsockname()[:2]
            self._name = str(URL.build(scheme=scheme, host=host, port=port))

    @property
    def name(self) -> str:
        """The socket's address as a URL."""
        return self._name

    async def start(self) -> None:
        """Listen on the socket."""
        await super().start()
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._protocol_factory(),
            sock=self._sock,
            ssl=self._ssl_context,
            backlog=self._backlog,
        )
