"""The unittest example of docs/testing/index.md, run by aioweb-testkit's tests."""

from __future__ import annotations

import unittest

from aioweb import web
from aioweb.testkit import AioWebTestCase


# --- unittest
async def hello(request: web.Request) -> web.Response:
    return web.Response(text="hello from unittest")


class HelloTests(AioWebTestCase):
    async def get_application(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", hello)
        return app

    async def test_hello(self) -> None:
        async with self.client.get("/") as resp:
            self.assertEqual(resp.status, 200)
            self.assertEqual(await resp.text(), "hello from unittest")

    async def test_server_runs_on_a_local_port(self) -> None:
        self.assertEqual(self.server.host, "127.0.0.1")
        self.assertTrue(str(self.client.make_url("/")).startswith("http://127.0.0.1:"))


if __name__ == "__main__":
    unittest.main()
# --- end
