"""Route resolution: aioweb's router beside aiohttp's, as a ratio in one run.

Both routers get the same table of 200 routes (plain, dynamic, regex, tail,
under a few shared prefixes) and resolve the same mix of request paths,
matched and unmatched. Requests are built once, outside the timing; aiohttp
caches the decoded path on its URL object, so reusing a request favours it.

    python bench/routing/run.py [--rounds N]

Prints microseconds per resolve for each and aiohttp / aioweb (above 1 means
aioweb is faster).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any

from aiohttp import web as aiohttp_web
from aiohttp.test_utils import make_mocked_request
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aioweb import web as aioweb_web


async def handler(request: Any) -> None:
    return None


def table() -> list[tuple[str, str]]:
    routes = []
    for i in range(50):
        routes.append(("GET", f"/static/page{i}"))
        routes.append(("POST", f"/api/v{i % 3}/items{i}"))
        routes.append(("GET", f"/users{i}/{{user}}/posts/{{post:\\d+}}"))
        routes.append(("PUT", f"/files{i}/{{path:.+}}"))
    return routes


def requests_paths() -> list[tuple[str, str]]:
    paths = []
    for i in range(0, 50, 7):
        paths.append(("GET", f"/static/page{i}"))
        paths.append(("POST", f"/api/v{i % 3}/items{i}"))
        paths.append(("GET", f"/users{i}/u{i}/posts/{i}"))
        paths.append(("PUT", f"/files{i}/a/b/c"))
        paths.append(("GET", f"/missing{i}/x"))
        paths.append(("DELETE", f"/static/page{i}"))  # 405
    return paths


class Request:
    """The fields aioweb's router reads."""

    def __init__(self, method: str, path: str) -> None:
        self.method = method
        self.rel_url = URL.build(path=path, encoded=True)
        self.headers = CIMultiDictProxy(CIMultiDict())


def build_aiohttp() -> tuple[Callable[[Any], Coroutine[Any, Any, Any]], list[Any]]:
    app = aiohttp_web.Application()
    for method, path in table():
        app.router.add_route(method, path, handler)
    app.freeze()
    requests = [make_mocked_request(m, p, app=app) for m, p in requests_paths()]
    return app.router.resolve, requests


def build_aioweb() -> tuple[Callable[[Any], Coroutine[Any, Any, Any]], list[Any]]:
    app = aioweb_web.Application()
    for method, path in table():
        app.router.add_route(method, path, handler)
    app.freeze()
    requests = [Request(m, p) for m, p in requests_paths()]
    return app.router.resolve, requests


async def measure(
    resolve: Callable[[Any], Coroutine[Any, Any, Any]], requests: list[Any], rounds: int
) -> float:
    best = float("inf")
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(rounds):
            for request in requests:
                await resolve(request)
        elapsed = time.perf_counter() - start
        best = min(best, elapsed / (rounds * len(requests)))
    return best * 1e6


async def main(rounds: int) -> None:
    aiohttp_us = await measure(*build_aiohttp(), rounds)
    aioweb_us = await measure(*build_aioweb(), rounds)
    print(f"routes: {len(table())}, request paths: {len(requests_paths())}")
    print(f"aiohttp  {aiohttp_us:8.3f} us/resolve")
    print(f"aioweb   {aioweb_us:8.3f} us/resolve")
    print(f"ratio aiohttp/aioweb: {aiohttp_us / aioweb_us:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    asyncio.run(main(parser.parse_args().rounds))
