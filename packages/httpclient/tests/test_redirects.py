"""Following redirects: statuses, methods, history, limits, origins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from yarl import URL

from aioweb import web
from aioweb.client import (
    ClientSession,
    InvalidUrlRedirectClientError,
    NonHttpUrlRedirectClientError,
    TooManyRedirects,
)

Start = Callable[[web.Application], Awaitable[URL]]


def _app(other: URL | None = None) -> web.Application:
    app = web.Application()

    async def echo(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "method": request.method,
                "body": (await request.read()).decode(),
                "headers": dict(request.headers),
                "path": request.path_qs,
            }
        )

    async def redirect(request: web.Request) -> web.Response:
        status = int(request.match_info["status"])
        location = request.query.get("to", "/echo")
        return web.Response(status=status, headers={"Location": location})

    async def loop(request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": "/loop"})

    async def no_location(request: web.Request) -> web.Response:
        return web.Response(status=302, text="nowhere")

    app.router.add_route("*", "/echo", echo)
    app.router.add_route("*", "/r/{status}", redirect)
    app.router.add_get("/loop", loop)
    app.router.add_get("/nolocation", no_location)
    return app


@pytest.fixture
async def base(app_server: Start) -> URL:
    return await app_server(_app())


@pytest.mark.parametrize(
    ("status", "method", "expected_method", "body_kept"),
    [
        (301, "POST", "GET", False),
        (302, "POST", "GET", False),
        (303, "POST", "GET", False),
        (303, "PUT", "GET", False),
        (307, "POST", "POST", True),
        (308, "PUT", "PUT", True),
        (301, "PUT", "PUT", True),
    ],
)
async def test_method_and_body_rules(
    base: URL, status: int, method: str, expected_method: str, body_kept: bool
) -> None:
    async with (
        ClientSession() as session,
        session.request(method, base / "r" / str(status), data=b"payload") as resp,
    ):
        data = await resp.json()
        assert len(resp.history) == 1
        assert resp.history[0].status == status
        assert resp.url == base / "echo"
    assert data["method"] == expected_method
    assert data["body"] == ("payload" if body_kept else "")
    if not body_kept:
        assert "Content-Type" not in data["headers"]


async def test_relative_location_and_query(base: URL) -> None:
    async with (
        ClientSession() as session,
        session.get(base / "r" / "302", params={"to": "../echo?x=1"}) as resp,
    ):
        data = await resp.json()
    assert data["path"] == "/echo?x=1"


async def test_allow_redirects_false(base: URL) -> None:
    async with (
        ClientSession() as session,
        session.get(base / "r" / "302", allow_redirects=False) as resp,
    ):
        assert resp.status == 302
        assert resp.headers["Location"] == "/echo"
        assert resp.history == ()


async def test_too_many_redirects(base: URL) -> None:
    async with ClientSession() as session:
        with pytest.raises(TooManyRedirects) as info:
            await session.get(base / "loop", max_redirects=3)
    assert len(info.value.history) == 3
    assert info.value.request_info.url == base / "loop"


async def test_redirect_without_location_is_returned(base: URL) -> None:
    async with ClientSession() as session, session.get(base / "nolocation") as resp:
        assert resp.status == 302
        assert await resp.text() == "nowhere"


@pytest.mark.parametrize(
    ("target", "error"),
    [
        ("ftp://example.com/file", NonHttpUrlRedirectClientError),
        ("javascript:alert(1)", NonHttpUrlRedirectClientError),
        ("http://:80/", InvalidUrlRedirectClientError),
    ],
)
async def test_bad_targets_are_refused(
    base: URL, target: str, error: type[Exception]
) -> None:
    async with ClientSession() as session:
        with pytest.raises(error):
            await session.get(base / "r" / "302", params={"to": target})
        assert session.connector is not None
        assert session.connector._acquired == set()


async def test_credentials_dropped_across_origins(app_server: Start) -> None:
    target = await app_server(_app())
    source = await app_server(_app())
    other_origin = str(target / "echo")
    headers = {"Authorization": "Bearer secret", "Cookie": "c=1", "X-Keep": "yes"}
    async with ClientSession() as session:
        async with session.get(
            source / "r" / "302", params={"to": other_origin}, headers=headers
        ) as resp:
            data = await resp.json()
        assert "Authorization" not in data["headers"]
        assert "Cookie" not in data["headers"]
        assert data["headers"]["X-Keep"] == "yes"
        # Within one origin they are kept.
        async with session.get(source / "r" / "302", headers=headers) as resp:
            data = await resp.json()
        assert data["headers"]["Authorization"] == "Bearer secret"
        assert data["headers"]["Cookie"] == "c=1"


async def test_trace_redirect_signal(base: URL) -> None:
    from aioweb.client import TraceConfig

    seen: list[int] = []

    async def on_redirect(session: object, ctx: object, params: object) -> None:
        seen.append(params.response.status)  # type: ignore[attr-defined]

    config = TraceConfig()
    config.on_request_redirect.append(on_redirect)
    async with (
        ClientSession(trace_configs=[config]) as session,
        session.get(base / "r" / "307") as resp,
    ):
        assert resp.status == 200
    assert seen == [307]
