"""Memory per pooled keep-alive connection, for one client library.

usage: memory.py LIBRARY PORT [PORT ...]

Runs in a fresh process per library. One session makes a warm-up request
to the first port, then one GET to each other port at once, reading every
body, with a pool large enough to keep them all; the connections stay
pooled. Prints one JSON line: the RSS growth (``VmRSS`` from
``/proc/self/status``), the number of connections, and how many TCP
sockets the process holds at the end (the proof that the pool kept them).
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
from typing import Any


def rss_bytes() -> int:
    """This process's resident set size, from ``/proc/self/status``."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def open_sockets() -> int:
    """How many sockets this process holds."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                count += 1
        except OSError:
            pass
    return count


def session_for(library: str, connections: int) -> Any:
    if library == "aioweb":
        import aioweb.client

        return aioweb.client.ClientSession(
            connector=aioweb.client.TCPConnector(limit=connections + 8)
        )
    if library == "aiohttp":
        import aiohttp

        return aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=connections + 8)
        )
    raise SystemExit(f"unknown library {library!r}")


async def measure(library: str, ports: list[int]) -> dict[str, Any]:
    warm, targets = ports[0], ports[1:]
    async with session_for(library, len(ports)) as session:
        for _ in range(20):
            async with session.get(f"http://127.0.0.1:{warm}/small.json") as response:
                await response.read()
        gc.collect()
        before_rss, before_sockets = rss_bytes(), open_sockets()

        async def fetch(port: int) -> None:
            async with session.get(f"http://127.0.0.1:{port}/small.json") as response:
                await response.read()
                assert response.status == 200

        await asyncio.gather(*(fetch(port) for port in targets))
        gc.collect()
        after_rss, after_sockets = rss_bytes(), open_sockets()
    return {
        "library": library,
        "connections": len(targets),
        "rss_delta": after_rss - before_rss,
        "pooled_sockets": after_sockets - before_sockets,
    }


def main() -> int:
    library, ports = sys.argv[1], [int(port) for port in sys.argv[2:]]
    print(json.dumps(asyncio.run(measure(library, ports))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
