"""Route resolution: aioweb's router beside aiohttp's, as a ratio in one run.

Both routers get the same table of 200 routes (plain, dynamic, regex, tail,
under a few shared prefixes) and resolve the same mix of request paths,
matched and unmatched. Requests are built once, outside the timing; aiohttp
caches the decoded path on its URL object, so reusing a request favours it.

    python bench/routing/run.py [--rounds N]

A second measurement runs the application's whole entry point (resolve, then
two middlewares of the root application and one of a mounted
sub-application around the handler): aiohttp's ``Application._handle`` and
aioweb's ``Application.handle``.

Prints microseconds per call for each and aiohttp / aioweb (above 1 means
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
    """The fields aioweb's application reads."""

    def __init__(self, method: str, path: str) -> None:
        self.method = method
        self.rel_url = URL.build(path=path, encoded=True)
        self.headers = CIMultiDictProxy(CIMultiDict())
        self.match_info: Any = None


def stack(web: Any) -> Any:
    """Root app with two middlewares; a sub-app with one; 200 routes."""

    @web.middleware
    async def passthrough(request: Any, handler: Any) -> Any:
        return await handler(request)

    root = web.Application(middlewares=[passthrough, passthrough])
    sub = web.Application(middlewares=[passthrough])
    for method, path in table():
        root.router.add_route(method, path, handler)
    sub.router.add_get("/items/{id}", handler)
    root.add_subapp("/sub", sub)
    root.freeze()
    return root


HANDLE_PATHS = [("GET", "/sub/items/7"), ("GET", "/static/page3")]


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


async def compare(
    first: tuple[Callable[[Any], Coroutine[Any, Any, Any]], list[Any]],
    second: tuple[Callable[[Any], Coroutine[Any, Any, Any]], list[Any]],
    rounds: int,
    repeats: int = 15,
) -> tuple[float, float]:
    """Best microseconds per call of each, timed in alternation.

    Alternating the two keeps a burst of load on a shared machine from
    landing on only one side of the ratio.
    """
    best = [float("inf"), float("inf")]
    for _ in range(repeats):
        for side, (call, requests) in enumerate((first, second)):
            start = time.perf_counter()
            for _ in range(rounds):
                for request in requests:
                    await call(request)
            elapsed = time.perf_counter() - start
            best[side] = min(best[side], elapsed / (rounds * len(requests)))
    return best[0] * 1e6, best[1] * 1e6


async def main(rounds: int) -> None:
    aiohttp_us, aioweb_us = await compare(build_aiohttp(), build_aioweb(), rounds)
    print(f"routes: {len(table())}, request paths: {len(requests_paths())}")
    print(f"resolve  aiohttp {aiohttp_us:8.3f} us   aioweb {aioweb_us:8.3f} us")
    print(f"resolve  ratio aiohttp/aioweb: {aiohttp_us / aioweb_us:.2f}")

    aiohttp_app = stack(aiohttp_web)
    aiohttp_requests = [
        make_mocked_request(m, p, app=aiohttp_app) for m, p in HANDLE_PATHS
    ]
    aioweb_app = stack(aioweb_web)
    aioweb_requests = [Request(m, p) for m, p in HANDLE_PATHS]
    aiohttp_us, aioweb_us = await compare(
        (aiohttp_app._handle, aiohttp_requests),
        (aioweb_app.handle, aioweb_requests),
        rounds * 20,
    )
    print(f"handle   aiohttp {aiohttp_us:8.3f} us   aioweb {aioweb_us:8.3f} us")
    print(f"handle   ratio aiohttp/aioweb: {aiohttp_us / aioweb_us:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=100)
    asyncio.run(main(parser.parse_args().rounds))
