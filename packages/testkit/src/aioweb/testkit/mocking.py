"""Requests made without a connection, for unit-testing handlers.

Not written yet: ``make_mocked_request`` needs ``aioweb.web.Request`` and the
server's protocol objects, which do not exist yet; this module defines
nothing until they do, rather than something that would pretend to work.

The plan: ``make_mocked_request(method, path, headers=None, *,
match_info=None, version=HttpVersion11, closing=False, app=None, writer=None,
protocol=None, transport=None, payload=EMPTY_PAYLOAD, sslcontext=None,
client_max_size=1024**2, loop=None)`` builds a ``RequestHead`` (from
``aioweb.parser``) and a ``Request`` over a transport and a writer that
record what the handler writes, so a test can assert on it without sockets.
Calling it before the server core exists will raise
:class:`~aioweb.testkit.MissingExtraError` through
:func:`aioweb.testkit.server.require_server_core`.
"""

from __future__ import annotations

__all__: tuple[str, ...] = ()
