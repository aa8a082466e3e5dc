"""Server-side WebSocket cost: aioweb.web beside aiohttp.web, one run.

    python bench/websocket_glue/server.py echo [--rounds N] [--seconds S]
    python bench/websocket_glue/server.py idle [--count N]

``echo``: the application of ``bench/server/servers.py`` serves ``/ws`` (an
echo handler written the same way for both frameworks) in a process pinned
to core 0; ``bench/server/wsload.c`` (compiled by ``bench/server/run.py``'s
``wsload_binary``) on core 1 keeps 32 WebSockets busy with 128-byte binary
echoes, one in flight on each, and the server at 100% of its core. Rounds
interleave the servers (aioweb, aiohttp and the floors, on asyncio then
uvloop), and what counts is the echoes per second of the server process's
own CPU time (``/proc/PID/stat``), which a shared machine disturbs far less
than the wall clock. The median round is shown beside the best. ``bare``
and ``task`` (``bare_server.py``) are floors with no framework: ``bare``
echoes straight from ``data_received`` on the compiled sans-I/O core, so
what it costs is the event loop and the system calls; ``task`` hands each
message to a task per connection through one future, the least a server
whose handlers read messages in a coroutine can do. ``--before PYTHON``
adds ``before``: aioweb as installed for another interpreter (a venv of an
earlier commit), interleaved in the same rounds.

``idle``: COUNT idle WebSockets held against each server by four client
processes (``load.py idle``); the growth of the server's VmRSS divided by
COUNT is the cost of one.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVER_BENCH = HERE.parent / "server"
sys.path.insert(0, str(SERVER_BENCH))

import run as server_run  # noqa: E402  (bench/server/run.py: processes, /proc)

IMPLS = ("aioweb", "aiohttp")
ECHO_IMPLS = (*IMPLS, *server_run.FLOORS)
LOOPS = ("asyncio", "uvloop")


@contextlib.contextmanager
def start(impl: str, loop: str, before: str | None = None) -> Iterator[tuple[int, int]]:
    """A server on core 0; yields (port, pid)."""
    if impl == "before":
        assert before is not None
        own, server_run.PYTHON = server_run.PYTHON, before
        try:
            with server_run.server("aioweb", loop) as started:
                yield started
        finally:
            server_run.PYTHON = own
        return
    with server_run.server(impl, loop) as started:
        yield started


def echo(options: argparse.Namespace) -> None:
    rates: dict[tuple[str, str], list[float]] = {}
    per_cpu: dict[tuple[str, str], list[float]] = {}
    for round_ in range(options.rounds):
        for loop in options.loops:
            impls = ECHO_IMPLS + (("before",) if options.before else ())
            for impl in impls:
                with start(impl, loop, options.before) as (port, pid):
                    rate, cpu_rate = server_run.measure_echo(
                        port, pid, options.seconds, options.connections
                    )
                rates.setdefault((impl, loop), []).append(rate)
                per_cpu.setdefault((impl, loop), []).append(cpu_rate)
                print(
                    f"round {round_ + 1} {loop:7} {impl:7} {rate:9,.0f} echoes/s "
                    f"{cpu_rate:9,.0f} echoes per CPU second",
                    flush=True,
                )
    print(f"\nload average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    before = bool(options.before)
    print(
        "| loop | measure | aioweb | aiohttp | bare | task "
        "| aioweb/aiohttp | task/aiohttp |"
        + (" before | before/aiohttp |" if before else "")
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if before else ""))
    for loop in options.loops:
        for label, table in (("echoes/s", rates), ("echoes/CPU s", per_cpu)):
            for pick, name in ((max, "best"), (statistics.median, "median")):
                ours = pick(table[("aioweb", loop)])
                theirs = pick(table[("aiohttp", loop)])
                bare = pick(table[("bare", loop)])
                task = pick(table[("task", loop)])
                row = (
                    f"| {loop} | {label} ({name}) | {ours:,.0f} | {theirs:,.0f} "
                    f"| {bare:,.0f} | {task:,.0f} | {ours / theirs:.2f}x "
                    f"| {task / theirs:.2f}x |"
                )
                if before:
                    earlier = pick(table[("before", loop)])
                    row += f" {earlier:,.0f} | {earlier / theirs:.2f}x |"
                print(row)


def idle(options: argparse.Namespace) -> None:
    costs = {}
    for impl in IMPLS:
        costs[impl] = server_run.idle_cost(impl, "ws", options.count, 4)
        print(f"{impl}: {costs[impl]:,.0f} B per idle WebSocket", flush=True)
    print(f"aioweb/aiohttp: {costs['aioweb'] / costs['aiohttp']:.2f}x")
    if options.before:
        own, server_run.PYTHON = server_run.PYTHON, options.before
        try:
            earlier = server_run.idle_cost("aioweb", "ws", options.count, 4)
        finally:
            server_run.PYTHON = own
        print(f"before: {earlier:,.0f} B per idle WebSocket")
        print(f"before/aiohttp: {earlier / costs['aiohttp']:.2f}x")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    one = sub.add_parser("echo")
    one.add_argument("--rounds", type=int, default=3)
    one.add_argument("--seconds", type=float, default=4.0)
    one.add_argument("--connections", type=int, default=32)
    one.add_argument("--loops", nargs="+", choices=LOOPS, default=list(LOOPS))
    one.add_argument("--before", help="a Python whose aioweb is the baseline")
    two = sub.add_parser("idle")
    two.add_argument("--count", type=int, default=10_000)
    two.add_argument("--before", help="a Python whose aioweb is the baseline")
    options = parser.parse_args()
    server_run.raise_fd_limit()
    if options.mode == "echo":
        echo(options)
    else:
        idle(options)


if __name__ == "__main__":
    main()
