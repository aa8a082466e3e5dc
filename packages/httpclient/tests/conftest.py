"""Shared fixtures of the client's tests.

Peers run on 127.0.0.1 only: aioweb's server, through aioweb-testkit's
``aioweb_server``, for well-behaved answers; aioweb-testkit's fake servers
(``fake_server``) for the misbehaving ones (truncated bodies, broken status
lines, silence); proxy.py for proxies. Every server a test starts is stopped
when it ends. Independent servers (nginx, uvicorn) are the peers of the
interop tests.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from yarl import URL

from aioweb import web
from aioweb.testkit import TestServer


@pytest.fixture
def app_server(
    aioweb_server: Callable[..., Awaitable[TestServer]],
) -> Callable[[web.Application], Awaitable[URL]]:
    """``await app_server(app)`` → the base URL of ``app`` served on 127.0.0.1.

    aioweb-testkit's ``aioweb_server`` runs it and stops it at teardown.
    """

    async def start(app: web.Application) -> URL:
        server = await aioweb_server(app)
        return server.make_url("/").with_path("")

    return start


@contextlib.contextmanager
def _run_proxy(directory: Path, *extra: str) -> Iterator[int]:
    port_file = directory / "port"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "proxy",
            "--hostname",
            "127.0.0.1",
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--num-workers",
            "1",
            "--num-acceptors",
            "1",
            "--basic-auth",
            "user:pass",
            "--log-level",
            "e",
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        port = 0
        while time.monotonic() < deadline:
            text = port_file.read_text().strip() if port_file.exists() else ""
            if text:
                port = int(text)
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", port), timeout=1),
                ):
                    break
            if process.poll() is not None:
                pytest.fail("proxy.py exited at start")
            time.sleep(0.1)
        else:
            pytest.fail("proxy.py did not start")
        yield port
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def forward_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[URL]:
    """proxy.py on 127.0.0.1 requiring ``user:pass``; stopped by its PID."""
    with _run_proxy(tmp_path_factory.mktemp("proxy")) as port:
        yield URL.build(scheme="http", host="127.0.0.1", port=port)


@pytest.fixture(scope="module")
def tls_forward_proxy(
    tmp_path_factory: pytest.TempPathFactory, _ca: Any
) -> Iterator[URL]:
    """proxy.py spoken to over TLS (an HTTPS proxy), certificate from the CA."""
    directory = tmp_path_factory.mktemp("tls-proxy")
    cert = _ca.issue_cert("127.0.0.1")
    cert.private_key_pem.write_to_path(str(directory / "key.pem"))
    cert.cert_chain_pems[0].write_to_path(str(directory / "cert.pem"))
    with _run_proxy(
        directory,
        "--cert-file",
        str(directory / "cert.pem"),
        "--key-file",
        str(directory / "key.pem"),
    ) as port:
        yield URL.build(scheme="https", host="127.0.0.1", port=port)


@pytest.fixture(scope="module")
def _ca() -> Any:
    import trustme

    return trustme.CA()


@pytest.fixture(scope="module")
def certificates(_ca: Any) -> tuple[ssl.SSLContext, ssl.SSLContext, bytes]:
    """A trustme CA: (server context, client context trusting it, leaf DER)."""
    ca = _ca
    cert = ca.issue_cert("localhost", "127.0.0.1")
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    der = ssl.PEM_cert_to_DER_cert(cert.cert_chain_pems[0].bytes().decode())
    return server, client, der
