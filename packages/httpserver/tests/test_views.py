"""Class-based views: dispatch by method, 405 with Allow otherwise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aioweb import web
from aioweb.web.routing.errors import RouteMethodNotAllowed


class UserView(web.View):
    async def get(self) -> str:
        return f"get {self.request.match_info['id']}"

    async def post(self) -> str:
        return "post"

    async def render(self) -> str:  # not a method name: never dispatched to
        return "render"


@pytest.fixture
def app() -> web.Application:
    app = web.Application()
    app.router.add_view("/users/{id}", UserView)
    app.freeze()
    return app


async def test_view_dispatches_by_method(
    app: web.Application, make_request: Callable[..., Any]
) -> None:
    assert await app.handle(make_request("GET", "/users/7")) == "get 7"
    assert await app.handle(make_request("POST", "/users/7")) == "post"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "RENDER", "BREW"])
async def test_other_methods_get_405_with_allow(
    app: web.Application, make_request: Callable[..., Any], method: str
) -> None:
    with pytest.raises(RouteMethodNotAllowed) as caught:
        await app.handle(make_request(method, "/users/7"))
    assert caught.value.allowed_methods == {"GET", "POST"}
    assert caught.value.headers["Allow"] == "GET,POST"
    assert caught.value.method == method


async def test_view_is_awaitable_directly(make_request: Callable[..., Any]) -> None:
    request = make_request("POST", "/")
    view = UserView(request)
    assert view.request is request
    assert await view == "post"


def test_view_route_is_registered_for_any_method() -> None:
    app = web.Application()
    route = app.router.add_view("/v", UserView)
    assert route.method == "*"
    assert route.handler is UserView  # type: ignore[comparison-overlap]
