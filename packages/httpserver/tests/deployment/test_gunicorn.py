"""The gunicorn workers, deployed: gunicorn runs on 127.0.0.1, stopped by PID."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import trustme

pytest.importorskip("gunicorn", reason="gunicorn is in the test group")

from aioweb import web
from aioweb.testkit import unused_port
from aioweb.web.worker import GunicornWebWorker

APP_MODULE = """
import asyncio
import os

from aioweb import web


async def pid(request: web.Request) -> web.Response:
    await asyncio.sleep(float(request.query.get("sleep", "0.05")))
    return web.Response(text=str(os.getpid()))


def make_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/pid", pid)
    return app


app = make_app()


async def factory() -> web.Application:
    return make_app()
"""


def get(port: int, path: str, timeout: float = 10.0) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    if not data:
        # A worker that is stopping (max_requests) may close a connection it
        # had just accepted; gunicorn's other worker takes the next one.
        raise ConnectionResetError("closed without an answer")
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


class Gunicorn:
    def __init__(self, tmp_path: Path, app: str, *options: str) -> None:
        (tmp_path / "deployed_app.py").write_text(APP_MODULE)
        self.port = unused_port()
        self.pidfile = tmp_path / "gunicorn.pid"
        self.log = (tmp_path / "gunicorn.log").open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--chdir",
                str(tmp_path),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--pid",
                str(self.pidfile),
                "--graceful-timeout",
                "10",
                *options,
                app,
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                if get(self.port, "/pid?sleep=0", timeout=2)[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"gunicorn did not answer in 30 s:\n{self.output()}")

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def stop(self) -> int:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(30)
        finally:
            self.log.close()


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[Callable[..., Gunicorn]]:
    started: list[Gunicorn] = []

    def start(app: str, *options: str, ready_path: str | None = "/pid") -> Gunicorn:
        server = Gunicorn(tmp_path, app, *options)
        started.append(server)
        if ready_path is not None:
            server.wait_ready()
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            os.kill(server.process.pid, signal.SIGKILL)
            server.process.wait(10)
        if not server.log.closed:
            server.log.close()


async def pids_from(port: int, rounds: int) -> set[bytes]:
    pids: set[bytes] = set()
    for _ in range(rounds):
        replies = await asyncio.gather(
            *(asyncio.to_thread(get, port, "/pid?sleep=0.1") for _ in range(8))
        )
        pids.update(body for status, body in replies if status == 200)
        if len(pids) >= 2:
            break
    return pids


async def test_two_workers_serve(gunicorn: Callable[..., Gunicorn]) -> None:
    server = gunicorn(
        "deployed_app:app",
        "--workers",
        "2",
        "--worker-class",
        "aioweb.web.GunicornWebWorker",
    )
    pids = await pids_from(server.port, 30)
    assert len(pids) == 2, server.output()
    master = server.process.pid
    assert all(int(pid) != master for pid in pids)
    assert server.stop() == 0
    output = server.output()
    assert "Exception" not in output and "Traceback" not in output, output
    assert output.count("Booting worker") == 2


async def test_sigterm_lets_a_request_in_progress_finish(
    gunicorn: Callable[..., Gunicorn],
) -> None:
    server = gunicorn(
        "deployed_app:factory",
        "--workers",
        "1",
        "--worker-class",
        "aioweb.web.GunicornWebWorker",
    )
    slow = asyncio.create_task(asyncio.to_thread(get, server.port, "/pid?sleep=1.5"))
    await asyncio.sleep(0.5)
    os.kill(server.process.pid, signal.SIGTERM)
    status, body = await slow
    assert status == 200 and body.isdigit()
    assert server.stop() == 0


@pytest.mark.skipif(
    importlib.util.find_spec("uvloop") is None, reason="uvloop is in the test group"
)
async def test_uvloop_worker(gunicorn: Callable[..., Gunicorn]) -> None:
    server = gunicorn(
        "deployed_app:app",
        "--workers",
        "1",
        "--worker-class",
        "aioweb.web.GunicornUVLoopWebWorker",
        "--max-requests",
        "3",
    )
    status, body = await asyncio.to_thread(get, server.port, "/pid")
    assert status == 200
    first = body
    # After max_requests the worker stops and the arbiter starts a new one.
    pids = {first}
    deadline = time.monotonic() + 20
    while len(pids) < 2 and time.monotonic() < deadline:
        try:
            status, body = await asyncio.to_thread(get, server.port, "/pid?sleep=0")
        except OSError:
            await asyncio.sleep(0.1)
            continue
        if status == 200:
            pids.add(body)
    assert len(pids) == 2, server.output()
    assert server.stop() == 0


async def test_heartbeat_keeps_an_idle_worker_alive(
    gunicorn: Callable[..., Gunicorn],
) -> None:
    # The arbiter kills a worker that has not notified it for --timeout
    # seconds; an idle worker must still notify.
    server = gunicorn(
        "deployed_app:app",
        "--worker-class",
        "aioweb.web.GunicornWebWorker",
        "--timeout",
        "2",
    )
    first = (await asyncio.to_thread(get, server.port, "/pid?sleep=0"))[1]
    await asyncio.sleep(5)
    second = (await asyncio.to_thread(get, server.port, "/pid?sleep=0"))[1]
    assert first == second, server.output()
    assert "WORKER TIMEOUT" not in server.output()
    assert server.stop() == 0


async def test_tls_from_gunicorn_options(
    gunicorn: Callable[..., Gunicorn], tmp_path: Path
) -> None:
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    certificate.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    certificate.cert_chain_pems[0].write_to_path(str(tmp_path / "cert.pem"))
    server = gunicorn(
        "deployed_app:app",
        "--worker-class",
        "aioweb.web.GunicornWebWorker",
        "--certfile",
        str(tmp_path / "cert.pem"),
        "--keyfile",
        str(tmp_path / "key.pem"),
        ready_path=None,
    )
    context = ssl.create_default_context()
    authority.configure_trust(context)

    def fetch_over_tls() -> bytes:
        deadline = time.monotonic() + 30
        while True:
            try:
                with (
                    socket.create_connection(("127.0.0.1", server.port), 5) as raw,
                    context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
                ):
                    tls.sendall(
                        b"GET /pid HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                    )
                    data = b""
                    while chunk := tls.recv(65536):
                        data += chunk
                    return data
            except (OSError, ssl.SSLError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    data = await asyncio.to_thread(fetch_over_tls)
    assert data.startswith(b"HTTP/1.1 200 "), data
    assert server.stop() == 0


def test_workers_are_reachable_from_aioweb_web() -> None:
    assert web.GunicornWebWorker is GunicornWebWorker
    assert issubclass(web.GunicornUVLoopWebWorker, GunicornWebWorker)
    with pytest.raises(AttributeError):
        web.NoSuchWorker  # noqa: B018


def test_access_log_format_translation() -> None:
    worker = GunicornWebWorker.__new__(GunicornWebWorker)
    default = GunicornWebWorker.DEFAULT_GUNICORN_LOG_FORMAT
    assert worker._get_valid_log_format(default) == web.AccessLogger.LOG_FORMAT
    assert worker._get_valid_log_format('%a "%r" %s') == '%a "%r" %s'
    with pytest.raises(ValueError, match="Gunicorn's style options"):
        worker._get_valid_log_format("%(h)s %(r)s")
