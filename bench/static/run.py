"""Static-file throughput: aioweb.web against aiohttp.web, as ratios in one run.

Each server (``add_static`` over the same directory) runs in its own process
pinned to core 0; ``wrk`` (one thread, 32 keep-alive connections) runs on
core 1. Cases: a 1 KiB file, a 256 KiB file (sendfile), a 1 KiB range of
the large file, and a conditional request answered with 304 (both servers
make the same entity-tag, so one ``If-None-Match`` serves both).

    python bench/static/run.py [--seconds 3] [--rounds 2]

Needs ``wrk`` (Debian: ``apt-get install wrk``), ``taskset``, aiohttp, and
aioweb installed (or on ``PYTHONPATH``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

SERVER_CORE, CLIENT_CORE = "0", "1"
IMPLS = ("aioweb", "aiohttp")


def serve(impl: str, port: int, directory: str) -> None:
    """The server process: static files of ``directory`` under /static."""
    if impl == "aioweb":
        from aioweb import web
    else:
        from aiohttp import web  # type: ignore[no-redef]
    app = web.Application()
    app.router.add_static("/static", directory)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on {port} did not start")


def wrk(port: int, path: str, seconds: float, headers: list[str]) -> float:
    command = ["taskset", "-c", CLIENT_CORE, shutil.which("wrk") or "wrk"]
    command += ["-t1", "-c32", f"-d{max(1, round(seconds))}s"]
    for header in headers:
        command += ["-H", header]
    command.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk saw errors on {path}:\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if match is None:
        raise RuntimeError(f"no rate in wrk's output:\n{out}")
    return float(match[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--serve", nargs=3, metavar=("IMPL", "PORT", "DIR"))
    options = parser.parse_args()
    if options.serve:
        impl, port, directory = options.serve
        serve(impl, int(port), directory)
        return
    directory = Path(tempfile.mkdtemp(prefix="aioweb-bench-static-"))
    (directory / "small.txt").write_bytes(os.urandom(512).hex().encode())
    (directory / "large.bin").write_bytes(os.urandom(256 * 1024))
    stat = (directory / "small.txt").stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    cases = {
        "1 KiB file": ("/static/small.txt", []),
        "256 KiB file": ("/static/large.bin", []),
        "1 KiB range": ("/static/large.bin", ["Range: bytes=1024-2047"]),
        "304 If-None-Match": ("/static/small.txt", [f"If-None-Match: {etag}"]),
    }
    rates: dict[tuple[str, str], list[float]] = defaultdict(list)
    try:
        for _ in range(options.rounds):
            for impl in IMPLS:
                port = free_port()
                process = subprocess.Popen(
                    [
                        "taskset",
                        "-c",
                        SERVER_CORE,
                        sys.executable,
                        __file__,
                        "--serve",
                        impl,
                        str(port),
                        str(directory),
                    ]
                )
                try:
                    wait_port(port)
                    wrk(port, "/static/small.txt", 1.0, [])  # warm up
                    for case, (path, headers) in cases.items():
                        rates[case, impl].append(
                            wrk(port, path, options.seconds, headers)
                        )
                finally:
                    process.terminate()
                    process.wait(10)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print("| case | aioweb req/s | aiohttp req/s | aioweb / aiohttp |")
    print("|---|---|---|---|")
    for case in cases:
        ours = max(rates[case, "aioweb"])
        theirs = max(rates[case, "aiohttp"])
        print(f"| {case} | {ours:,.0f} | {theirs:,.0f} | {ours / theirs:.2f} |")


if __name__ == "__main__":
    main()
