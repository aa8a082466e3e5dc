"""Fixtures for the server core's tests: real servers on 127.0.0.1, raw clients.

``serve_app(app, **runner_kwargs)`` and ``serve_handler(handler, **kwargs)``
start an :class:`~aioweb.web.AppRunner` (or a
:class:`~aioweb.web.ServerRunner`) on an ephemeral port of 127.0.0.1
through aioweb-testkit's ``aioweb_server`` and ``aioweb_raw_server``
fixtures, which clean them up at teardown. The testkit turns
``handler_cancellation`` on for its users; here it stays off unless a test
asks, so the tests see the server's own default. ``raw`` opens
plain TCP connections through the testkit's ``aioweb_raw_client``, whose
reader does not use aioweb's parser, so the tests see exactly what the
server sends (and whether it closes).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from aioweb.testkit import RawConnection
from aioweb.web import Application, BaseRequest, BaseRunner, StreamResponse


@dataclass
class Served:
    """A running server: its runner and port."""

    runner: BaseRunner
    port: int
    host: str = "127.0.0.1"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@pytest.fixture
def serve_app(aioweb_server: Any) -> Callable[..., Awaitable[Served]]:
    """``await serve_app(app, **runner_kwargs)`` → a running :class:`Served`."""

    async def start(app: Application, **kwargs: Any) -> Served:
        kwargs.setdefault("handler_cancellation", False)
        server = await aioweb_server(app, **kwargs)
        assert server.runner is not None
        return Served(server.runner, server.port)

    return start


@pytest.fixture
def serve_handler(aioweb_raw_server: Any) -> Callable[..., Awaitable[Served]]:
    """``await serve_handler(handler, **server_kwargs)`` → a low-level server."""

    async def start(
        handler: Callable[[BaseRequest], Awaitable[StreamResponse]], **kwargs: Any
    ) -> Served:
        kwargs.setdefault("handler_cancellation", False)
        server = await aioweb_raw_server(handler, **kwargs)
        assert server.runner is not None
        return Served(server.runner, server.port)

    return start


@pytest.fixture
def raw(
    aioweb_raw_client: Callable[..., Awaitable[RawConnection]],
) -> Callable[[int], Awaitable[RawConnection]]:
    """``await raw(port)`` → a :class:`~aioweb.testkit.RawConnection`.

    aioweb-testkit's ``aioweb_raw_client`` closes it at teardown.
    """
    return aioweb_raw_client
