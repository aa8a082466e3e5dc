"""The connector's host lookup: aioweb's HostResolver beside aiohttp's connector.

Every request a TCP connector makes starts by resolving its host. Measured
here, with the same in-memory resolver behind both (no DNS traffic): a host
already in the DNS cache, and an IP-literal host, which needs no lookup.
aiohttp's step is ``TCPConnector._resolve_host``, a private method, used
only as the anchor of this measurement.

    python bench/dns_cache/run.py [--rounds N]

Prints microseconds per lookup for each and the ratio aiohttp / aioweb
(above 1 means aioweb is faster).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from aioweb.client.dns_cache import HostResolver
from aioweb.client.resolver import AbstractResolver, ResolveResult

CALLS = 2000


class TableResolver(AbstractResolver, aiohttp.abc.AbstractResolver):
    """Answers from memory, for both libraries."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(
                hostname=host,
                host=f"10.0.0.{i}",
                port=port,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for i in (1, 2, 3)
        ]

    async def close(self) -> None:
        pass


async def per_call(function: Callable[[], Awaitable[Any]], rounds: int) -> float:
    """The best of ``rounds`` timings, in microseconds per call."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(CALLS):
            await function()
        best = min(best, time.perf_counter() - started)
    return best / CALLS * 1e6


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    ours = HostResolver(TableResolver(), ttl_dns_cache=3600)
    theirs = aiohttp.TCPConnector(resolver=TableResolver(), ttl_dns_cache=3600)
    try:
        # Same answers first (as sets: both rotate the addresses).
        for host in ("api.example", "10.1.2.3"):
            a = await ours.resolve_host(host, 443)
            b = await theirs._resolve_host(host, 443)
            assert {r["host"] for r in a} == {r["host"] for r in b}, host
        cases = {
            "cached host": "api.example",
            "IP literal": "10.1.2.3",
        }
        for title, host in cases.items():
            timings = {
                "aioweb": await per_call(
                    lambda h=host: ours.resolve_host(h, 443), rounds
                ),
                "aiohttp": await per_call(
                    lambda h=host: theirs._resolve_host(h, 443), rounds
                ),
            }
            print(title)
            for name, micros in timings.items():
                print(f"  {name:8} {micros:8.2f} us")
            ratio = timings["aiohttp"] / timings["aioweb"]
            print(f"  ratio aiohttp/aioweb: {ratio:.2f}")
    finally:
        await ours.close()
        await theirs.close()


if __name__ == "__main__":
    asyncio.run(main())
