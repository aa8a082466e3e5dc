"""Interop with uvicorn (h11 or httptools underneath) as the peer on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from yarl import URL

from aioweb.client import ClientSession
from aioweb.testkit import unused_port

pytestmark = pytest.mark.interop

APP = """
async def app(scope, receive, send):
    assert scope["type"] == "http"
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["path"] == "/stream":
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain")]})
        for i in range(3):
            await send({"type": "http.response.body", "body": b"piece%d;" % i,
                        "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/octet-stream"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
"""


@pytest.fixture(scope="module", params=["h11", "httptools"])
def uvicorn_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[URL]:
    # Both are in the test requirements: a missing one is a failure.
    __import__("uvicorn")
    __import__(request.param)
    directory: Path = tmp_path_factory.mktemp("asgi")
    (directory / "asgi_echo.py").write_text(APP)
    port = unused_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "asgi_echo:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--http",
            request.param,
            "--log-level",
            "error",
        ],
        cwd=directory,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail("uvicorn exited at start")
                time.sleep(0.1)
        else:
            pytest.fail("uvicorn did not start")
        yield URL.build(scheme="http", host="127.0.0.1", port=port)
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


async def test_post_echo_and_keep_alive(uvicorn_url: URL) -> None:
    payload = zlib.compress(b"z" * 10_000)
    async with ClientSession() as session:
        for _ in range(3):
            async with session.post(uvicorn_url / "echo", data=payload) as resp:
                assert resp.status == 200
                assert await resp.read() == payload


async def test_chunked_response(uvicorn_url: URL) -> None:
    async with ClientSession() as session, session.get(uvicorn_url / "stream") as resp:
        assert resp.headers.get("Transfer-Encoding") == "chunked"
        assert await resp.text() == "piece0;piece1;piece2;"
