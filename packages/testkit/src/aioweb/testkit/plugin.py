"""The aioweb pytest plugin, registered through the ``pytest11`` entry point.

The entry point is named after this module, so a conftest that also lists
it (``pytest_plugins = ["aioweb.testkit.plugin"]``, the aiohttp habit of
``pytest_plugins = "aiohttp.pytest_plugin"`` with the import changed) finds
it loaded already; ``-p no:aioweb.testkit.plugin`` turns it off.

It brings no event loop of its own: async fixtures and tests run on
pytest-asyncio's, in strict and auto mode alike.

Fixtures:

* ``fake_server``: an async factory of fake servers
  (:class:`~aioweb.testkit.FakeServerFactory`), all closed at teardown.
* ``aioweb_unused_port``: a function returning a free port.
* ``aioweb_raw_client``: an async factory of
  :class:`~aioweb.testkit.RawConnection` objects to any server (a test
  server, a fake server, or a port), all closed at teardown.
* ``aioweb_tls_certificates``: a session-wide
  :class:`~aioweb.testkit.TLSCertificates` (needs ``[tls]``).
* ``aioweb_server(app, *, host, port, **runner_kwargs)``,
  ``aioweb_raw_server(handler, *, port, **kwargs)`` and
  ``aioweb_client(app_or_server, *, server_kwargs, **session_kwargs)``:
  async factories of started :class:`~aioweb.testkit.TestServer`,
  :class:`~aioweb.testkit.RawTestServer` and
  :class:`~aioweb.testkit.TestClient` objects, each closed at teardown,
  whether the test passed or failed. They need ``aioweb-testkit[server]``;
  without it they fail at setup with a
  :class:`~aioweb.testkit.MissingExtraError` naming the extra (the fake
  servers need nothing more than the testkit).

Option ``--aioweb-loop=uvloop`` runs every async test on uvloop as well as on
the default asyncio loop, through pytest-asyncio's
``pytest_asyncio_loop_factories`` hook.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

from .exceptions import MissingExtraError
from .extras import require_client_core, require_server_core
from .fake import FakeServerFactory, TLSCertificates
from .loop import LOOP_NAMES, LoopFactory, loop_factories
from .ports import unused_port
from .raw_client import RawConnection, open_raw_connection

if TYPE_CHECKING:  # the server and client are optional: imported in fixtures
    from aioweb.web import Application

    from .client import TestClient
    from .server import BaseTestServer, RawHandler, RawTestServer, TestServer

__all__ = (
    "aioweb_client",
    "aioweb_raw_client",
    "aioweb_raw_server",
    "aioweb_server",
    "aioweb_tls_certificates",
    "aioweb_unused_port",
    "fake_server",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("aioweb")
    group.addoption(
        "--aioweb-loop",
        action="append",
        default=[],
        metavar="NAMES",
        help=(
            "also run every async test on these event loops, comma-separated "
            f"or repeated ({', '.join(LOOP_NAMES)}); the default asyncio loop "
            "always runs"
        ),
    )


class _LoopFactories:
    """The ``pytest_asyncio_loop_factories`` implementation for ``--aioweb-loop``."""

    def __init__(self, factories: Mapping[str, LoopFactory]) -> None:
        self._factories = dict(factories)

    @pytest.hookimpl(optionalhook=True)
    def pytest_asyncio_loop_factories(
        self, config: pytest.Config, item: pytest.Item
    ) -> Mapping[str, LoopFactory]:
        return self._factories


def pytest_configure(config: pytest.Config) -> None:
    requested: list[str] = config.getoption("aioweb_loop", default=[]) or []
    names = [n.strip() for value in requested for n in value.split(",") if n.strip()]
    if not names:
        return
    try:
        factories = loop_factories(["asyncio", *names])
    except (ValueError, MissingExtraError) as exc:
        raise pytest.UsageError(f"--aioweb-loop: {exc}") from exc
    config.pluginmanager.register(_LoopFactories(factories), "aioweb-loop-factories")


@pytest_asyncio.fixture(loop_scope="function")
async def fake_server() -> AsyncIterator[FakeServerFactory]:
    """Start fake servers with ``await fake_server(script)``; all closed at teardown.

    ``await fake_server.websocket(handler)`` starts a fake WebSocket server;
    ``tls=True`` serves TLS (needs ``[tls]``), trusted by
    ``fake_server.certificates.client_context()``.
    """
    async with FakeServerFactory() as factory:
        yield factory


@pytest.fixture
def aioweb_unused_port() -> Callable[[], int]:
    """A function returning a free TCP port on 127.0.0.1 at each call."""
    return unused_port


@pytest_asyncio.fixture(loop_scope="function")
async def aioweb_raw_client() -> AsyncIterator[Callable[..., Awaitable[RawConnection]]]:
    """Open raw connections with ``await aioweb_raw_client(server_or_port, *,
    host="127.0.0.1", ssl_context=None, timeout=10.0)``; all closed at teardown.

    ``server_or_port`` is anything with ``host`` and ``port`` attributes (a
    test server, a fake server) or a port number on ``host``.
    """
    connections: list[RawConnection] = []

    async def connect(
        server_or_port: Any,
        *,
        host: str = "127.0.0.1",
        ssl_context: Any = None,
        timeout: float = 10.0,
    ) -> RawConnection:
        if isinstance(server_or_port, int):
            port = server_or_port
        else:
            host, port = server_or_port.host, server_or_port.port
        connection = await open_raw_connection(
            host, port, ssl_context=ssl_context, timeout=timeout
        )
        connections.append(connection)
        return connection

    try:
        yield connect
    finally:
        for connection in connections:
            await connection.close()


@pytest.fixture(scope="session")
def aioweb_tls_certificates() -> TLSCertificates:
    """A CA and a server certificate for 127.0.0.1, made once per session."""
    return TLSCertificates()


async def _close_all(closers: list[Callable[[], Awaitable[None]]]) -> None:
    """Call every closer, newest first; re-raise the first failure at the end."""
    failure: BaseException | None = None
    for close in reversed(closers):
        try:
            await close()
        except Exception as exc:  # the others must still close
            if failure is None:
                failure = exc
    if failure is not None:
        raise failure


@pytest_asyncio.fixture(loop_scope="function")
async def aioweb_server() -> AsyncIterator[Callable[..., Awaitable[TestServer]]]:
    """Start test servers with ``await aioweb_server(app, host=..., port=...,
    **runner_kwargs)``; all closed at teardown (needs ``[server]``)."""
    require_server_core("aioweb_server")
    from .server import TestServer

    closers: list[Callable[[], Awaitable[None]]] = []

    async def start(
        app: Application,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        **runner_kwargs: Any,
    ) -> TestServer:
        server = TestServer(app, host=host, port=port)
        closers.append(server.close)  # before starting: a failed start closes too
        await server.start_server(**runner_kwargs)
        return server

    try:
        yield start
    finally:
        await _close_all(closers)


@pytest_asyncio.fixture(loop_scope="function")
async def aioweb_raw_server() -> AsyncIterator[Callable[..., Awaitable[RawTestServer]]]:
    """Start low-level test servers with ``await aioweb_raw_server(handler,
    port=..., **kwargs)``; all closed at teardown (needs ``[server]``)."""
    require_server_core("aioweb_raw_server")
    from .server import RawTestServer

    closers: list[Callable[[], Awaitable[None]]] = []

    async def start(
        handler: RawHandler, *, port: int | None = None, **kwargs: Any
    ) -> RawTestServer:
        server = RawTestServer(handler, port=port)
        closers.append(server.close)
        await server.start_server(**kwargs)
        return server

    try:
        yield start
    finally:
        await _close_all(closers)


@pytest_asyncio.fixture(loop_scope="function")
async def aioweb_client() -> AsyncIterator[Callable[..., Awaitable[TestClient]]]:
    """Start test clients with ``await aioweb_client(app_or_server, *,
    server_kwargs=None, **session_kwargs)``; every client, its responses,
    WebSockets and server closed at teardown (needs ``[server]``).

    An :class:`~aioweb.web.Application` is served by a new
    :class:`~aioweb.testkit.TestServer` made with ``server_kwargs``; a test
    server (started or not) is used as it is.
    """
    require_server_core("aioweb_client")
    require_client_core("aioweb_client", extra="server")
    from aioweb.web import Application

    from .client import TestClient
    from .server import BaseTestServer, TestServer

    closers: list[Callable[[], Awaitable[None]]] = []

    async def start(
        app_or_server: Application | BaseTestServer,
        *,
        server_kwargs: Mapping[str, Any] | None = None,
        **session_kwargs: Any,
    ) -> TestClient:
        if isinstance(app_or_server, Application):
            server: BaseTestServer = TestServer(app_or_server, **(server_kwargs or {}))
        elif isinstance(app_or_server, BaseTestServer):
            if server_kwargs:
                raise TypeError("server_kwargs apply to an Application, not a server")
            server = app_or_server
        else:
            raise TypeError(
                "aioweb_client needs an aioweb.web.Application or a test server, "
                f"not {app_or_server!r}"
            )
        closers.append(server.close)
        client = TestClient(server, **session_kwargs)
        closers.append(client.close)
        await client.start_server()
        return client

    try:
        yield start
    finally:
        await _close_all(closers)
