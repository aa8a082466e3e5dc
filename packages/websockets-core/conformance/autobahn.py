"""Autobahn|Testsuite against aioweb.websocket, as a server and as a client.

usage: autobahn.py [--exclude '12.*,13.*'] [--cases LIST] [--side both|server|client]
                   [--out DIR]

Runs the shared ``autobahn.sh`` (``wstest``, Python 2.7) twice: in
``fuzzingclient`` mode against ``echo.py server`` on a free loopback port, and
in ``fuzzingserver`` mode with ``echo.py client`` as the driver. All groups run
by default (about ten minutes); ``--exclude '12.*,13.*'`` skips
permessage-deflate (about forty seconds). Reports go to a fresh temporary
directory unless ``--out`` names one; the shared conformance folder is only
read. It is found at ``$AIOWEB_CONFORMANCE_DIR`` or ``../shared/conformance``
beside the repository.

Exit status: 0 when no case FAILED on either side; 1 when one did; 3 when a
report is missing or empty (the testee was unreachable: never a pass); 4 when
no Python 2.7 / wstest is available.
"""

from __future__ import annotations

import argparse
import os
import shlex
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]


def conformance_dir() -> Path:
    configured = os.environ.get("AIOWEB_CONFORMANCE_DIR")
    path = Path(configured) if configured else ROOT.parent / "shared" / "conformance"
    if not (path / "autobahn.sh").is_file():
        raise SystemExit(f"no autobahn.sh in {path} (set AIOWEB_CONFORMANCE_DIR)")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def autobahn(args: list[str]) -> int:
    script = conformance_dir() / "autobahn.sh"
    print("+", shlex.join([str(script), *args]), flush=True)
    return subprocess.run([str(script), "--install", *args], check=False).returncode


def selection(options: argparse.Namespace) -> list[str]:
    args = []
    if options.cases:
        args += ["--cases", options.cases]
    if options.exclude:
        args += ["--exclude", options.exclude]
    return args


def test_server(options: argparse.Namespace, out: Path) -> int:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(HERE / "echo.py"), "server", "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()  # "listening on ...": the port is bound
        if not line.startswith("listening"):
            print("the echo server did not start", file=sys.stderr)
            return 3
        return autobahn(
            [
                "--agent",
                "aioweb-server",
                "--out",
                str(out / "servers"),
                *selection(options),
                f"ws://127.0.0.1:{port}",
            ]
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout is not None:
            server.stdout.close()


def test_client(options: argparse.Namespace, out: Path) -> int:
    driver = shlex.join([sys.executable, str(HERE / "echo.py"), "client"])
    return autobahn(
        [
            "--agent",
            "aioweb-client",
            "--out",
            str(out / "clients"),
            "--client-cmd",
            driver + ' "$AUTOBAHN_URL" "$AUTOBAHN_AGENT"',
            *selection(options),
            f"ws://127.0.0.1:{free_port()}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exclude", default="", help="case patterns to skip")
    parser.add_argument("--cases", default="", help="case patterns to run")
    parser.add_argument("--side", choices=["both", "server", "client"], default="both")
    parser.add_argument("--out", type=Path, help="report directory (default: temp)")
    options = parser.parse_args(argv)
    out = options.out or Path(tempfile.mkdtemp(prefix="aioweb-autobahn-"))
    out.mkdir(parents=True, exist_ok=True)
    statuses = []
    if options.side in ("both", "server"):
        statuses.append(test_server(options, out))
    if options.side in ("both", "client"):
        statuses.append(test_client(options, out))
    print(f"reports in {out}", flush=True)
    # The most telling status wins: no wstest, then no report, then a failure.
    for status in (4, 3, 2, 1):
        if status in statuses:
            return status
    return max(statuses)


if __name__ == "__main__":
    sys.exit(main())
