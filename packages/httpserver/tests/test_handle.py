"""Application.handle: the entry point the server layer calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aioweb import web
from aioweb.web.routing.errors import ExpectationNotMet, RouteNotFound


async def echo(request: Any) -> str:
    return "handled"


def app_with(**kwargs: Any) -> web.Application:
    app = web.Application()
    app.router.add_post("/upload", echo, **kwargs)
    app.freeze()
    return app


async def test_handle_requires_a_frozen_app(make_request: Callable[..., Any]) -> None:
    app = web.Application()
    app.router.add_get("/", echo)
    with pytest.raises(RuntimeError, match="freeze"):
        await app.handle(make_request("GET", "/"))
    app.freeze()
    assert await app.handle(make_request("GET", "/")) == "handled"


async def test_handle_sets_match_info(make_request: Callable[..., Any]) -> None:
    app = web.Application()
    route = app.router.add_get("/u/{id}", echo)
    app.freeze()
    request = make_request("GET", "/u/3")
    await app.handle(request)
    assert request.match_info.route is route
    assert request.match_info.apps == (app,)
    assert request.match_info.current_app is app
    with pytest.raises(RuntimeError, match=r"after \.freeze"):
        request.match_info.add_app(app)


async def test_expect_100_continue_is_answered(
    make_request: Callable[..., Any],
) -> None:
    request = make_request("POST", "/upload", headers={"Expect": "100-Continue"})
    assert await app_with().handle(request) == "handled"
    assert request.writer.written == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    assert request.writer.drains == 1


async def test_unknown_expectation_is_417(make_request: Callable[..., Any]) -> None:
    request = make_request("POST", "/upload", headers={"Expect": "something"})
    with pytest.raises(ExpectationNotMet) as caught:
        await app_with().handle(request)
    assert caught.value.status == 417
    assert request.writer.written == []


async def test_http10_gets_no_interim_response(
    make_request: Callable[..., Any],
) -> None:
    request = make_request(
        "POST", "/upload", headers={"Expect": "100-continue"}, version=(1, 0)
    )
    assert await app_with().handle(request) == "handled"
    assert request.writer.written == []


async def test_custom_expect_handler_may_answer_instead(
    make_request: Callable[..., Any],
) -> None:
    async def refuse(request: Any) -> str:
        return "too big"

    request = make_request("POST", "/upload", headers={"Expect": "100-continue"})
    assert await app_with(expect_handler=refuse).handle(request) == "too big"


async def test_on_response_prepare_is_a_signal() -> None:
    app = web.Application()
    seen: list[tuple[Any, Any]] = []

    async def prepare(request: Any, response: Any) -> None:
        seen.append((request, response))

    app.on_response_prepare.append(prepare)
    app.freeze()
    await app.on_response_prepare.send("request", "response")
    assert seen == [("request", "response")]
    with pytest.raises(RuntimeError):
        app.on_response_prepare.append(prepare)


async def test_routing_error_chains_are_built_per_request(
    make_request: Callable[..., Any],
) -> None:
    @web.middleware
    async def passthrough(request: Any, handler: Any) -> Any:
        return await handler(request)

    app = web.Application(middlewares=[passthrough])
    app.router.add_get("/", echo)
    app.freeze()
    for path in ("/a", "/b", "/c"):
        with pytest.raises(RouteNotFound):
            await app.handle(make_request("GET", path))
    assert len(app._chains) == 0
    await app.handle(make_request("GET", "/"))
    assert len(app._chains) == 1


async def test_no_100_continue_before_a_routing_error(
    make_request: Callable[..., Any],
) -> None:
    request = make_request("POST", "/missing", headers={"Expect": "100-continue"})
    with pytest.raises(RouteNotFound):
        await app_with().handle(request)
    assert request.writer.written == []
