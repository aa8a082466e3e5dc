"""The application examples of docs/testing/index.md, run by aioweb-testkit's tests."""

from __future__ import annotations

import pytest

from aioweb import web
from aioweb.testkit import TestClient, make_mocked_request

# --- the application
COUNTER = web.AppKey("counter", list[int])


async def hello(request: web.Request) -> web.Response:
    name = request.match_info.get("name", "world")
    return web.json_response({"hello": name})


async def count(request: web.Request) -> web.Response:
    counter = request.app[COUNTER]
    counter.append((await request.json())["add"])
    return web.json_response({"total": sum(counter)})


def make_app() -> web.Application:
    app = web.Application()
    app[COUNTER] = []
    app.router.add_get("/", hello)
    app.router.add_get("/hello/{name}", hello)
    app.router.add_post("/count", count)
    return app


# --- pytest client
@pytest.mark.asyncio
async def test_hello(aioweb_client) -> None:
    client: TestClient = await aioweb_client(make_app())

    async with client.get("/hello/docs") as resp:
        assert resp.status == 200
        assert await resp.json() == {"hello": "docs"}


@pytest.mark.asyncio
async def test_state_across_requests(aioweb_client) -> None:
    client: TestClient = await aioweb_client(make_app())

    for n in (1, 2, 3):
        resp = await client.post("/count", json={"add": n})
        assert resp.status == 200
    assert await resp.json() == {"total": 6}
    assert client.app is not None and client.app[COUNTER] == [1, 2, 3]


# --- mocked request
@pytest.mark.asyncio
async def test_handler_without_a_server() -> None:
    request = make_mocked_request("GET", "/hello/unit", match_info={"name": "unit"})

    response = await hello(request)

    assert response.status == 200
    assert response.text == '{"hello": "unit"}'


# --- end
