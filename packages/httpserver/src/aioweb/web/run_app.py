"""``run_app``: serve an application until interrupted, then shut down gracefully.

It makes an event loop (or uses ``loop``), sets the application up with an
:class:`~aioweb.web.AppRunner`, starts one site per ``host``, ``path`` and
``sock`` given (``0.0.0.0:8080`` when none is), prints where it listens,
and serves until SIGINT/SIGTERM (:class:`~aioweb.web.GracefulExit`) or
KeyboardInterrupt. Then it runs the graceful shutdown of
:meth:`BaseRunner.cleanup <aioweb.web.BaseRunner.cleanup>`, cancels the
tasks left over and closes the loop.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from ssl import SSLContext
from typing import Any

from .access_log import AbstractAccessLogger, AccessLogger, access_logger
from .app import Application
from .runner import AppRunner, GracefulExit
from .sites import BaseSite, SockSite, TCPSite, UnixSite

__all__ = ("run_app",)


async def _run_app(
    app: Application | Awaitable[Application],
    *,
    host: str | Iterable[str] | None,
    port: int | None,
    path: str | Iterable[str] | None,
    sock: socket.socket | Iterable[socket.socket] | None,
    ssl_context: SSLContext | None,
    print: Callable[..., None] | None,
    backlog: int,
    reuse_address: bool | None,
    reuse_port: bool | None,
    runner_kwargs: dict[str, Any],
) -> None:
    if not isinstance(app, Application):
        app = await app
    runner = AppRunner(app, **runner_kwargs)
    await runner.setup()
    sites: list[BaseSite] = []
    try:
        hosts: list[str | None]
        if host is None:
            hosts = (
                []
                if (path is not None or sock is not None) and port is None
                else [None]
            )
        elif isinstance(host, str):
            hosts = [host]
        else:
            hosts = list(host)
        for name in hosts:
            sites.append(
                TCPSite(
                    runner,
                    name,
                    port,
                    ssl_context=ssl_context,
                    backlog=backlog,
                    reuse_address=reuse_address,
                    reuse_port=reuse_port,
                )
            )
        if path is not None:
            for one in [path] if isinstance(path, str) else path:
                sites.append(
                    UnixSite(runner, one, ssl_context=ssl_context, backlog=backlog)
                )
        if sock is not None:
            for one_sock in [sock] if isinstance(sock, socket.socket) else sock:
                sites.append(
                    SockSite(runner, one_sock, ssl_context=ssl_context, backlog=backlog)
                )
        for site in sites:
            await site.start()
        if print is not None:
            names = sorted(site.name for site in runner.sites)
            print(
                "======== Running on {} ========\n(Press CTRL+C to quit)".format(
                    ", ".join(names)
                )
            )
        # Serve until cancelled (by GracefulExit or KeyboardInterrupt).
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def _cancel_tasks(
    tasks: set[asyncio.Task[Any]], loop: asyncio.AbstractEventLoop
) -> None:
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    for task in tasks:
        if task.cancelled():
            continue
        if task.exception() is not None:
            loop.call_exception_handler(
                {
                    "message": "unhandled exception during run_app() shutdown",
                    "exception": task.exception(),
                    "task": task,
                }
            )


def run_app(
    app: Application | Awaitable[Application],
    *,
    host: str | Iterable[str] | None = None,
    port: int | None = None,
    path: str | Iterable[str] | None = None,
    sock: socket.socket | Iterable[socket.socket] | None = None,
    shutdown_timeout: float = 60.0,
    keepalive_timeout: float = 75.0,
    ssl_context: SSLContext | None = None,
    print: Callable[..., None] | None = print,
    backlog: int = 128,
    access_log_class: type[AbstractAccessLogger] = AccessLogger,
    access_log_format: str = AccessLogger.LOG_FORMAT,
    access_log: logging.Logger | None = access_logger,
    handle_signals: bool = True,
    reuse_address: bool | None = None,
    reuse_port: bool | None = None,
    handler_cancellation: bool = False,
    loop: asyncio.AbstractEventLoop | None = None,
) -> None:
    """Serve ``app`` until interrupted (see the module's docstring).

    Args:
        app: the application, or a coroutine that makes it.
        host: address(es) to listen on with TCP.
        port: the TCP port (8080, or 8443 with TLS, by default).
        path: Unix socket path(s) to listen on.
        sock: bound socket(s) to listen on.
        shutdown_timeout: seconds in-flight requests get at shutdown.
        keepalive_timeout: seconds an idle connection stays open.
        ssl_context: serve TLS.
        print: prints the banner; None for silence.
        backlog: the listen backlog.
        access_log_class: the access logger's class.
        access_log_format: the access log format.
        access_log: the access logger's logger; None disables the log.
        handle_signals: turn SIGINT/SIGTERM into a graceful exit.
        reuse_address: set SO_REUSEADDR.
        reuse_port: set SO_REUSEPORT.
        handler_cancellation: cancel handlers whose client disconnected.
        loop: the event loop to use (a new one by default).
    """
    if loop is None:
        loop = asyncio.new_event_loop()
    if (
        loop.get_debug()
        and access_log is not None
        and access_log.level == logging.NOTSET
        and not access_log.hasHandlers()
    ):
        access_log.setLevel(logging.DEBUG)
        access_log.addHandler(logging.StreamHandler())
    main_task = loop.create_task(
        _run_app(
            app,
            host=host,
            port=port,
            path=path,
            sock=sock,
            ssl_context=ssl_context,
            print=print,
            backlog=backlog,
            reuse_address=reuse_address,
            reuse_port=reuse_port,
            runner_kwargs={
                "handle_signals": handle_signals,
                "shutdown_timeout": shutdown_timeout,
                "keepalive_timeout": keepalive_timeout,
                "access_log_class": access_log_class,
                "access_log_format": access_log_format,
                "access_log": access_log,
                "handler_cancellation": handler_cancellation,
            },
        )
    )
    try:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(main_task)
    except (GracefulExit, KeyboardInterrupt):
        pass
    finally:
        with suppress(asyncio.CancelledError):
            main_task.cancel()
            loop.run_until_complete(main_task)
        _cancel_tasks(asyncio.all_tasks(loop), loop)
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
        asyncio.set_event_loop(None)
