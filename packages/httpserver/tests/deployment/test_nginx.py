"""aioweb behind nginx (from Debian): a UnixSite upstream, X-Forwarded-*,
WebSocket upgrades. nginx runs with a generated config in a temporary
directory, listens on 127.0.0.1 only and is stopped by its PID."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import trustme

from aioweb import web
from aioweb.testkit import unused_port

pytestmark = pytest.mark.interop


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed: .ci/system-packages installs it")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    return found


# The trust configuration documented in docs/server/deployment.md.
@web.middleware
async def from_trusted_proxy(
    request: web.Request, handler: Callable[[web.Request], Awaitable[Any]]
) -> Any:
    changes = {}
    forwarded_for = request.headers.getall("X-Forwarded-For", [])
    if forwarded_for:
        # nginx appends the address it saw; anything before it came from the
        # client and proves nothing.
        changes["remote"] = forwarded_for[-1].rsplit(",", 1)[-1].strip()
    proto = request.headers.get("X-Forwarded-Proto")
    if proto in ("http", "https"):
        changes["scheme"] = proto
    return await handler(request.clone(**changes) if changes else request)


async def describe(request: web.Request) -> web.Response:
    return web.json_response(
        {
            "remote": request.remote,
            "scheme": request.scheme,
            "host": request.host,
            "x_forwarded_for": request.headers.get("X-Forwarded-For"),
            "x_forwarded_proto": request.headers.get("X-Forwarded-Proto"),
        }
    )


async def echo(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for message in ws:
        if message.type is web.WSMsgType.TEXT:
            await ws.send_str(f"echo:{message.data}")
    return ws


def make_app(*, trusted: bool) -> web.Application:
    app = web.Application(middlewares=[from_trusted_proxy] if trusted else [])
    app.router.add_get("/{prefix}/describe", describe)
    app.router.add_get("/{prefix}/ws", echo)
    return app


CONFIG = """
daemon off;
worker_processes 1;
{user}
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    upstream trusted {{ server unix:{root}/trusted.sock; }}
    upstream plain {{ server unix:{root}/plain.sock; }}
    server {{
        listen 127.0.0.1:{port};
        listen 127.0.0.1:{tls_port} ssl;
        ssl_certificate {root}/cert.pem;
        ssl_certificate_key {root}/key.pem;
        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        location /trusted/ {{ proxy_pass http://trusted; }}
        location /plain/ {{ proxy_pass http://plain; }}
    }}
}}
"""


class Nginx:
    def __init__(self, root: Path, port: int, tls_port: int) -> None:
        self.root, self.port, self.tls_port = root, port, tls_port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        # As root, nginx would run its worker as "nobody", which cannot
        # reach the sockets in this private directory.
        user = "user root root;" if os.geteuid() == 0 else ""
        config = self.root / "nginx.conf"
        config.write_text(
            CONFIG.format(
                root=self.root, port=self.port, tls_port=self.tls_port, user=user
            )
        )
        self.process = subprocess.Popen(
            [
                nginx_binary(),
                "-p",
                str(self.root),
                "-c",
                str(config),
                "-e",
                str(self.root / "error.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"nginx exited:\n{self.error_log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"nginx did not listen in 15 s:\n{self.error_log()}")

    def error_log(self) -> str:
        path = self.root / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGQUIT)  # graceful shutdown
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


@pytest.fixture
def root() -> Iterator[Path]:
    # A short path: a Unix socket's name must fit in 108 bytes.
    path = Path(tempfile.mkdtemp(prefix="aioweb-nginx-"))
    os.chmod(path, 0o700)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
async def nginx(root: Path, authority: trustme.CA) -> AsyncIterator[Nginx]:
    nginx_binary()
    certificate = authority.issue_cert("127.0.0.1")
    certificate.private_key_pem.write_to_path(str(root / "key.pem"))
    certificate.cert_chain_pems[0].write_to_path(str(root / "cert.pem"))
    runners = []
    for name, trusted in (("trusted", True), ("plain", False)):
        runner = web.AppRunner(make_app(trusted=trusted))
        await runner.setup()
        await web.UnixSite(runner, str(root / f"{name}.sock")).start()
        runners.append(runner)
    server = Nginx(root, unused_port(), unused_port())
    try:
        await asyncio.to_thread(server.start)
        yield server
    finally:
        await asyncio.to_thread(server.stop)
        for runner in runners:
            await runner.cleanup()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


async def fetch(
    session: aiohttp.ClientSession, url: str, **kwargs: Any
) -> dict[str, Any]:
    async with session.get(url, **kwargs) as response:
        assert response.status == 200, await response.text()
        assert response.headers["Server"].startswith("nginx")
        return dict(json.loads(await response.text()))


async def test_trusted_proxy_headers_become_remote_and_scheme(
    nginx: Nginx, session: aiohttp.ClientSession, authority: trustme.CA
) -> None:
    seen = await fetch(session, f"http://127.0.0.1:{nginx.port}/trusted/describe")
    assert seen["x_forwarded_for"] == "127.0.0.1"
    assert seen["x_forwarded_proto"] == "http"
    assert (seen["remote"], seen["scheme"]) == ("127.0.0.1", "http")
    assert seen["host"] == f"127.0.0.1:{nginx.port}"

    context = ssl.create_default_context()
    authority.configure_trust(context)
    seen = await fetch(
        session, f"https://127.0.0.1:{nginx.tls_port}/trusted/describe", ssl=context
    )
    assert seen["x_forwarded_proto"] == "https"
    assert (seen["remote"], seen["scheme"]) == ("127.0.0.1", "https")


async def test_a_client_cannot_forge_its_address_through_the_proxy(
    nginx: Nginx, session: aiohttp.ClientSession
) -> None:
    seen = await fetch(
        session,
        f"http://127.0.0.1:{nginx.port}/trusted/describe",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
    )
    # nginx appends the real peer; X-Forwarded-Proto is replaced.
    assert seen["x_forwarded_for"] == "203.0.113.9, 127.0.0.1"
    assert (seen["remote"], seen["scheme"]) == ("127.0.0.1", "http")


async def test_without_trust_the_headers_are_only_headers(
    nginx: Nginx, session: aiohttp.ClientSession, authority: trustme.CA
) -> None:
    context = ssl.create_default_context()
    authority.configure_trust(context)
    seen = await fetch(
        session, f"https://127.0.0.1:{nginx.tls_port}/plain/describe", ssl=context
    )
    assert seen["x_forwarded_for"] == "127.0.0.1"
    assert seen["x_forwarded_proto"] == "https"
    # The connection is nginx's, over a Unix socket: no address, plain HTTP.
    assert seen["remote"] == ""
    assert seen["scheme"] == "http"


async def test_websocket_through_nginx(
    nginx: Nginx, session: aiohttp.ClientSession
) -> None:
    async with session.ws_connect(
        f"http://127.0.0.1:{nginx.port}/trusted/ws",
        timeout=aiohttp.ClientWSTimeout(ws_close=5),
    ) as ws:
        for text in ("hello", "through nginx", "x" * 70000):
            await ws.send_str(text)
            message = await asyncio.wait_for(ws.receive(), 10)
            assert message.type is aiohttp.WSMsgType.TEXT
            assert message.data == f"echo:{text}"
        await ws.close()
    assert ws.close_code == 1000
