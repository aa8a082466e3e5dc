"""Server throughput and memory: aioweb.web against aiohttp.web and uvicorn.

Run by ``nox -s bench -- server`` (or ``python bench/server/run.py
--quick``). Every server runs in its own process pinned to core 0
(``taskset -c 0``) on 127.0.0.1 and a free port (``servers.py``); the load
generator runs pinned to core 1: ``wrk`` for HTTP, ``wsload.c`` (compiled
with the system's C compiler at the start of the run) for WebSockets,
which wrk cannot speak. Each round starts every server in turn
(alternating), warms it up, measures each case for a fixed time, and stops
it by its PID; the best round of each server counts, and ratios are taken
within this one run.

Servers: aioweb.web and aiohttp.web (the same application) and uvicorn
with httptools serving a raw ASGI application, each on the asyncio loop
and on uvloop.

Cases: plain-text hello, JSON, a 1 KiB POST echo (a wrk Lua script), the
last of a 200-route table (aioweb and aiohttp only: raw ASGI has no
router), and WebSocket echo (messages per second).

Memory: 10 000 idle keep-alive connections, then 10 000 idle WebSockets,
held against one server process by several client processes; the growth
of the server's VmRSS divided by the count is the cost of one connection.

``--profile`` prints cProfile's top functions of aioweb's hello path in
process (``inprocess.py``), the CPU time per request without sockets.

Tables go to stdout and to ``RESULTS.md`` beside this file.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import functools
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
SERVER_CORE, CLIENT_CORE = "0", "1"
IMPLS = ("aioweb", "aiohttp", "uvicorn")
#: WebSocket echo servers without a framework (websocket_glue/bare_server.py):
#: ``bare`` echoes from data_received; ``task`` through one future and one
#: task wake-up per message, the least a coroutine handler can cost.
FLOORS = ("bare", "task")
LOOPS = ("asyncio", "uvloop")
POST_LUA = """wrk.method = "POST"
wrk.body = string.rep("x", 1024)
wrk.headers["Content-Type"] = "application/octet-stream"
"""
#: case name -> (path, uses the POST script, servers that have it)
HTTP_CASES = {
    "hello": ("/", False, IMPLS),
    "json": ("/json", False, IMPLS),
    "post 1 KiB echo": ("/echo", True, IMPLS),
    "route 200 of 200": ("/api/v1/resource199/42", False, ("aioweb", "aiohttp")),
}
WS_CASE = "websocket echo"
#: inprocess.py's names of the HTTP cases.
INPROCESS_CASES = ("hello", "json", "post", "route")
TARGETS = {"hello": 1.5, "json": 1.5, "post 1 KiB echo": 1.5}
TARGETS["route 200 of 200"] = 1.5
TARGETS[WS_CASE] = 1.3


@dataclass
class Results:
    """Best rate per (case, impl, loop), and bytes per idle connection."""

    rates: dict[tuple[str, str, str], float] = field(default_factory=dict)
    #: requests (echoes) per second of the server process's CPU time: on a
    #: shared machine the server does not get its core to itself, and this
    #: is what its own work costs.
    per_cpu: dict[tuple[str, str, str], float] = field(default_factory=dict)
    memory: dict[tuple[str, str], float] = field(default_factory=dict)

    def record(
        self, case: str, impl: str, loop: str, rate: float, per_cpu: float
    ) -> None:
        key = (case, impl, loop)
        self.rates[key] = max(self.rates.get(key, 0.0), rate)
        self.per_cpu[key] = max(self.per_cpu.get(key, 0.0), per_cpu)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit(
            "wrk is not installed; on Debian/Ubuntu: apt-get install -y wrk"
        )
    return wrk


def raise_fd_limit() -> None:
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def pinned(core: str, *args: str) -> list[str]:
    """A Python command pinned to one core; taskset execs it (same PID)."""
    return ["taskset", "-c", core, PYTHON, *args]


@contextlib.contextmanager
def server(impl: str, loop: str) -> Iterator[tuple[int, int]]:
    """A server process pinned to its core; yields (port, pid).

    ``impl`` is one of IMPLS, or one of FLOORS (WebSocket echo only).
    """
    port = free_port()
    if impl in FLOORS:
        script = str(HERE.parent / "websocket_glue" / "bare_server.py")
        command = pinned(SERVER_CORE, script, loop, str(port), impl)
    else:
        command = pinned(SERVER_CORE, str(HERE / "servers.py"), impl, loop, str(port))
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line.strip() != b"ready":
            raise RuntimeError(f"{impl} on {loop} did not start: {line!r}")
        yield port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def wrk(
    wrk_path: str, port: int, path: str, seconds: float, lua: str | None
) -> tuple[float, int]:
    """Requests per second and requests done."""
    command = [
        "taskset",
        "-c",
        CLIENT_CORE,
        wrk_path,
        "-t1",
        "-c64",
        "--timeout",
        "10s",
    ]
    command += [f"-d{round(seconds)}s"]
    if lua is not None:
        command += ["-s", lua]
    command.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw error responses on {path}:\n{out}")
    if "Socket errors" in out:
        # A stalled shared machine, not a wrong answer: say so, keep going.
        print(f"warning: socket errors on {path}:\n{out}", flush=True)
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    count = re.search(r"(\d+) requests in", out)
    if match is None or count is None:
        raise RuntimeError(f"no rate in wrk's output:\n{out}")
    return float(match.group(1)), int(count.group(1))


@functools.cache
def wsload_binary() -> str:
    """``wsload.c`` compiled once per run (into a temporary folder, removed
    when the run ends)."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise SystemExit(
            "no C compiler for the WebSocket load generator; "
            "on Debian/Ubuntu: apt-get install -y gcc"
        )
    folder = tempfile.mkdtemp(prefix="aioweb-wsload-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    binary = os.path.join(folder, "wsload")
    subprocess.run([compiler, "-O2", "-o", binary, str(HERE / "wsload.c")], check=True)
    return binary


def ws_load(port: int, seconds: float, connections: int) -> tuple[float, int]:
    """Echoes per second and echoes done (``wsload.c``, on the client core)."""
    command = ["taskset", "-c", CLIENT_CORE, wsload_binary(), str(port)]
    command += [str(connections), str(seconds), "128"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate, count = out.split()
    return float(rate), int(count)


def throughput(options: argparse.Namespace, results: Results) -> None:
    wrk_path = require_wrk()
    seconds = options.seconds
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(POST_LUA)
    try:
        for round_ in range(options.rounds):
            for loop in options.loops:
                for impl in IMPLS:
                    with server(impl, loop) as (port, pid):
                        wrk(wrk_path, port, "/", 1.0, None)  # warm up
                        for case, (path, post, impls) in HTTP_CASES.items():
                            if impl not in impls:
                                continue
                            lua = script.name if post else None
                            cpu = cpu_seconds(pid)
                            rate, count = wrk(wrk_path, port, path, seconds, lua)
                            cpu = cpu_seconds(pid) - cpu
                            results.record(case, impl, loop, rate, count / cpu)
                        echo(options, results, impl, loop, port, pid)
                    print(f"round {round_ + 1}: {impl} on {loop} done", flush=True)
                for floor in FLOORS:
                    with server(floor, loop) as (port, pid):
                        echo(options, results, floor, loop, port, pid)
                    print(
                        f"round {round_ + 1}: {floor} floor on {loop} done", flush=True
                    )
    finally:
        os.unlink(script.name)


def measure_echo(
    port: int, pid: int, seconds: float, connections: int
) -> tuple[float, float]:
    """The WebSocket echo case against a running server, after a warm-up:
    echoes per second and echoes per second of the server's CPU time."""
    ws_load(port, 0.5, connections)  # warm up
    cpu = cpu_seconds(pid)
    rate, count = ws_load(port, seconds, connections)
    return rate, count / (cpu_seconds(pid) - cpu)


def echo(
    options: argparse.Namespace,
    results: Results,
    impl: str,
    loop: str,
    port: int,
    pid: int,
) -> None:
    """Record the WebSocket echo case of a running server."""
    rate, per_cpu = measure_echo(port, pid, options.seconds, options.ws_connections)
    results.record(WS_CASE, impl, loop, rate, per_cpu)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def vm_rss(pid: int) -> int:
    """The resident set of a process, in bytes (VmRSS in /proc/PID/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def idle_cost(impl: str, kind: str, count: int, clients: int) -> float:
    """Bytes of server RSS per idle connection of ``kind`` (http or ws)."""
    with server(impl, "asyncio") as (port, pid):
        # A few connections first, so lazily built state is not counted.
        warm = subprocess.run(
            [PYTHON, str(HERE / "load.py"), "idle", str(port), "50", kind],
            input="",
            capture_output=True,
            text=True,
            check=True,
        )
        assert warm.stdout.strip() == "held", warm
        time.sleep(0.5)
        before = vm_rss(pid)
        share = count // clients
        holders = [
            subprocess.Popen(
                pinned(
                    CLIENT_CORE,
                    str(HERE / "load.py"),
                    "idle",
                    str(port),
                    str(share),
                    kind,
                ),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(clients)
        ]
        try:
            for holder in holders:
                assert holder.stdout is not None
                line = holder.stdout.readline().strip()
                if line != "held":
                    raise RuntimeError(f"{impl}: {kind} connections not held")
            time.sleep(1.0)
            after = vm_rss(pid)
        finally:
            for holder in holders:
                assert holder.stdin is not None
                holder.stdin.close()
            for holder in holders:
                holder.wait(60)
                if holder.stdout is not None:
                    holder.stdout.close()
        return (after - before) / (share * clients)


def memory(options: argparse.Namespace, results: Results) -> None:
    for kind in ("http", "ws"):
        for impl in ("aioweb", "aiohttp"):
            cost = idle_cost(impl, kind, options.idle, options.idle_clients)
            results.memory[(kind, impl)] = cost
            print(f"memory: {impl} {kind} {cost:.0f} bytes/connection", flush=True)


def ratio(
    table: dict[tuple[str, str, str], float],
    case: str,
    loop: str,
    anchor: str,
    impl: str = "aioweb",
) -> str:
    """``impl``'s rate over ``anchor``'s, as ``1.23x``."""
    ours = table.get((case, impl, loop))
    theirs = table.get((case, anchor, loop))
    if not ours or not theirs:
        return "n/a"
    return f"{ours / theirs:.2f}x"


def tables(options: argparse.Namespace, results: Results) -> str:
    lines = []
    if results.rates:
        lines += [
            f"Throughput, best of {options.rounds} rounds of {options.seconds} s "
            f"(requests/s; WebSocket: echoes/s over {options.ws_connections} "
            "connections). Server on core 0, load generator on core 1.",
            "",
        ]
        measures = (
            ("per second", results.rates),
            ("per second of the server's CPU time", results.per_cpu),
        )
        for loop in options.loops:
            for title, table in measures:
                lines += [
                    f"### {loop}: requests {title}",
                    "",
                    "| case | aioweb | aiohttp | uvicorn | aioweb/aiohttp "
                    "| aioweb/uvicorn | target vs aiohttp |",
                    "|---|---:|---:|---:|---:|---:|---:|",
                ]
                for case in [*HTTP_CASES, WS_CASE]:
                    cells = []
                    for impl in IMPLS:
                        rate = table.get((case, impl, loop))
                        cells.append("n/a" if rate is None else f"{rate:,.0f}")
                    lines.append(
                        f"| {case} | {' | '.join(cells)} "
                        f"| {ratio(table, case, loop, 'aiohttp')} "
                        f"| {ratio(table, case, loop, 'uvicorn')} "
                        f"| ≥ {TARGETS[case]}x |"
                    )
                lines.append("")
        lines += [
            "### WebSocket echo beside the floors (per second of the server's "
            "CPU time)",
            "",
            "No framework: `bare` echoes from `data_received`; `task` wakes a "
            "task through one future per message, the least a server whose "
            "handler reads messages in a coroutine can do.",
            "",
            "| loop | aioweb | aiohttp | bare | task | aioweb/aiohttp | task/aiohttp |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for loop in options.loops:
            cells = []
            for impl in ("aioweb", "aiohttp", *FLOORS):
                rate = results.per_cpu.get((WS_CASE, impl, loop))
                cells.append("n/a" if rate is None else f"{rate:,.0f}")
            floor_ratio = ratio(results.per_cpu, WS_CASE, loop, "aiohttp", "task")
            lines.append(
                f"| {loop} | {' | '.join(cells)} "
                f"| {ratio(results.per_cpu, WS_CASE, loop, 'aiohttp')} "
                f"| {floor_ratio} |"
            )
        lines.append("")
    if results.memory:
        lines += [
            f"Memory: server RSS growth per idle connection, {options.idle} "
            f"connections held by {options.idle_clients} client processes "
            "(asyncio loop).",
            "",
            "| connections | aioweb | aiohttp | aioweb/aiohttp | target |",
            "|---|---:|---:|---:|---:|",
        ]
        for kind, label in (("http", "idle keep-alive"), ("ws", "idle WebSocket")):
            ours = results.memory[(kind, "aioweb")]
            theirs = results.memory[(kind, "aiohttp")]
            lines.append(
                f"| {label} | {ours:,.0f} B | {theirs:,.0f} B "
                f"| {ours / theirs:.2f}x | ≤ 0.8x |"
            )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 round of 2 s")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--ws-connections", type=int, default=32)
    parser.add_argument("--idle", type=int, default=10_000)
    parser.add_argument("--idle-clients", type=int, default=4)
    parser.add_argument("--loops", nargs="+", choices=LOOPS, default=list(LOOPS))
    parser.add_argument("--skip", nargs="*", default=[], choices=["speed", "memory"])
    parser.add_argument("--profile", action="store_true", help="cProfile hello")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    options = parser.parse_args()
    if options.quick:
        options.rounds, options.seconds, options.idle = 1, 2, 2000
    raise_fd_limit()
    load_before = os.getloadavg()
    if options.profile:
        subprocess.run([PYTHON, str(HERE / "inprocess.py"), "--profile"], check=True)
        return
    results = Results()
    if "speed" not in options.skip:
        throughput(options, results)
    if "memory" not in options.skip:
        memory(options, results)
    text = tables(options, results)
    print(text)
    runs = [("hello", "10")] + [(case, "1") for case in INPROCESS_CASES]
    cpu = "".join(
        subprocess.run(
            [PYTHON, str(HERE / "inprocess.py"), "--case", case, "--batch", batch],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for case, batch in runs
    )
    print(cpu)
    load = ", ".join(
        f"{before:.1f} → {after:.1f}"
        for before, after in zip(load_before, os.getloadavg(), strict=True)
    )
    machine = (
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}; "
        f"load average (1, 5, 15 min) before → after: {load}"
    )
    options.output.write_text(
        "# Server benchmark results\n\n"
        f"Command: `{' '.join(['python bench/server/run.py', *sys.argv[1:]])}` "
        f"({machine}); the machine is "
        "shared, so read the ratios, not the absolute numbers.\n\n"
        + text
        + "\nIn process, without sockets (CPU time per request):\n\n```\n"
        + cpu
        + "```\n"
    )


if __name__ == "__main__":
    main()
