"""nginx (from Debian) as the benchmark's server, with a generated configuration.

nginx runs in the foreground from a private temporary directory (config,
pid file, logs, temp paths, the files it serves), on 127.0.0.1 only, pinned
to one core with ``taskset`` so that the client under test has the other,
and is stopped by its PID.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

SMALL = b'{"ok":true,"items":[1,2,3],"name":"aioweb","padding":"' + b"x" * 45 + b'"}\n'
LARGE_SIZE = 1 << 20

CONFIG = """
daemon off;
worker_processes 1;
worker_rlimit_nofile {nofile};
{user}
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections {connections}; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    types {{ application/json json; application/octet-stream bin; }}
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    open_file_cache max=16;
    sendfile on;
    tcp_nopush on;
    server {{
{listen}
        root {root}/www;
    }}
}}
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_binary() -> str:
    """nginx's path, or SystemExit saying how to install it."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )
    if found is None:
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx)")
    return found


@dataclass
class Nginx:
    """A running nginx and the ports it listens on."""

    root: Path
    ports: list[int]
    pid: int

    @property
    def url(self) -> str:
        """The base URL of the first port."""
        return f"http://127.0.0.1:{self.ports[0]}"


def _wait_listening(
    process: subprocess.Popen[bytes], root: Path, ports: Sequence[int]
) -> None:
    deadline = time.monotonic() + 30
    pending = list(ports)
    while pending:
        if process.poll() is not None:
            log = (root / "error.log").read_text(errors="replace")
            raise SystemExit(f"nginx exited at start:\n{log}")
        try:
            socket.create_connection(("127.0.0.1", pending[-1]), timeout=1).close()
            pending.pop()
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("nginx did not listen within 30 s") from None
            time.sleep(0.05)


@contextlib.contextmanager
def running_nginx(*, ports: int = 1, core: int | None = 1) -> Iterator[Nginx]:
    """Serve ``/small.json`` (~100 B) and ``/large.bin`` (1 MiB) on ``ports`` ports.

    Args:
        ports: how many distinct ports to listen on (the memory benchmark
            opens one connection to each).
        core: the CPU nginx is pinned to (``None``: not pinned).
    """
    binary = nginx_binary()
    with tempfile.TemporaryDirectory(prefix="aioweb-bench-nginx-") as name:
        root = Path(name)
        (root / "www").mkdir()
        (root / "www" / "small.json").write_bytes(SMALL)
        (root / "www" / "large.bin").write_bytes(
            bytes(range(256)) * (LARGE_SIZE // 256)
        )
        chosen = sorted({free_port() for _ in range(ports)})
        while len(chosen) < ports:
            chosen = sorted({*chosen, free_port()})
        listen = "\n".join(
            f"        listen 127.0.0.1:{port} backlog=4096;" for port in chosen
        )
        # As root, nginx would run its worker as "nobody", which cannot
        # read this private directory.
        user = "user root root;" if os.geteuid() == 0 else ""
        connections = max(1024, 2 * ports + 256)
        (root / "nginx.conf").write_text(
            CONFIG.format(
                root=root,
                listen=listen,
                user=user,
                connections=connections,
                nofile=connections + 64,
            )
        )
        command = [binary, "-p", str(root), "-c", str(root / "nginx.conf")]
        if core is not None and shutil.which("taskset"):
            command = ["taskset", "-c", str(core), *command]
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            _wait_listening(process, root, chosen)
            yield Nginx(root=root, ports=chosen, pid=process.pid)
        finally:
            os.kill(process.pid, signal.SIGQUIT)  # graceful: master and worker
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
