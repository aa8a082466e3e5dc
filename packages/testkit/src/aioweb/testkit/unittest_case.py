"""A ``unittest`` case class for people who do not use pytest.

::

    class HelloTests(AioWebTestCase):
        async def get_application(self) -> web.Application:
            app = web.Application()
            app.router.add_get("/", hello)
            return app

        async def test_hello(self) -> None:
            async with self.client.get("/") as resp:
                self.assertEqual(resp.status, 200)

Each test gets its own event loop (from ``IsolatedAsyncioTestCase``), its
own application, server and client; ``asyncTearDown`` closes the client,
which closes the server, before the loop goes away.

Importing this module without the server and the client raises
:class:`~aioweb.testkit.MissingExtraError` naming ``[server]``.
"""

from __future__ import annotations

from .extras import require_client_core, require_server_core

require_server_core("aioweb.testkit.AioWebTestCase")
require_client_core("aioweb.testkit.AioWebTestCase", extra="server")

import unittest  # noqa: E402  (after the check: a clear error comes first)

from aioweb.web import Application  # noqa: E402

from .client import TestClient  # noqa: E402
from .server import BaseTestServer, TestServer  # noqa: E402

__all__ = ("AioWebTestCase",)


class AioWebTestCase(unittest.IsolatedAsyncioTestCase):
    """A test case with a running application, ``self.client`` and ``self.server``.

    Override :meth:`get_application` (required), and :meth:`get_server` or
    :meth:`get_client` to change how they are made. A subclass that
    overrides ``asyncSetUp`` or ``asyncTearDown`` calls ``super()``'s.

    Attributes:
        app: the application of the running test.
        server: its :class:`~aioweb.testkit.TestServer`.
        client: a started :class:`~aioweb.testkit.TestClient` for it.
    """

    app: Application
    server: BaseTestServer
    client: TestClient

    async def get_application(self) -> Application:
        """The application under test; override it.

        Raises:
            NotImplementedError: not overridden.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must override get_application()"
        )

    async def get_server(self, app: Application) -> BaseTestServer:
        """The server for ``app``; a :class:`~aioweb.testkit.TestServer`."""
        return TestServer(app)

    async def get_client(self, server: BaseTestServer) -> TestClient:
        """The client for ``server``; a :class:`~aioweb.testkit.TestClient`."""
        return TestClient(server)

    async def asyncSetUp(self) -> None:
        """Make the application, server and client, and start them."""
        await super().asyncSetUp()
        self.app = await self.get_application()
        self.server = await self.get_server(self.app)
        self.client = await self.get_client(self.server)
        # Closed even when starting fails half-way (on_startup raising, say).
        self.addAsyncCleanup(self.client.close)
        await self.client.start_server()

    async def asyncTearDown(self) -> None:
        """Close the client and, through it, the server."""
        await self.client.close()
        await super().asyncTearDown()
