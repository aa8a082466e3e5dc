"""Client throughput and memory: aioweb.client against aiohttp and httpx.

Run by ``nox -s bench -- client`` (or ``python bench/client/run.py
--quick``). nginx (Debian) serves a ~100 B JSON file and a 1 MiB file on
127.0.0.1, pinned to core 1 with ``taskset``; the clients run in this
process, pinned to core 0. Each case makes a fixed number of GETs through
one session, reading every body, either one after the other or with 64 in
flight over a keep-alive pool: aioweb.client, aiohttp's ClientSession and
httpx's AsyncClient (its keep-alive pool raised to 100 so it does not
churn connections). Rounds interleave the contenders: every round runs
each case with each library in turn, in reverse order every other round.
For each library the best wall-clock round counts, and the least client CPU
time per request (``time.process_time`` of this process, which runs only the
client): on a shared machine the CPU time is the fairer comparison, since a
starved nginx or a busy core slows the wall clock of whoever runs then.
Ratios within this one run are what to read.

Counts: 20 000 small GETs per case, 2 000 of the 1 MiB file (2 GiB a case
and library: enough for a steady MB/s, where 20 000 would take minutes per
contender and add nothing), httpx a quarter of each (``--httpx-share``; it
is an order of magnitude slower, and its rate per request is what counts).
The load average before and after is printed and written with the tables.

The memory case starts one nginx listening on ``--memory-connections``
ports and, in a fresh process per library (``memory.py``), opens one pooled
keep-alive connection to each: RSS growth per connection, beside aiohttp's.

``--profile`` prints aioweb's hottest functions on the small sequential case
(cProfile), and ``--markdown FILE`` writes the tables to ``FILE``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import pstats
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nginx_peer import LARGE_SIZE, SMALL, running_nginx

HERE = Path(__file__).resolve().parent
LIBRARIES = ["aioweb", "aiohttp", "httpx"]

Fetch = Callable[[str], Awaitable[int]]


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    size: int
    requests: int
    concurrency: int


def open_client(library: str) -> tuple[Any, Callable[[Any], Fetch]]:
    """A session of ``library`` and a way to make a fetch function from it."""
    if library == "aioweb":
        import aioweb.client

        def aioweb_fetch(session: Any) -> Fetch:
            async def fetch(url: str) -> int:
                async with session.get(url) as response:
                    return len(await response.read())

            return fetch

        return aioweb.client.ClientSession(), aioweb_fetch
    if library == "aiohttp":
        import aiohttp

        def aiohttp_fetch(session: Any) -> Fetch:
            async def fetch(url: str) -> int:
                async with session.get(url) as response:
                    return len(await response.read())

            return fetch

        return aiohttp.ClientSession(), aiohttp_fetch
    if library == "httpx":
        import httpx

        def httpx_fetch(client: Any) -> Fetch:
            async def fetch(url: str) -> int:
                response = await client.get(url)
                return len(response.content)

            return fetch

        limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
        return httpx.AsyncClient(limits=limits), httpx_fetch
    raise SystemExit(f"unknown library {library!r}")


async def run_case(
    library: str, url: str, case: Case, requests: int | None = None
) -> tuple[float, float, int]:
    """Wall and CPU seconds for ``case.requests`` GETs of ``url``, bytes read.

    The CPU seconds are this process's (``time.process_time``): the client's
    own work, whatever else the machine is doing.
    """
    session, make_fetch = open_client(library)
    async with session:
        fetch = make_fetch(session)
        for _ in range(min(case.concurrency, 8)):
            await fetch(url)  # connect and warm up outside the clock
        remaining = case.requests if requests is None else requests
        received = 0

        async def worker() -> None:
            nonlocal remaining, received
            while remaining > 0:
                remaining -= 1
                size = await fetch(url)
                if size != case.size:
                    raise RuntimeError(f"{library}: {size} bytes, not {case.size}")
                received += size

        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(case.concurrency)))
        return (
            time.perf_counter() - start,
            time.process_time() - start_cpu,
            received,
        )


def run_loop(coroutine: Any, use_uvloop: bool) -> Any:
    if use_uvloop:
        import uvloop

        return uvloop.run(coroutine)
    return asyncio.run(coroutine)


@dataclass
class Best:
    """The best round of one library on one case."""

    rate: float = 0.0  # requests per second of wall time (highest)
    megabytes: float = 0.0  # MB/s of wall time, of the same round
    cpu_us: float = float("inf")  # client CPU microseconds per request (lowest)


def throughput(
    args: argparse.Namespace, base: str, cases: list[Case]
) -> dict[tuple[str, str], Best]:
    """Best wall rate and least CPU per request per (case, library).

    Rounds interleave the contenders: each round runs every case with each
    library in turn, in reverse order every other round, so that a change in
    the machine's load falls on all of them alike.
    """
    best: dict[tuple[str, str], Best] = {}
    for round_number in range(args.rounds):
        for case in cases:
            order = LIBRARIES if round_number % 2 == 0 else LIBRARIES[::-1]
            for library in order:
                count = case.requests
                if library == "httpx":
                    count = max(min(count, 500), int(count * args.httpx_share))
                seconds, cpu, received = run_loop(
                    run_case(library, base + case.path, case, count), args.uvloop
                )
                rate, megabytes = count / seconds, received / seconds / 1e6
                cpu_us = cpu / count * 1e6
                entry = best.setdefault((case.name, library), Best())
                if rate > entry.rate:
                    entry.rate, entry.megabytes = rate, megabytes
                entry.cpu_us = min(entry.cpu_us, cpu_us)
                print(
                    f"  round {round_number + 1} {case.name:18s} {library:7s}"
                    f" {rate:8.0f} req/s {megabytes:8.1f} MB/s"
                    f" {cpu_us:8.1f} CPU us/req",
                    flush=True,
                )
    return best


def memory(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """RSS per pooled connection, one fresh process per library."""
    results: dict[str, dict[str, Any]] = {}
    with running_nginx(ports=args.memory_connections + 1) as nginx:
        ports = [str(port) for port in nginx.ports]
        for library in ("aioweb", "aiohttp"):
            for _ in range(args.memory_rounds):
                output = subprocess.run(
                    [sys.executable, str(HERE / "memory.py"), library, *ports],
                    check=True,
                    capture_output=True,
                    text=True,
                    timeout=300,
                ).stdout
                result = json.loads(output)
                print(f"  {library:7s} {json.dumps(result)}", flush=True)
                previous = results.get(library)
                # The least growth seen: the others carry allocator noise.
                if previous is None or result["rss_delta"] < previous["rss_delta"]:
                    results[library] = result
    return results


def profile(base: str, requests: int, use_uvloop: bool) -> None:
    case = Case("profile", "/small.json", len(SMALL), requests, 1)
    profiler = cProfile.Profile()
    profiler.enable()
    run_loop(run_case("aioweb", base + case.path, case), use_uvloop)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(30)


def tables(
    best: dict[tuple[str, str], Best],
    cases: list[Case],
    mem: dict[str, dict[str, Any]],
) -> str:
    lines = [
        "Wall clock, best round (requests/s; MB/s for the 1 MiB cases):",
        "",
        "| case | aioweb | aiohttp | httpx | aioweb/aiohttp | aioweb/httpx "
        "| aioweb MB/s | aiohttp MB/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case in cases:
        ours, theirs, other = (best[(case.name, lib)] for lib in LIBRARIES)
        lines.append(
            f"| {case.name} | {ours.rate:.0f} | {theirs.rate:.0f} | {other.rate:.0f}"
            f" | {ours.rate / theirs.rate:.2f}x | {ours.rate / other.rate:.2f}x"
            f" | {ours.megabytes:.1f} | {theirs.megabytes:.1f} |"
        )
    lines += [
        "",
        "Client CPU time per request, least of the rounds (microseconds;"
        " ratio = their CPU / ours, higher is better for aioweb):",
        "",
        "| case | aioweb µs | aiohttp µs | httpx µs | vs aiohttp | vs httpx |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for case in cases:
        ours, theirs, other = (best[(case.name, lib)] for lib in LIBRARIES)
        lines.append(
            f"| {case.name} | {ours.cpu_us:.1f} | {theirs.cpu_us:.1f}"
            f" | {other.cpu_us:.1f} | {theirs.cpu_us / ours.cpu_us:.2f}x"
            f" | {other.cpu_us / ours.cpu_us:.2f}x |"
        )
    if mem:
        ours_mem, theirs_mem = mem["aioweb"], mem["aiohttp"]
        per = {lib: mem[lib]["rss_delta"] / mem[lib]["connections"] for lib in mem}
        lines += [
            "",
            "| pooled keep-alive connections | aioweb bytes/conn | aiohttp bytes/conn "
            "| aioweb/aiohttp | sockets held (aioweb, aiohttp) |",
            "|---|---:|---:|---:|---|",
            f"| {ours_mem['connections']} | {per['aioweb']:.0f} | {per['aiohttp']:.0f}"
            f" | {per['aioweb'] / per['aiohttp']:.2f}x"
            f" | {ours_mem['pooled_sockets']}, {theirs_mem['pooled_sockets']} |",
        ]
    return "\n".join(lines)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f}, {five:.1f}, {fifteen:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts, one round")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument(
        "--large-requests", type=int, default=2_000, help="GETs of the 1 MiB file"
    )
    # Five: on this kind of shared virtual machine a round can run in a slow
    # state of the host (the same code a third slower, at random), and the
    # best of five rounds reaches the steady state for every library.
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--httpx-share",
        type=float,
        default=0.25,
        help="the part of each case's count httpx runs",
    )
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--memory-connections", type=int, default=1000)
    parser.add_argument("--memory-rounds", type=int, default=3)
    parser.add_argument("--uvloop", action="store_true", help="uvloop's event loop")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--markdown", type=Path, help="write the tables here")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.large_requests, args.rounds = 2_000, 200, 1
        args.memory_connections, args.memory_rounds = 200, 1
    # The client on core 0, nginx on core 1 (see nginx_peer.running_nginx).
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {0})
    cases = [
        Case("small sequential", "/small.json", len(SMALL), args.requests, 1),
        Case(
            f"small c={args.concurrency}",
            "/small.json",
            len(SMALL),
            args.requests,
            args.concurrency,
        ),
        Case("1 MiB sequential", "/large.bin", LARGE_SIZE, args.large_requests, 1),
        Case(
            f"1 MiB c={args.concurrency}",
            "/large.bin",
            LARGE_SIZE,
            args.large_requests,
            args.concurrency,
        ),
    ]
    load_before = _load()
    print(f"load average before: {load_before}", flush=True)
    with running_nginx() as nginx:
        if args.profile:
            profile(nginx.url, args.requests, args.uvloop)
        print("throughput (best of rounds):", flush=True)
        best = throughput(args, nginx.url, cases)
    mem = {} if args.skip_memory else memory(args)
    loop = "uvloop" if args.uvloop else "asyncio"
    text = (
        f"Loop: {loop}; small body {len(SMALL)} B; {args.requests} small and"
        f" {args.large_requests} large GETs per case (httpx: a share of"
        f" {args.httpx_share}), {args.rounds} rounds; load average (1, 5, 15 min)"
        f" {load_before} before, {_load()} after.\n\n" + tables(best, cases, mem)
    )
    print(f"\n{text}")
    if args.markdown is not None:
        args.markdown.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
