"""Session and request options: raise_for_status, serialisers, versions, warnings."""

from __future__ import annotations

import gc
import json
from collections.abc import Awaitable, Callable

import pytest
from yarl import URL

from aioweb import web
from aioweb.client import ClientResponse, ClientResponseError, ClientSession
from aioweb.protocol import HttpVersion10

Start = Callable[[web.Application], Awaitable[URL]]


@pytest.fixture
async def base(app_server: Start) -> URL:
    app = web.Application()

    async def status(request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["code"]), text="body")

    async def echo(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "version": f"{request.version.major}.{request.version.minor}",
                "body": (await request.read()).decode(),
                "type": request.content_type,
            }
        )

    app.router.add_get("/status/{code}", status)
    app.router.add_route("*", "/echo", echo)
    return await app_server(app)


async def test_raise_for_status_session_and_request(base: URL) -> None:
    async with ClientSession(raise_for_status=True) as session:
        with pytest.raises(ClientResponseError) as info:
            await session.get(base / "status" / "404")
        assert info.value.status == 404
        assert info.value.message == "Not Found"
        async with session.get(base / "status" / "500", raise_for_status=False) as r:
            assert r.status == 500
        assert session.connector is not None
        assert session.connector._acquired == set()
    async with (
        ClientSession() as session,
        session.get(base / "status" / "404") as resp,
    ):
        with pytest.raises(ClientResponseError):
            resp.raise_for_status()


async def test_raise_for_status_coroutine(base: URL) -> None:
    seen: list[int] = []

    async def check(resp: ClientResponse) -> None:
        seen.append(resp.status)
        if resp.status == 418:
            raise RuntimeError("teapot")

    async with ClientSession(raise_for_status=check) as session:
        async with session.get(base / "status" / "200") as resp:
            assert await resp.text() == "body"
        with pytest.raises(RuntimeError, match="teapot"):
            await session.get(base / "status" / "418")
    assert seen == [200, 418]


async def test_json_serialize(base: URL) -> None:
    def dumps(value: object) -> str:
        return json.dumps(value, separators=(",", ":"), sort_keys=True)

    async with (
        ClientSession(json_serialize=dumps) as session,
        session.post(base / "echo", json={"b": 1, "a": 2}) as resp,
    ):
        data = await resp.json()
    assert data["body"] == '{"a":2,"b":1}'
    assert data["type"] == "application/json"
    with pytest.raises(ValueError, match="data and json"):
        async with ClientSession() as session:
            await session.post(base / "echo", json={}, data=b"x")


async def test_http_1_0(base: URL) -> None:
    async with (
        ClientSession(version=HttpVersion10) as session,
        session.get(base / "echo") as resp,
    ):
        assert (await resp.json())["version"] == "1.0"


async def test_unclosed_session_warns() -> None:
    session = ClientSession()
    with pytest.warns(ResourceWarning, match="Unclosed client session"):
        session.__del__()
    await session.close()
    gc.collect()


async def test_invalid_urls(base: URL) -> None:
    from aioweb.client import InvalidUrlClientError, NonHttpUrlClientError

    async with ClientSession() as session:
        with pytest.raises(NonHttpUrlClientError):
            await session.get("ftp://example.com/")
        with pytest.raises(InvalidUrlClientError):
            await session.get("/relative/without/base")


async def test_links_and_content_disposition(app_server: Start) -> None:
    app = web.Application()

    async def page(request: web.Request) -> web.Response:
        return web.Response(
            text="x",
            headers={
                "Link": '</page/2>; rel="next", <https://other.example/a>; rel="alt"',
                "Content-Disposition": 'attachment; filename="report.csv"',
            },
        )

    app.router.add_get("/page/1", page)
    base = await app_server(app)
    async with ClientSession() as session, session.get(base / "page" / "1") as resp:
        links = resp.links
        assert links["next"]["url"] == base / "page" / "2"
        assert links["alt"]["url"] == URL("https://other.example/a")
        disposition = resp.content_disposition
        assert disposition is not None
        assert disposition.type == "attachment"
        assert disposition.filename == "report.csv"
