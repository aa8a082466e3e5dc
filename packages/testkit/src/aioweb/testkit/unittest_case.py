"""A ``unittest`` case class for people who do not use pytest.

Not written yet: it is built on :mod:`aioweb.testkit.server` and
:mod:`aioweb.testkit.client`, which wait for the server and client cores.

The plan: ``AioWebTestCase(unittest.IsolatedAsyncioTestCase)`` whose
``asyncSetUp`` calls an overridable ``get_application()`` (or
``get_server(app)``), starts a ``TestServer`` and a ``TestClient`` as
``self.server`` and ``self.client``, and whose ``asyncTearDown`` closes both;
its event loop comes from ``IsolatedAsyncioTestCase`` (a ``loop_factory``
class attribute on Python 3.13, :func:`aioweb.testkit.loop_context` before).
Until then, a ``unittest`` suite can already use the fake servers inside
``IsolatedAsyncioTestCase`` with ``async with FakeServer(...)``.
"""

from __future__ import annotations

__all__: tuple[str, ...] = ()
