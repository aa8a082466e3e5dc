"""One place that makes fake servers and closes them all: the ``fake_server``
fixture's engine, usable without pytest as an async context manager.
"""

from __future__ import annotations

import ssl
from types import TracebackType
from typing import Any

from .listener import FakeListener
from .server import FakeServer, Script
from .tls import TLSCertificates
from .websocket import FakeWebSocketServer, MessageHandler, _echo

__all__ = ("FakeServerFactory",)


class FakeServerFactory:
    """Starts fake servers on the running loop and closes every one of them.

    ``await factory(script)`` starts a :class:`FakeServer`;
    ``await factory.websocket(handler)`` a :class:`FakeWebSocketServer`.
    ``tls=True`` serves TLS with :attr:`certificates`; the client side trusts
    them through ``factory.certificates.client_context()``.

    Args:
        certificates: the certificates for ``tls=True``; made on first use
            (which needs the ``[tls]`` extra) if ``None``.
    """

    def __init__(self, certificates: TLSCertificates | None = None) -> None:
        self._certificates = certificates
        #: Every server started, in order.
        self.servers: list[FakeListener] = []

    @property
    def certificates(self) -> TLSCertificates:
        """The certificates TLS servers present (made on first use)."""
        if self._certificates is None:
            self._certificates = TLSCertificates()
        return self._certificates

    def _context(
        self, tls: bool, given: ssl.SSLContext | None
    ) -> ssl.SSLContext | None:
        if given is not None or not tls:
            return given
        return self.certificates.server_context()

    async def __call__(
        self,
        script: Script = None,
        *,
        tls: bool = False,
        ssl_context: ssl.SSLContext | None = None,
        **options: Any,
    ) -> FakeServer:
        """Start a :class:`FakeServer`; ``options`` go to its constructor."""
        server = FakeServer(
            script, ssl_context=self._context(tls, ssl_context), **options
        )
        self.servers.append(server)
        await server.start()
        return server

    async def websocket(
        self,
        handler: MessageHandler = _echo,
        *,
        tls: bool = False,
        ssl_context: ssl.SSLContext | None = None,
        **options: Any,
    ) -> FakeWebSocketServer:
        """Start a :class:`FakeWebSocketServer`; ``options`` go to its constructor."""
        server = FakeWebSocketServer(
            handler, ssl_context=self._context(tls, ssl_context), **options
        )
        self.servers.append(server)
        await server.start()
        return server

    async def close(self) -> None:
        """Close every server started, newest first."""
        while self.servers:
            await self.servers.pop().close()

    async def __aenter__(self) -> FakeServerFactory:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
