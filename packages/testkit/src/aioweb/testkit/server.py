"""Test servers for aioweb applications and handlers (needs ``[server]``).

A test server runs an :class:`~aioweb.web.Application` (:class:`TestServer`)
or a low-level handler (:class:`RawTestServer`) on a free port of
127.0.0.1, the way ``aiohttp.test_utils`` does::

    async with TestServer(app) as server:
        url = server.make_url("/hello")     # http://127.0.0.1:PORT/hello
        ...
    # closed: the runner cleaned up (on_shutdown, on_cleanup), port released

The listening socket is bound before the runner starts listening on it and
handed over as is (:class:`~aioweb.web.SockSite`), so no other process can
take the port in between. Handlers are cancelled when their client goes away
(``handler_cancellation=True``), so a test that gives up on a request does
not leave its handler running past the test.

Importing this module without aioweb-httpserver raises
:class:`~aioweb.testkit.MissingExtraError` naming the extra.
"""

from __future__ import annotations

from .extras import require_server_core

require_server_core("aioweb.testkit.server")

import abc  # noqa: E402  (after the check: a clear error comes first)
import socket  # noqa: E402
from collections.abc import Awaitable, Callable  # noqa: E402
from ssl import SSLContext  # noqa: E402
from types import TracebackType  # noqa: E402
from typing import Any  # noqa: E402

from yarl import URL  # noqa: E402

from aioweb.web import (  # noqa: E402
    Application,
    AppRunner,
    BaseRequest,
    BaseRunner,
    Server,
    ServerRunner,
    SockSite,
    StreamResponse,
)

from .ports import get_unused_port_socket  # noqa: E402

__all__ = ("BaseTestServer", "RawTestServer", "SocketFactory", "TestServer")

#: ``factory(host, port, family) -> socket``: a bound, not listening socket.
SocketFactory = Callable[[str, int, int], socket.socket]


def bind_socket(host: str, port: int, family: int) -> socket.socket:
    """The default :data:`SocketFactory`: ``port`` 0 picks a free one."""
    if not port:
        return get_unused_port_socket(host, family)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except BaseException:
        sock.close()
        raise
    return sock


class BaseTestServer(abc.ABC):
    """A server on a local port for one test; subclasses make the runner.

    Args:
        scheme: ``"http"`` or ``"https"``; empty picks from ``ssl``.
        host: the address to listen on.
        port: the port; ``None`` or 0 picks a free one.
        skip_url_asserts: when False, :meth:`make_url` refuses absolute URLs;
            when True (the default) it joins strings as given.
        socket_factory: makes the listening socket (see :data:`SocketFactory`).
        **kwargs: passed to :meth:`start_server` (runner arguments, ``ssl``).
    """

    __test__ = False  # a class named Test* is not a test case for pytest

    def __init__(
        self,
        *,
        scheme: str = "",
        host: str = "127.0.0.1",
        port: int | None = None,
        skip_url_asserts: bool = True,
        socket_factory: SocketFactory = bind_socket,
        **kwargs: Any,
    ) -> None:
        self.runner: BaseRunner | None = None
        self._root: URL | None = None
        self.host = host
        self.port = port
        self.scheme = scheme
        self.skip_url_asserts = skip_url_asserts
        self.socket_factory = socket_factory
        self._start_kwargs = kwargs
        self._started = False
        self._closed = False

    async def start_server(self, **kwargs: Any) -> None:
        """Set the runner up and listen; a second call does nothing.

        Args:
            **kwargs: runner arguments (``shutdown_timeout``,
                ``keepalive_timeout``, ``access_log``...) and ``ssl``, an
                :class:`ssl.SSLContext` to serve https with; they add to the
                constructor's.
        """
        if self._started:
            if self._closed:
                raise RuntimeError("a closed test server cannot start again")
            return
        self._started = True
        options = {**self._start_kwargs, **kwargs}
        ssl_context: SSLContext | None = options.pop("ssl", None)
        options.setdefault("handler_cancellation", True)
        runner = await self._make_runner(**options)
        self.runner = runner
        await runner.setup()
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = self.socket_factory(self.host, self.port or 0, family)
        try:
            site = SockSite(runner, sock, ssl_context=ssl_context)
            await site.start()
        except BaseException:
            sock.close()
            raise
        self.host, self.port = sock.getsockname()[:2]
        if not self.scheme:
            self.scheme = "https" if ssl_context is not None else "http"
        self._root = URL.build(scheme=self.scheme, host=self.host, port=self.port)

    @abc.abstractmethod
    async def _make_runner(self, **kwargs: Any) -> BaseRunner:
        """The runner this server starts."""

    def make_url(self, path: str | URL) -> URL:
        """``path`` on this server: ``make_url("/a?b=1")``.

        Raises:
            RuntimeError: the server is not started.
            ValueError: ``path`` is absolute and ``skip_url_asserts`` is off.
        """
        if self._root is None:
            raise RuntimeError("the test server is not started (start_server())")
        url = URL(path)
        if not self.skip_url_asserts:
            if url.absolute:
                raise ValueError(f"a test server's path must be relative, not {path}")
            return self._root.join(url)
        return URL(str(self._root) + str(path))

    @property
    def started(self) -> bool:
        """Whether :meth:`start_server` ran (it stays True after :meth:`close`)."""
        return self._started

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` ran."""
        return self._closed

    @property
    def handler(self) -> Server:
        """The low-level :class:`~aioweb.web.Server` (its connections...).

        Raises:
            RuntimeError: the server is not started.
        """
        server = self.runner.server if self.runner is not None else None
        if server is None:
            raise RuntimeError("the test server is not started (start_server())")
        return server

    @property
    def app(self) -> Application | None:
        """The application; None for a raw server."""
        return None

    async def close(self) -> None:
        """Clean the runner up (graceful shutdown, ``on_cleanup``); once only.

        Afterwards the server may not be started again; :attr:`port` keeps
        the number it had, so a test can check that it was released.
        """
        if self._closed:
            return
        self._closed = True
        runner, self.runner, self._root = self.runner, None, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> BaseTestServer:
        await self.start_server()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class TestServer(BaseTestServer):
    """Serves an :class:`~aioweb.web.Application` through an ``AppRunner``.

    Args:
        app: the application; started (``on_startup``) by
            :meth:`start_server`, cleaned up by :meth:`close`.
        scheme: as for :class:`BaseTestServer`.
        host: as for :class:`BaseTestServer`.
        port: as for :class:`BaseTestServer`.
        **kwargs: as for :class:`BaseTestServer` (runner arguments, ``ssl``).
    """

    def __init__(
        self,
        app: Application,
        *,
        scheme: str = "",
        host: str = "127.0.0.1",
        port: int | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(app, Application):
            raise TypeError(f"TestServer needs an aioweb.web.Application, not {app!r}")
        self._app = app
        super().__init__(scheme=scheme, host=host, port=port, **kwargs)

    @property
    def app(self) -> Application:
        """The application."""
        return self._app

    async def _make_runner(self, **kwargs: Any) -> BaseRunner:
        return AppRunner(self._app, **kwargs)


RawHandler = Callable[[BaseRequest], Awaitable[StreamResponse]]


class RawTestServer(BaseTestServer):
    """Serves a low-level handler through a ``ServerRunner``.

    Args:
        handler: ``async def handler(request) -> StreamResponse``, given each
            :class:`~aioweb.web.BaseRequest`.
        scheme: as for :class:`BaseTestServer`.
        host: as for :class:`BaseTestServer`.
        port: as for :class:`BaseTestServer`.
        **kwargs: to the :class:`~aioweb.web.Server` (timeouts, limits),
            but ``shutdown_timeout`` to the runner and ``ssl`` to the site.
    """

    def __init__(
        self,
        handler: RawHandler,
        *,
        scheme: str = "",
        host: str = "127.0.0.1",
        port: int | None = None,
        **kwargs: Any,
    ) -> None:
        self._handler = handler
        super().__init__(scheme=scheme, host=host, port=port, **kwargs)

    async def _make_runner(self, **kwargs: Any) -> BaseRunner:
        runner_kwargs = {}
        if "shutdown_timeout" in kwargs:
            runner_kwargs["shutdown_timeout"] = kwargs.pop("shutdown_timeout")
        return ServerRunner(Server(self._handler, **kwargs), **runner_kwargs)
