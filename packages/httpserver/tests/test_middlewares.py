"""Middlewares: order across nested applications, current app, normalize_path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aioweb import web
from aioweb.web.routing.errors import PathRedirect, RouteNotFound

NAME = web.AppKey("NAME", str)


def tracing(label: str, events: list[str]) -> Any:
    @web.middleware
    async def middleware(request: Any, handler: Any) -> Any:
        events.append(f"{label} in ({request.app[NAME]})")
        try:
            return await handler(request)
        finally:
            events.append(f"{label} out")

    return middleware


async def test_nested_middleware_order_and_current_app(
    make_request: Callable[..., Any],
) -> None:
    events: list[str] = []
    root = web.Application(
        middlewares=[tracing("root1", events), tracing("root2", events)]
    )
    sub = web.Application(middlewares=[tracing("sub1", events)])
    leaf = web.Application(middlewares=[tracing("leaf1", events)])
    root[NAME], sub[NAME], leaf[NAME] = "root", "sub", "leaf"

    async def handler(request: Any) -> str:
        events.append(f"handler ({request.app[NAME]})")
        return "done"

    leaf.router.add_get("/x", handler)
    sub.add_subapp("/leaf", leaf)
    root.add_subapp("/sub", sub)
    root.freeze()
    request = make_request("GET", "/sub/leaf/x")
    assert await root.handle(request) == "done"
    assert events == [
        "root1 in (root)",
        "root2 in (root)",
        "sub1 in (sub)",
        "leaf1 in (leaf)",
        "handler (leaf)",
        "leaf1 out",
        "sub1 out",
        "root2 out",
        "root1 out",
    ]
    # The current app is restored after the chain.
    assert request.app is leaf

    events.clear()
    assert await root.handle(make_request("GET", "/sub/leaf/x")) == "done"
    assert len(events) == 9  # the cached chain behaves the same


async def test_middlewares_see_routing_errors(make_request: Callable[..., Any]) -> None:
    seen: list[int] = []

    @web.middleware
    async def catch(request: Any, handler: Any) -> Any:
        try:
            return await handler(request)
        except RouteNotFound as error:
            seen.append(error.status)  # type: ignore[arg-type]
            return "custom 404"

    sub = web.Application(middlewares=[catch])
    root = web.Application()
    root.add_subapp("/sub", sub)
    root.freeze()
    assert await root.handle(make_request("GET", "/sub/missing")) == "custom 404"
    assert seen == [404]
    with pytest.raises(RouteNotFound):
        await root.handle(make_request("GET", "/elsewhere"))


async def test_middleware_can_short_circuit(make_request: Callable[..., Any]) -> None:
    calls: list[str] = []

    @web.middleware
    async def deny(request: Any, handler: Any) -> Any:
        return "denied"

    async def handler(request: Any) -> str:
        calls.append("handler")  # pragma: no cover
        return "handled"  # pragma: no cover

    app = web.Application(middlewares=[deny])
    app.router.add_get("/", handler)
    app.freeze()
    assert await app.handle(make_request("GET", "/")) == "denied"
    assert calls == []


async def test_handler_attributes_are_visible_through_the_chain(
    make_request: Callable[..., Any],
) -> None:
    async def handler(request: Any) -> str:
        return "ok"

    handler.public = True  # type: ignore[attr-defined]
    seen: list[bool] = []

    @web.middleware
    async def outer(request: Any, next_handler: Any = None, **kw: Any) -> Any:
        wrapped = kw["handler"]
        seen.append(getattr(wrapped, "public", False))
        return await wrapped(request)

    @web.middleware
    async def inner(request: Any, handler: Any) -> Any:
        return await handler(request)

    app = web.Application(middlewares=[outer, inner])
    app.router.add_get("/", handler)
    app.freeze()
    assert await app.handle(make_request("GET", "/")) == "ok"
    assert seen == [True]


def test_middleware_decorator_returns_the_function() -> None:
    async def mw(request: Any, handler: Any) -> Any:
        return await handler(request)  # pragma: no cover

    assert web.middleware(mw) is mw
    assert mw.__middleware_version__ == 1  # type: ignore[attr-defined]


def normalizing_app(**kwargs: Any) -> web.Application:
    async def handler(request: Any) -> str:
        return "found"

    app = web.Application(middlewares=[web.normalize_path_middleware(**kwargs)])
    app.router.add_get("/dir/", handler)
    app.router.add_get("/file", handler)
    app.router.add_get("/a/b/", handler)
    app.freeze()
    return app


@pytest.mark.parametrize(
    ("kwargs", "path", "location"),
    [
        ({}, "/dir", "/dir/"),
        ({}, "/dir?x=1&y=2", "/dir/?x=1&y=2"),
        ({}, "//dir//", "/dir/"),
        ({}, "/a//b", "/a/b/"),
        ({}, "///file", "/file"),
        ({"append_slash": False, "remove_slash": True}, "/file/", "/file"),
        ({"append_slash": False, "remove_slash": True}, "//file//", "/file"),
        ({"merge_slashes": False}, "/dir", "/dir/"),
    ],
)
async def test_normalize_path_redirects(
    make_request: Callable[..., Any],
    kwargs: dict[str, Any],
    path: str,
    location: str,
) -> None:
    app = normalizing_app(**kwargs)
    with pytest.raises(PathRedirect) as caught:
        await app.handle(make_request("GET", path))
    assert caught.value.status == 308
    assert caught.value.headers["Location"] == location


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"append_slash": False}, "/dir"),
        ({"merge_slashes": False}, "/a//b/"),
        ({}, "/missing"),
        ({}, "/file/"),
    ],
)
async def test_normalize_path_leaves_unresolvable_paths(
    make_request: Callable[..., Any], kwargs: dict[str, Any], path: str
) -> None:
    app = normalizing_app(**kwargs)
    with pytest.raises(RouteNotFound):
        await app.handle(make_request("GET", path))


async def test_normalize_path_does_not_touch_matched_requests(
    make_request: Callable[..., Any],
) -> None:
    assert await normalizing_app().handle(make_request("GET", "/dir/")) == "found"


async def test_normalize_path_never_redirects_off_site(
    make_request: Callable[..., Any],
) -> None:
    async def handler(request: Any) -> str:
        return "x"  # pragma: no cover

    app = web.Application(middlewares=[web.normalize_path_middleware()])
    app.router.add_get("/evil.com/", handler)
    app.freeze()
    with pytest.raises(PathRedirect) as caught:
        await app.handle(make_request("GET", "//evil.com"))
    assert caught.value.headers["Location"] == "/evil.com/"


async def test_normalize_path_custom_redirect_class(
    make_request: Callable[..., Any],
) -> None:
    class Moved(Exception):
        def __init__(self, location: str) -> None:
            self.location = location

    app = normalizing_app(redirect_class=Moved)
    with pytest.raises(Moved) as caught:
        await app.handle(make_request("GET", "/dir"))
    assert caught.value.location == "/dir/"


def test_normalize_path_refuses_both_slash_options() -> None:
    with pytest.raises(ValueError, match="Cannot both remove and append"):
        web.normalize_path_middleware(append_slash=True, remove_slash=True)


@pytest.mark.parametrize("sub_middlewares", [False, True])
async def test_request_app_is_the_innermost_for_the_handler(
    make_request: Callable[..., Any], sub_middlewares: bool
) -> None:
    seen: list[str] = []

    @web.middleware
    async def record(request: Any, handler: Any) -> Any:
        seen.append(f"middleware ({request.app[NAME]})")
        return await handler(request)

    async def handler(request: Any) -> str:
        seen.append(f"handler ({request.app[NAME]})")
        return "ok"

    root = web.Application()
    sub = web.Application(middlewares=[record] if sub_middlewares else [])
    root[NAME], sub[NAME] = "root", "sub"
    sub.router.add_get("/h", handler)
    root.add_subapp("/s", sub)
    root.freeze()
    assert await root.handle(make_request("GET", "/s/h")) == "ok"
    expected = ["handler (sub)"]
    if sub_middlewares:
        expected.insert(0, "middleware (sub)")
    assert seen == expected
