"""Gunicorn worker classes: ``--worker-class aioweb.web.GunicornWebWorker``.

How this works: gunicorn's arbiter forks workers that share its listening
sockets. Each :class:`GunicornWebWorker` makes a fresh event loop after the
fork, builds an :class:`~aioweb.web.AppRunner` for the application gunicorn
loaded (``self.wsgi``: an :class:`~aioweb.web.Application`, or a coroutine
function returning one or an ``AppRunner``), serves every inherited socket
with a :class:`~aioweb.web.SockSite`, and then wakes once a second (or on a
signal) to tell the arbiter it is alive (the heartbeat), to check
``max_requests`` and whether its parent changed. ``SIGTERM`` asks for a
graceful stop: the sites close and requests in progress get most of
gunicorn's ``graceful_timeout``; ``SIGQUIT`` and ``SIGINT`` stop quickly
(gunicorn's meanings), ``SIGABRT`` exits at once.

gunicorn is an optional dependency: install ``aioweb-httpserver[gunicorn]``.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import ssl
import sys
from types import FrameType
from typing import Any, Final

from gunicorn.config import AccessLogFormat as GunicornAccessLogFormat
from gunicorn.workers import base

from .access_log import AccessLogger
from .app import Application
from .runner import AppRunner
from .sites import SockSite

__all__ = ("GunicornUVLoopWebWorker", "GunicornWebWorker")

# A heartbeat interval well under gunicorn's smallest useful --timeout.
_NOTIFY_INTERVAL: Final = 1.0


class GunicornWebWorker(base.Worker):  # type: ignore[misc,unused-ignore]  # typed only with types-gunicorn
    """Runs an aioweb application in a gunicorn worker process."""

    DEFAULT_AIOHTTP_LOG_FORMAT: Final = AccessLogger.LOG_FORMAT
    DEFAULT_GUNICORN_LOG_FORMAT: Final = GunicornAccessLogFormat.default

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._task: asyncio.Task[None] | None = None
        self._notify_waiter: asyncio.Future[bool] | None = None
        self.exit_code = 0

    def init_process(self) -> None:
        # The arbiter's loop, if any, must not be shared across the fork.
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        super().init_process()

    def run(self) -> None:
        self._task = self.loop.create_task(self._run())
        try:
            self.loop.run_until_complete(self._task)
        except Exception:
            self.log.exception("Exception in gunicorn worker")
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()
        sys.exit(self.exit_code)

    async def _run(self) -> None:
        runner = await self._make_runner()
        await runner.setup()
        context = self._create_ssl_context(self.cfg) if self.cfg.is_ssl else None
        server = runner.server
        assert server is not None
        for sock in self.sockets:
            site = SockSite(
                runner,
                sock,
                ssl_context=context,
                shutdown_timeout=self.cfg.graceful_timeout / 100 * 95,
            )
            await site.start()
        pid = os.getpid()
        try:
            while self.alive:
                self.notify()
                if self.max_requests and server.requests_count > self.max_requests:
                    self.alive = False
                    self.log.info("Max requests, shutting down: %s", self)
                elif pid == os.getpid() and self.ppid != os.getppid():
                    self.alive = False
                    self.log.info("Parent changed, shutting down: %s", self)
                else:
                    await self._wait_next_notify()
        except BaseException:
            # Cancelled or interrupted: still shut the sites down below.
            pass
        await runner.cleanup()

    async def _make_runner(self) -> AppRunner:
        # gunicorn types ``wsgi`` as a WSGI callable; here it is an aioweb app.
        wsgi: Any = self.wsgi
        if isinstance(wsgi, Application):
            app = wsgi
        elif asyncio.iscoroutinefunction(wsgi):
            made = await wsgi()
            if isinstance(made, AppRunner):
                return made
            app = made
        else:
            raise RuntimeError(
                "wsgi app should be either Application or "
                f"async function returning Application, got {wsgi}"
            )
        access_log = self.log.access_log if self.cfg.accesslog else None
        return AppRunner(
            app,
            logger=self.log,
            keepalive_timeout=self.cfg.keepalive,
            access_log=access_log,
            access_log_format=self._get_valid_log_format(self.cfg.access_log_format),
            shutdown_timeout=self.cfg.graceful_timeout / 100 * 95,
        )

    def _wait_next_notify(self) -> asyncio.Future[bool]:
        self._notify_waiter_done()
        waiter = self._notify_waiter = self.loop.create_future()
        self.loop.call_later(_NOTIFY_INTERVAL, self._notify_waiter_done, waiter)
        return waiter

    def _notify_waiter_done(self, waiter: asyncio.Future[bool] | None = None) -> None:
        if waiter is None:
            waiter = self._notify_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(True)
        if waiter is self._notify_waiter:
            self._notify_waiter = None

    def init_signals(self) -> None:
        # Through the loop, so a handler runs between callbacks, not inside one.
        add = self.loop.add_signal_handler
        add(signal.SIGQUIT, self.handle_quit, signal.SIGQUIT, None)
        add(signal.SIGTERM, self.handle_exit, signal.SIGTERM, None)
        add(signal.SIGINT, self.handle_quit, signal.SIGINT, None)
        add(signal.SIGWINCH, self.handle_winch, signal.SIGWINCH, None)
        add(signal.SIGUSR1, self.handle_usr1, signal.SIGUSR1, None)
        add(signal.SIGABRT, self.handle_abort, signal.SIGABRT, None)
        # A signal must not interrupt a system call of a request in progress.
        signal.siginterrupt(signal.SIGTERM, False)
        signal.siginterrupt(signal.SIGUSR1, False)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """SIGTERM: stop accepting, let requests in progress finish."""
        self.alive = False
        self._notify_waiter_done()

    def handle_quit(self, sig: int, frame: FrameType | None) -> None:
        """SIGQUIT or SIGINT: stop now (after gunicorn's ``worker_int`` hook)."""
        self.alive = False
        self.cfg.worker_int(self)
        self._notify_waiter_done()

    def handle_abort(self, sig: int, frame: FrameType | None) -> None:
        """SIGABRT: exit at once with status 1."""
        self.alive = False
        self.exit_code = 1
        self.cfg.worker_abort(self)
        sys.exit(1)

    @staticmethod
    def _create_ssl_context(cfg: Any) -> ssl.SSLContext:
        """A server TLS context from gunicorn's ``--certfile`` and friends."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cfg.certfile, cfg.keyfile)
        context.verify_mode = cfg.cert_reqs
        if cfg.ca_certs:
            context.load_verify_locations(cfg.ca_certs)
        if cfg.ciphers:
            context.set_ciphers(cfg.ciphers)
        return context

    def _get_valid_log_format(self, source_format: str) -> str:
        """Gunicorn's default access format becomes aioweb's; others must
        already be in aioweb's ``%a %t "%r"`` style.

        Raises:
            ValueError: the format uses gunicorn's ``%(name)s`` style.
        """
        if source_format == self.DEFAULT_GUNICORN_LOG_FORMAT:
            return self.DEFAULT_AIOHTTP_LOG_FORMAT
        if re.search(r"%\([^\)]+\)", source_format):
            raise ValueError(
                "Gunicorn's style options in form of `%(name)s` are not "
                "supported for the log formatting. Please use aioweb's format "
                "specification (the same as aiohttp's) to configure access "
                "log formatting."
            )
        return source_format


class GunicornUVLoopWebWorker(GunicornWebWorker):
    """:class:`GunicornWebWorker` on uvloop (``aioweb-httpserver[speedups]``)."""

    def init_process(self) -> None:
        import uvloop  # optional: only this worker needs it

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        super().init_process()
