"""Route definitions: web.get(...) and friends, and RouteTableDef."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aioweb import web


async def handler(request: Any) -> str:
    return "ok"


class ItemView(web.View):
    async def get(self) -> str:
        return "item"


def test_functions_build_route_defs() -> None:
    definition = web.get("/a", handler, name="a")
    assert definition == web.RouteDef(
        "GET", "/a", handler, {"name": "a", "allow_head": True}
    )
    assert web.post("/a", handler).method == "POST"
    assert web.put("/a", handler).method == "PUT"
    assert web.patch("/a", handler).method == "PATCH"
    assert web.delete("/a", handler).method == "DELETE"
    assert web.head("/a", handler).method == "HEAD"
    assert web.options("/a", handler).method == "OPTIONS"
    assert web.view("/a", ItemView).method == "*"
    assert web.route("BREW", "/a", handler).method == "BREW"
    assert repr(definition) == (
        "<RouteDef GET /a -> 'handler', name='a', allow_head=True>"
    )


def test_add_routes_registers_each_kind(tmp_path: Path) -> None:
    app = web.Application()
    routes = app.add_routes(
        [
            web.get("/g", handler, name="g"),
            web.get("/nohead", handler, allow_head=False),
            web.post("/p", handler),
            web.route("PROPFIND", "/dav", handler),
            web.route("TRACE", "/trace", handler),
            web.view("/v", ItemView),
            web.static("/files", tmp_path, name="files"),
        ]
    )
    methods = [route.method for route in routes]
    assert methods == ["GET", "GET", "POST", "PROPFIND", "TRACE", "*", "GET", "HEAD"]
    assert {r.method for r in app.router["g"]} == {"GET", "HEAD"}
    assert isinstance(app.router["files"], web.StaticResource)
    assert len(app.router.routes()) == 9


def test_route_table_def_decorators(tmp_path: Path) -> None:
    routes = web.RouteTableDef()

    @routes.get("/", name="index")
    async def index(request: Any) -> str:
        return "index"

    @routes.post("/post")
    @routes.put("/put")
    @routes.patch("/patch")
    @routes.delete("/delete")
    @routes.head("/head")
    @routes.options("/options")
    async def many(request: Any) -> str:
        return "many"

    @routes.route("BREW", "/coffee")
    async def brew(request: Any) -> str:
        return "brew"

    @routes.view("/items")
    class Items(web.View):
        async def get(self) -> str:
            return "items"

    routes.static("/s", tmp_path)

    assert index.__name__ == "index"  # the decorator returns the handler
    assert issubclass(Items, web.View)
    assert len(routes) == 10
    assert isinstance(routes[0], web.RouteDef)
    assert isinstance(routes[-1], web.StaticDef)
    assert routes[0] in routes
    assert [d.method for d in routes[:2]] == ["GET", "OPTIONS"]  # type: ignore[attr-defined]
    assert repr(routes) == "<RouteTableDef count=10>"

    app = web.Application()
    registered = app.add_routes(routes)
    assert {r.method for r in registered} >= {
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "BREW", "*",
    }  # fmt: skip
    assert str(app.router["index"].url_for()) == "/"


def test_static_def_repr(tmp_path: Path) -> None:
    definition = web.static("/s", tmp_path, show_index=True)
    assert repr(definition) == f"<StaticDef /s -> {tmp_path}, show_index=True>"


def test_route_defs_are_frozen() -> None:
    definition = web.get("/a", handler)
    with pytest.raises(AttributeError):
        definition.path = "/b"  # type: ignore[misc]
