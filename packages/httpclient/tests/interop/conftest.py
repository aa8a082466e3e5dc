"""nginx (from Debian) as the client's peer, with a generated configuration.

nginx runs in the foreground (``daemon off``) from a private temporary
directory that holds its configuration, pid file, logs, temp paths, the
served files and the certificates; it listens on free 127.0.0.1 ports and is
stopped by its PID. Under ``CI=true`` a missing nginx is a failure
(``.ci/system-packages`` installs it); elsewhere the tests are skipped.

aiohttp's server (``aiohttp.web``) is the peer of the ``test_aiohttp_server*``
modules: ``aiohttp_server`` serves their applications with aiohttp's own
runner, in the test's event loop.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web as aiohttp_web
from yarl import URL

from aioweb.testkit import unused_port

# 1 MiB of bytes that no compression or off-by-one can fake.
BIG = bytes((i * 7 + i // 256) % 251 for i in range(1 << 20))
SMALL = b"hello from nginx\n" * 6

CONFIG = """
daemon off;
worker_processes 1;
{user}
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    types {{ text/plain txt; application/octet-stream bin; }}
    keepalive_requests 10000;
    server {{
        listen 127.0.0.1:{port};
        listen 127.0.0.1:{tls_port} ssl;
        ssl_certificate {root}/cert.pem;
        ssl_certificate_key {root}/key.pem;
        root {root}/www;
        location /gzip/ {{
            gzip on;
            gzip_min_length 1;
            gzip_types text/plain;
        }}
        location /upstream/ {{
            proxy_http_version 1.1;
            proxy_buffering off;
            proxy_pass http://unix:{root}/upstream.sock:/;
        }}
    }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed: .ci/system-packages installs it")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    return found


@dataclass
class Nginx:
    """A running nginx: its plain and TLS URLs and its private directory."""

    root: Path
    url: URL
    tls_url: URL
    ca_pem: bytes

    @property
    def upstream_socket(self) -> Path:
        """The Unix socket ``/upstream/`` is proxied to (start a server there)."""
        return self.root / "upstream.sock"

    def client_ssl(self) -> ssl.SSLContext:
        """A verifying client context that trusts this nginx's CA."""
        context = ssl.create_default_context(cadata=self.ca_pem.decode())
        return context


@pytest.fixture(scope="session")
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    """Start nginx serving static, gzip, ranged, TLS and proxied answers."""
    binary = nginx_binary()
    import trustme  # in the test requirements: missing is a failure

    root = tmp_path_factory.mktemp("nginx")
    www = root / "www"
    (www / "gzip").mkdir(parents=True)
    (www / "small.txt").write_bytes(SMALL)
    (www / "big.bin").write_bytes(BIG)
    (www / "gzip" / "text.txt").write_bytes(SMALL * 100)
    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1", "localhost")
    leaf.private_key_pem.write_to_path(str(root / "key.pem"))
    leaf.cert_chain_pems[0].write_to_path(str(root / "cert.pem"))
    port, tls_port = unused_port(), unused_port()
    # As root, nginx would run its worker as "nobody", which cannot read
    # this private directory.
    user = "user root root;" if os.geteuid() == 0 else ""
    config = root / "nginx.conf"
    config.write_text(CONFIG.format(root=root, port=port, tls_port=tls_port, user=user))
    process = subprocess.Popen(
        [binary, "-p", str(root), "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                log = (root / "error.log").read_text(errors="replace")
                pytest.fail(f"nginx exited at start:\n{log}")
            with contextlib.suppress(OSError):
                for each in (port, tls_port):
                    socket.create_connection(("127.0.0.1", each), timeout=1).close()
                break
            if time.monotonic() > deadline:
                pytest.fail("nginx did not listen within 20 s")
            time.sleep(0.05)
        yield Nginx(
            root=root,
            url=URL.build(scheme="http", host="127.0.0.1", port=port),
            tls_url=URL.build(scheme="https", host="127.0.0.1", port=tls_port),
            ca_pem=ca.cert_pem.bytes(),
        )
    finally:
        os.kill(process.pid, signal.SIGQUIT)  # graceful stop of master and worker
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
async def aiohttp_server() -> AsyncIterator[
    Callable[[aiohttp_web.Application], Awaitable[URL]]
]:
    """``await aiohttp_server(app)`` → the base URL of ``app`` served by aiohttp.

    aiohttp's own ``AppRunner`` and ``TCPSite`` listen on 127.0.0.1, on a
    port the kernel picks (port 0) for aiohttp's listener; every runner is
    cleaned up at teardown. ``handler_cancellation`` cancels a handler whose
    client went away (a client timeout), so cleanup need not wait for it.
    """
    runners: list[aiohttp_web.AppRunner] = []

    async def start(app: aiohttp_web.Application) -> URL:
        runner = aiohttp_web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=2
        )
        await runner.setup()
        runners.append(runner)
        await aiohttp_web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        return URL.build(scheme="http", host=host, port=port)

    try:
        yield start
    finally:
        for runner in reversed(runners):
            await runner.cleanup()
