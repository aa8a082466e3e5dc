"""Client middlewares: order, per-request replacement, retry recipe, Digest."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable

import pytest
from yarl import URL

from aioweb import web
from aioweb.client import (
    ClientHandlerType,
    ClientRequest,
    ClientResponse,
    ClientSession,
    DigestAuthMiddleware,
)

Start = Callable[[web.Application], Awaitable[URL]]


def _app(state: dict[str, int]) -> web.Application:
    app = web.Application()

    async def echo(request: web.Request) -> web.Response:
        return web.json_response({"headers": dict(request.headers)})

    async def flaky(request: web.Request) -> web.Response:
        state["flaky"] = state.get("flaky", 0) + 1
        if state["flaky"] < 3:
            return web.Response(status=503)
        return web.Response(text="finally")

    async def digest(request: web.Request) -> web.Response:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Digest "):
            return web.Response(
                status=401,
                headers={
                    "WWW-Authenticate": 'Digest realm="r", nonce="n0", qop="auth", '
                    "algorithm=SHA-256"
                },
            )
        fields = dict(
            part.strip().split("=", 1) for part in header[len("Digest ") :].split(",")
        )
        fields = {k: v.strip('"') for k, v in fields.items()}

        def h(text: str) -> str:
            return hashlib.sha256(text.encode()).hexdigest()

        ha1 = h("user:r:secret")
        ha2 = h(f"{request.method}:{fields['uri']}")
        expected = h(
            f"{ha1}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}"
        )
        if fields["response"] != expected:
            return web.Response(status=403)
        return web.Response(text="welcome")

    app.router.add_get("/echo", echo)
    app.router.add_get("/flaky", flaky)
    app.router.add_get("/digest", digest)
    return app


@pytest.fixture
async def base(app_server: Start) -> URL:
    return await app_server(_app({}))


def _tagging(name: str, order: list[str]) -> Callable[..., Awaitable[ClientResponse]]:
    async def middleware(
        request: ClientRequest, handler: ClientHandlerType
    ) -> ClientResponse:
        order.append(f"{name} in")
        request.headers[f"X-{name}"] = "1"
        response = await handler(request)
        order.append(f"{name} out")
        return response

    return middleware


async def test_session_middlewares_run_in_order(base: URL) -> None:
    order: list[str] = []
    middlewares = (_tagging("A", order), _tagging("B", order))
    async with (
        ClientSession(middlewares=middlewares) as session,
        session.get(base / "echo") as resp,
    ):
        headers = (await resp.json())["headers"]
    assert order == ["A in", "B in", "B out", "A out"]
    assert headers["X-A"] == headers["X-B"] == "1"


async def test_request_middlewares_replace_the_session_ones(base: URL) -> None:
    order: list[str] = []
    async with ClientSession(middlewares=(_tagging("A", order),)) as session:
        async with session.get(
            base / "echo", middlewares=(_tagging("C", order),)
        ) as resp:
            headers = (await resp.json())["headers"]
        assert "X-A" not in headers and headers["X-C"] == "1"
        async with session.get(base / "echo", middlewares=()) as resp:
            headers = (await resp.json())["headers"]
        assert "X-A" not in headers
    assert order == ["C in", "C out"]


def retry_middleware(
    attempts: int = 3, statuses: frozenset[int] = frozenset({502, 503, 504})
) -> Callable[[ClientRequest, ClientHandlerType], Awaitable[ClientResponse]]:
    """The documented retry-with-backoff recipe (docs/client/middlewares.md)."""

    async def middleware(
        request: ClientRequest, handler: ClientHandlerType
    ) -> ClientResponse:
        delay = 0.01
        for attempt in range(attempts):
            response = await handler(request)
            if response.status not in statuses or attempt == attempts - 1:
                return response
            response.release()
            await asyncio.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")

    return middleware


async def test_retry_with_backoff_recipe(app_server: Start) -> None:
    state: dict[str, int] = {}
    base = await app_server(_app(state))
    async with (
        ClientSession(middlewares=(retry_middleware(),)) as session,
        session.get(base / "flaky") as resp,
    ):
        assert resp.status == 200
        assert await resp.text() == "finally"
    assert state["flaky"] == 3
    # Giving up after the last attempt returns the last answer.
    state.clear()
    async with (
        ClientSession(middlewares=(retry_middleware(attempts=2),)) as session,
        session.get(base / "flaky") as resp,
    ):
        assert resp.status == 503
    assert state["flaky"] == 2


async def test_digest_auth_middleware(base: URL) -> None:
    digest = DigestAuthMiddleware("user", "secret")
    async with ClientSession(middlewares=(digest,)) as session:
        async with session.get(base / "digest") as resp:
            assert resp.status == 200
            assert await resp.text() == "welcome"
        # Preemptive afterwards: one request, no 401 first.
        async with session.get(base / "digest") as resp:
            assert resp.status == 200
    wrong = DigestAuthMiddleware("user", "wrong")
    async with (
        ClientSession(middlewares=(wrong,)) as session,
        session.get(base / "digest") as resp,
    ):
        assert resp.status == 403
