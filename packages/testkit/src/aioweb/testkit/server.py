"""Test servers for aioweb applications (needs ``aioweb-testkit[server]``).

Not written yet: this module waits for the server core (``Application``,
``AppRunner``, ``ServerRunner``, ``Server``, ``TCPSite``) in ``aioweb.web``.
Until then the ``aioweb_server`` and ``aioweb_raw_server`` fixtures fail at
setup with :class:`~aioweb.testkit.MissingExtraError` naming what is missing
(see :data:`SERVER_CORE` and :func:`require_server_core`).

The plan, so the classes drop in without changing the plugin's layout:

* ``BaseTestServer(*, scheme="", host="127.0.0.1", port=None,
  skip_url_asserts=True, socket_factory=get_unused_port_socket, **kwargs)``:
  ``start_server()`` binds the socket from ``socket_factory``, builds a
  runner with ``_make_runner()`` and starts a ``SockSite`` on it;
  ``make_url(path)`` joins to ``http://127.0.0.1:PORT``; ``close()`` cleans
  the runner up; async context manager; ``started``/``closed`` properties.
* ``TestServer(app, ...)``: ``_make_runner()`` returns an ``AppRunner``.
* ``RawTestServer(handler, ...)``: ``_make_runner()`` returns a
  ``ServerRunner`` over a low-level ``Server(handler)``.
* The ``aioweb_server(app, **kwargs)`` and ``aioweb_raw_server(handler,
  **kwargs)`` fixtures become async factories closing every server they made
  at teardown, as ``fake_server`` does now.
"""

from __future__ import annotations

from types import ModuleType

from .extras import require

__all__ = ("SERVER_CORE", "require_server_core")

#: The names of ``aioweb.web`` the test servers are built on.
SERVER_CORE = ("Application", "AppRunner", "ServerRunner", "Server", "SockSite")


def require_server_core(feature: str) -> ModuleType:
    """Return ``aioweb.web`` if it has the server core, else raise.

    Raises:
        MissingExtraError: ``aioweb.web`` is not installed or lacks a name of
            :data:`SERVER_CORE`; the message names ``feature`` and the extra.
    """
    return require(feature, "aioweb.web", SERVER_CORE, extra="server")
