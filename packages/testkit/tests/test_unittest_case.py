"""AioWebTestCase, run by unittest's own runner under -W error."""

from __future__ import annotations

import sys

import pytest

SUITE = """
import socket
import unittest

from aioweb import web
from aioweb.testkit import AioWebTestCase, TestClient

PORTS = []
WHO = web.AppKey("who", str)


async def hello(request):
    return web.Response(text="hello " + request.app[WHO])


class HelloTests(AioWebTestCase):
    async def get_application(self):
        app = web.Application()
        app[WHO] = "unittest"
        app.router.add_get("/", hello)
        return app

    async def test_hello(self):
        async with self.client.get("/") as resp:
            self.assertEqual(resp.status, 200)
            self.assertEqual(await resp.text(), "hello unittest")
        self.assertIs(self.client.app, self.app)
        self.assertIs(self.client.server, self.server)
        PORTS.append(self.server.port)

    async def test_fails_with_a_response_open(self):
        PORTS.append(self.server.port)
        resp = await self.client.get("/")
        self.assertEqual(resp.status, 500, "fails on purpose")


class SessionArguments(HelloTests):
    async def get_client(self, server):
        return TestClient(server, headers={"X-A": "1"})

    async def test_hello(self):
        self.assertEqual(self.client.session.headers["X-A"], "1")


class Missing(AioWebTestCase):
    async def test_nothing(self):
        pass


if __name__ == "__main__":
    program = unittest.main(exit=False)
    result = program.result
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.connect(("127.0.0.1", port))
            except ConnectionRefusedError:
                continue
        raise SystemExit(f"port {port} still open")
    print("RESULT", result.testsRun, len(result.failures), len(result.errors))
"""


def test_unittest_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(user_tests=SUITE)
    result = pytester.run(
        sys.executable,
        "-W",
        "error",
        "-X",
        "dev",
        "user_tests.py",
        "-v",
    )
    output = result.stdout.str() + result.stderr.str()
    # 5 tests: hello, the failing one (twice: inherited), the session one,
    # and Missing, whose setup fails naming get_application.
    assert "RESULT 5 2 1" in output, output
    assert "fails on purpose" in output
    assert "Missing must override get_application()" in output
    assert "ResourceWarning" not in output
    assert "Unclosed" not in output
