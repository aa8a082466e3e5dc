"""A test client bound to a test server (needs ``aioweb-testkit[server]``).

Not written yet: this module waits for ``ClientSession`` in ``aioweb.client``
and for :mod:`aioweb.testkit.server`. Until then the ``aioweb_client``
fixture fails at setup with :class:`~aioweb.testkit.MissingExtraError`
naming what is missing (see :data:`CLIENT_CORE` and
:func:`require_client_core`).

The plan: ``TestClient(server, *, cookie_jar=None, **session_kwargs)`` wraps
a ``BaseTestServer`` and a ``ClientSession``; ``request(method, path)`` and
``get``/``post``/... resolve ``path`` against the server's URL and return the
response as an async context manager; ``ws_connect(path)``; ``start_server()``
and ``close()`` (which also closes every response and WebSocket it handed
out); ``server``, ``app``, ``session`` and ``port`` properties; async context
manager. The ``aioweb_client(app_or_server, **kwargs)`` fixture becomes an
async factory that wraps an ``Application`` in a ``TestServer`` (or takes a
server as is) and closes every client at teardown.
"""

from __future__ import annotations

from types import ModuleType

from .extras import require

__all__ = ("CLIENT_CORE", "require_client_core")

#: The names of ``aioweb.client`` the test client is built on.
CLIENT_CORE = ("ClientSession",)


def require_client_core(feature: str) -> ModuleType:
    """Return ``aioweb.client`` if it has the client core, else raise.

    Raises:
        MissingExtraError: ``aioweb.client`` is not installed or lacks a name
            of :data:`CLIENT_CORE`; the message names ``feature`` and the
            extra.
    """
    return require(feature, "aioweb.client", CLIENT_CORE, extra="client")
