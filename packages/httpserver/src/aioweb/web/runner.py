"""Runners: set an application (or a low-level server) up and tear it down.

A runner owns the :class:`~aioweb.web.Server` and the sites that listen for
it. Its life::

    runner = AppRunner(app)
    await runner.setup()            # on_startup, freeze, make the server
    await TCPSite(runner, "127.0.0.1", 8080).start()
    ...
    await runner.cleanup()          # the graceful shutdown below

Graceful shutdown, in :meth:`BaseRunner.cleanup`: the sites stop accepting
connections; idle keep-alive connections close and busy ones take no
further request; ``on_shutdown`` is sent (close your WebSockets and
long-polls there; WebSockets the server knows of are closed with 1001
"going away"); the requests in progress get up to ``shutdown_timeout``
seconds to finish, after which their handlers are cancelled;
``on_cleanup`` is sent last.
"""

from __future__ import annotations

import abc
import asyncio
import signal
from functools import partial
from typing import TYPE_CHECKING, Any

from aioweb.parser import RequestHead
from aioweb.protocol import StreamReader, StreamWriter

from .access_log import AccessLogger
from .app import Application
from .request import Request
from .request_handler import RequestHandler
from .server import Server

if TYPE_CHECKING:
    from .sites import BaseSite

__all__ = ("AppRunner", "BaseRunner", "GracefulExit", "ServerRunner")


class GracefulExit(SystemExit):
    """Raised in the loop by SIGINT/SIGTERM when signals are handled."""

    code = 1


def _raise_graceful_exit() -> None:
    raise GracefulExit()


class BaseRunner(abc.ABC):
    """What :class:`AppRunner` and :class:`ServerRunner` share.

    Args:
        handle_signals: turn SIGINT and SIGTERM into :class:`GracefulExit`.
        shutdown_timeout: seconds in-flight requests get at shutdown.
        **kwargs: passed to the :class:`~aioweb.web.Server` (and on to each
            connection's :class:`~aioweb.web.RequestHandler`).
    """

    def __init__(
        self,
        *,
        handle_signals: bool = False,
        shutdown_timeout: float = 60.0,
        **kwargs: Any,
    ) -> None:
        self._handle_signals = handle_signals
        self._kwargs = kwargs
        self._server: Server | None = None
        self._sites: list[BaseSite] = []
        self._shutdown_timeout = shutdown_timeout

    @property
    def server(self) -> Server | None:
        """The server, between :meth:`setup` and :meth:`cleanup`."""
        return self._server

    @property
    def addresses(self) -> list[Any]:
        """The addresses the sites listen on (``getsockname()`` values)."""
        found: list[Any] = []
        for site in self._sites:
            server = site._server
            if server is not None:
                found.extend(sock.getsockname() for sock in server.sockets or ())
        return found

    @property
    def sites(self) -> set[BaseSite]:
        """The started sites."""
        return set(self._sites)

    async def setup(self) -> None:
        """Make the server (and start the application)."""
        loop = asyncio.get_running_loop()
        if self._handle_signals:
            try:
                loop.add_signal_handler(signal.SIGINT, _raise_graceful_exit)
                loop.add_signal_handler(signal.SIGTERM, _raise_graceful_exit)
            except NotImplementedError:  # pragma: no cover - Windows
                pass
        self._server = await self._make_server()

    @abc.abstractmethod
    async def shutdown(self) -> None:
        """Tell the application the server is going down (``on_shutdown``)."""

    async def cleanup(self) -> None:
        """Shut down gracefully (see the module's docstring); once only."""
        # One site at a time: a failure in gather() would leave the list in
        # an unknown state.
        for site in list(self._sites):
            await site.stop()
        if self._server is not None:
            self._server.pre_shutdown()
            await self.shutdown()
            await self._server.shutdown(self._shutdown_timeout)
        await self._cleanup_server()
        self._server = None
        if self._handle_signals:
            loop = asyncio.get_running_loop()
            try:
                loop.remove_signal_handler(signal.SIGINT)
                loop.remove_signal_handler(signal.SIGTERM)
            except NotImplementedError:  # pragma: no cover - Windows
                pass

    @abc.abstractmethod
    async def _make_server(self) -> Server: ...

    @abc.abstractmethod
    async def _cleanup_server(self) -> None: ...

    def _reg_site(self, site: BaseSite) -> None:
        if site in self._sites:
            raise RuntimeError(f"Site {site} is already registered in runner {self}")
        self._sites.append(site)

    def _check_site(self, site: BaseSite) -> None:
        if site not in self._sites:
            raise RuntimeError(f"Site {site} is not registered in runner {self}")

    def _unreg_site(self, site: BaseSite) -> None:
        if site not in self._sites:
            raise RuntimeError(f"Site {site} is not registered in runner {self}")
        self._sites.remove(site)


class ServerRunner(BaseRunner):
    """Runs a low-level :class:`~aioweb.web.Server`."""

    def __init__(
        self, web_server: Server, *, handle_signals: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(handle_signals=handle_signals, **kwargs)
        self._web_server = web_server

    async def shutdown(self) -> None:
        """Nothing to tell: a bare server has no application."""

    async def _make_server(self) -> Server:
        return self._web_server

    async def _cleanup_server(self) -> None:
        pass


class AppRunner(BaseRunner):
    """Runs an :class:`~aioweb.web.Application`.

    Args:
        app: the application.
        handle_signals: turn SIGINT and SIGTERM into :class:`GracefulExit`.
        access_log_class: the access logger's class.
        **kwargs: as for :class:`BaseRunner` (``shutdown_timeout``,
            ``keepalive_timeout``, ``access_log``, ``access_log_format``,
            ``handler_cancellation``, limits and timeouts of
            :class:`~aioweb.web.RequestHandler`); the application's
            ``handler_args`` come first and these override them.

    Raises:
        TypeError: ``app`` is not an Application.
    """

    def __init__(
        self,
        app: Application,
        *,
        handle_signals: bool = False,
        access_log_class: type[Any] = AccessLogger,
        **kwargs: Any,
    ) -> None:
        if not isinstance(app, Application):
            raise TypeError(
                f"The first argument should be web.Application instance, got {app!r}"
            )
        merged = {**(app.handler_args or {}), **kwargs}
        super().__init__(
            handle_signals=handle_signals,
            access_log_class=access_log_class,
            **merged,
        )
        self._app = app

    @property
    def app(self) -> Application:
        """The application."""
        return self._app

    async def shutdown(self) -> None:
        """Send ``on_shutdown``."""
        await self._app.shutdown()

    async def _make_server(self) -> Server:
        self._app.on_startup.freeze()
        await self._app.startup()
        self._app.freeze()
        server = Server(
            self._app.handle,  # type: ignore[arg-type]
            request_factory=self._make_request,
            **self._kwargs,
        )
        if type(self)._make_request is AppRunner._make_request:
            # What _make_request does, without its frame per request: the
            # application's limits are fixed once it is frozen.
            server.request_factory = partial(
                Request,
                loop=server._loop,
                client_max_size=self._app.client_max_size,
                client_max_fields=self._app.client_max_fields,
            )
        return server

    def _make_request(
        self,
        message: RequestHead,
        payload: StreamReader,
        protocol: RequestHandler,
        writer: StreamWriter,
        task: asyncio.Task[None] | None,
        _cls: type[Request] = Request,
    ) -> Request:
        return _cls(
            message,
            payload,
            protocol,
            writer,
            task,
            protocol._loop,
            client_max_size=self._app.client_max_size,
            client_max_fields=self._app.client_max_fields,
        )

    async def _cleanup_server(self) -> None:
        await self._app.cleanup()
