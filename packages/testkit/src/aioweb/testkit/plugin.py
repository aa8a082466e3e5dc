"""The aioweb pytest plugin, registered through the ``pytest11`` entry point.

It brings no event loop of its own: async fixtures and tests run on
pytest-asyncio's, in strict and auto mode alike.

Fixtures:

* ``fake_server``: an async factory of fake servers
  (:class:`~aioweb.testkit.FakeServerFactory`), all closed at teardown.
* ``aioweb_unused_port``: a function returning a free port.
* ``aioweb_tls_certificates``: a session-wide
  :class:`~aioweb.testkit.TLSCertificates` (needs ``[tls]``).
* ``aioweb_server``, ``aioweb_raw_server``, ``aioweb_client``: test servers
  and clients over aioweb's own server and client. They need
  ``aioweb-testkit[server]`` and the server and client cores; until those
  exist the fixtures fail at setup with a
  :class:`~aioweb.testkit.MissingExtraError` saying what is missing.

Option ``--aioweb-loop=uvloop`` runs every async test on uvloop as well as on
the default asyncio loop, through pytest-asyncio's
``pytest_asyncio_loop_factories`` hook.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import NoReturn

import pytest
import pytest_asyncio

from .client import CLIENT_CORE
from .exceptions import MissingExtraError
from .extras import require
from .fake import FakeServerFactory, TLSCertificates
from .loop import LOOP_NAMES, LoopFactory, loop_factories
from .ports import unused_port
from .server import SERVER_CORE

__all__ = (
    "aioweb_client",
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


@pytest.fixture(scope="session")
def aioweb_tls_certificates() -> TLSCertificates:
    """A CA and a server certificate for 127.0.0.1, made once per session."""
    return TLSCertificates()


def _not_written(fixture: str, name: str) -> NoReturn:
    raise MissingExtraError(
        f"{fixture} needs aioweb.testkit.{name}, which this version of "
        "aioweb-testkit does not provide yet"
    )


@pytest.fixture
def aioweb_server() -> NoReturn:
    """A factory of test servers for applications (needs ``[server]``)."""
    require("aioweb_server", "aioweb.web", SERVER_CORE, extra="server")
    _not_written("aioweb_server", "server.TestServer")


@pytest.fixture
def aioweb_raw_server() -> NoReturn:
    """A factory of test servers for low-level handlers (needs ``[server]``)."""
    require("aioweb_raw_server", "aioweb.web", SERVER_CORE, extra="server")
    _not_written("aioweb_raw_server", "server.RawTestServer")


@pytest.fixture
def aioweb_client() -> NoReturn:
    """A factory of test clients for applications (needs ``[server]``)."""
    require("aioweb_client", "aioweb.web", SERVER_CORE, extra="server")
    require("aioweb_client", "aioweb.client", CLIENT_CORE, extra="server")
    _not_written("aioweb_client", "client.TestClient")
