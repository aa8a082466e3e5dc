"""The router: 404/405, precedence, views of resources, and indexed resolution."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aioweb import web
from aioweb.web.routing.errors import (
    InvalidPathEncoding,
    RouteMethodNotAllowed,
    RouteNotFound,
)


async def handler(request: Any) -> str:
    return "ok"


class PropertyRequest:
    """Hypothesis runs one test many times: fixtures cannot vary per example."""

    def __init__(self, method: str, raw_path: str) -> None:
        self.method = method
        self.rel_url = URL.build(path=raw_path, encoded=True)
        self.headers = CIMultiDictProxy(CIMultiDict[str]())


@pytest.fixture
def router() -> web.UrlDispatcher:
    return web.UrlDispatcher()


async def test_not_found(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    router.add_get("/a", handler)
    info = await router.resolve(make_request("GET", "/b"))
    assert isinstance(info, web.MatchInfoError)
    assert isinstance(info.http_exception, RouteNotFound)
    assert info.status == 404
    assert info.allowed_methods == frozenset()
    assert isinstance(info.route, web.SystemRoute)
    assert info.route.status == 404
    assert repr(info) == "<MatchInfoError 404: Not Found>"
    with pytest.raises(RouteNotFound):
        await info.handler(make_request("GET", "/b"))


async def test_method_not_allowed_lists_every_matching_resource(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    router.add_get("/items/{id}", handler)
    router.add_post("/items/{name}", handler)
    router.add_put("/items/new", handler)
    info = await router.resolve(make_request("DELETE", "/items/new"))
    assert isinstance(info.http_exception, RouteMethodNotAllowed)
    assert info.status == 405
    assert info.allowed_methods == {"GET", "HEAD", "POST", "PUT"}
    assert info.http_exception.headers["Allow"] == "GET,HEAD,POST,PUT"
    assert info.http_exception.method == "DELETE"


async def test_head_is_allowed_with_get_unless_disabled(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    router.add_get("/with", handler)
    router.add_get("/without", handler, allow_head=False)
    assert (await router.resolve(make_request("HEAD", "/with"))).http_exception is None
    info = await router.resolve(make_request("HEAD", "/without"))
    assert info.allowed_methods == {"GET"}


async def test_invalid_percent_encoding_is_a_bad_request(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    router.add_get("/{x}", handler)
    for path in ("/%zz", "/%FF", "/%"):
        info = await router.resolve(make_request("GET", path))
        assert isinstance(info.http_exception, InvalidPathEncoding)
        assert info.status == 400


async def test_longest_static_prefix_wins_then_registration_order(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    catch_all = router.add_get("/{anything:.*}", handler)
    users = router.add_get("/users/{id}", handler)
    me = router.add_get("/users/me", handler)
    first = router.add_get("/posts/{a}", handler)
    second = router.add_get("/posts/{b}", handler)
    assert (await router.resolve(make_request("GET", "/users/me"))).route is me
    assert (await router.resolve(make_request("GET", "/users/7"))).route is users
    assert (await router.resolve(make_request("GET", "/other/x"))).route is catch_all
    assert (await router.resolve(make_request("GET", "/posts/1"))).route is first
    assert second.method == "GET"


async def test_trailing_slash_is_significant(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    slash = router.add_get("/dir/", handler)
    bare = router.add_get("/dir", handler)
    assert (await router.resolve(make_request("GET", "/dir/"))).route is slash
    assert (await router.resolve(make_request("GET", "/dir"))).route is bare


async def test_root_and_empty_path(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    root = router.add_get("", handler)
    router.freeze()
    assert (await router.resolve(make_request("GET", "/"))).route is root
    assert root.resource is not None and root.resource.canonical == "/"


async def test_query_string_is_not_part_of_the_path(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    route = router.add_get("/search", handler)
    assert (await router.resolve(make_request("GET", "/search?q=a/b"))).route is route


def test_views_of_resources_and_routes(router: web.UrlDispatcher) -> None:
    get = router.add_get("/a", handler, name="a")
    post = router.add_post("/b/{x}", handler)
    resources = router.resources()
    assert len(resources) == 2
    assert get.resource in resources
    assert [r.canonical for r in resources] == ["/a", "/b/{x}"]
    routes = router.routes()
    assert len(routes) == 3  # HEAD, GET, POST
    assert get in routes and post in routes
    assert {r.method for r in routes} == {"HEAD", "GET", "POST"}
    named = router.named_resources()
    assert dict(named) == {"a": get.resource}
    with pytest.raises(TypeError):
        named["b"] = get.resource  # type: ignore[index]
    assert list(router) == ["a"]
    assert len(router) == 1
    assert router["a"] is get.resource


def test_frozen_router_refuses_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/a", handler)
    router.freeze()
    assert router.frozen
    with pytest.raises(RuntimeError, match="frozen router"):
        router.add_get("/b", handler)


def test_register_resource_needs_a_resource(router: web.UrlDispatcher) -> None:
    with pytest.raises(TypeError, match="AbstractResource"):
        router.register_resource(object())  # type: ignore[arg-type]


class CountingPlain(web.PlainResource):
    calls = 0

    def _match(self, path: str) -> dict[str, str] | None:
        CountingPlain.calls += 1
        return super()._match(path)


class CountingDynamic(web.DynamicResource):
    calls = 0

    def _match(self, path: str) -> dict[str, str] | None:
        CountingDynamic.calls += 1
        return super()._match(path)


async def test_resolution_does_not_scan_every_resource(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    """500 resources; each lookup touches only the few sharing its prefix."""
    for i in range(250):
        plain = CountingPlain(f"/plain{i}/page")
        plain.add_route("GET", handler)
        router.register_resource(plain)
        dynamic = CountingDynamic(f"/dyn{i}/{{id}}/detail")
        dynamic.add_route("GET", handler)
        router.register_resource(dynamic)
    assert len(router.resources()) == 500
    for i in (0, 137, 249):
        CountingPlain.calls = CountingDynamic.calls = 0
        info = await router.resolve(make_request("GET", f"/plain{i}/page"))
        assert info.get_info() == {"path": f"/plain{i}/page"}
        assert CountingPlain.calls == 1
        assert CountingDynamic.calls == 0

        CountingPlain.calls = CountingDynamic.calls = 0
        info = await router.resolve(make_request("GET", f"/dyn{i}/x/detail"))
        assert dict(info) == {"id": "x"}
        assert CountingDynamic.calls == 1
        assert CountingPlain.calls == 0

    CountingPlain.calls = CountingDynamic.calls = 0
    info = await router.resolve(make_request("GET", "/nowhere/at/all"))
    assert info.status == 404
    assert CountingPlain.calls + CountingDynamic.calls == 0


async def test_resolution_of_a_very_deep_path_is_bounded(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    """A hostile path of thousands of segments walks only as deep as the keys."""
    router.add_get("/a/{x}", handler)
    lookups = 0
    real_index = router._index

    class CountingDict(dict[str, list[Any]]):
        def get(self, key: str, default: Any = None) -> Any:
            nonlocal lookups
            lookups += 1
            return super().get(key, default)

    router._index = CountingDict(real_index)
    info = await router.resolve(make_request("GET", "/a" * 5000))
    assert info.status == 404
    assert lookups <= 3


def _route_table() -> list[tuple[str, str, str, dict[str, str]]]:
    """200 routes: (method, pattern, a request path, the expected match)."""
    table = []
    for i in range(50):
        table.append(("GET", f"/static/page{i}", f"/static/page{i}", {}))
        table.append(("POST", f"/api/v{i % 3}/items{i}", f"/api/v{i % 3}/items{i}", {}))
        table.append(
            (
                "GET",
                f"/users{i}/{{user}}/posts/{{post:\\d+}}",
                f"/users{i}/u%20{i}/posts/{i}",
                {"user": f"u {i}", "post": str(i)},
            )
        )
        table.append(
            (
                "PUT",
                f"/files{i}/{{path:.+}}",
                f"/files{i}/a/b{i}/c",
                {"path": f"a/b{i}/c"},
            )
        )
    return table


async def test_a_table_of_200_routes_resolves_every_route(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    table = _route_table()
    assert len(table) == 200
    routes = [
        router.add_route(method, pattern, handler) for method, pattern, _, _ in table
    ]
    router.freeze()
    for route, (method, _, path, expected) in zip(routes, table, strict=True):
        info = await router.resolve(make_request(method, path))
        assert info.route is route, path
        assert dict(info) == expected
        wrong = "DELETE"
        info = await router.resolve(make_request(wrong, path))
        assert info.status == 405
        assert info.allowed_methods == {method}


@given(raw=st.text(alphabet=st.sampled_from("/%2fF5ab{}.é"), max_size=30))
async def test_resolving_arbitrary_paths_never_raises(raw: str) -> None:
    router = web.UrlDispatcher()
    router.add_get("/a/{x}", handler)
    router.add_get("/{tail:.*}", handler)
    router.add_static("/s", Path(__file__).parent)
    request = PropertyRequest("GET", "/" + raw)
    info = await router.resolve(request)
    assert info.http_exception is None or info.status in (400, 404, 405)


def test_a_frozen_router_matches_a_path_asked_again_without_matching_it(
    router: web.UrlDispatcher,
) -> None:
    plain = CountingPlain("/plain")
    plain.add_route("GET", handler)
    router.register_resource(plain)
    dynamic = CountingDynamic("/items/{id}")
    route = dynamic.add_route("GET", handler)
    router.register_resource(dynamic)
    # Before freezing, nothing is kept: a route may still be added.
    CountingPlain.calls = CountingDynamic.calls = 0
    for _ in range(2):
        assert router._match_now("GET", "/plain") is not None
    assert CountingPlain.calls == 2
    router.freeze()
    CountingPlain.calls = CountingDynamic.calls = 0
    first = router._match_now("GET", "/items/a%20b")
    again = router._match_now("GET", "/items/a%20b")
    assert first is not None and again is not None
    assert CountingDynamic.calls == 1
    assert first is not again
    assert dict(again) == {"id": "a b"} and again.route is route
    # Each match is the request's own: changing one leaves the next intact.
    again["id"] = "changed"
    assert dict(router._match_now("GET", "/items/a%20b") or {}) == {"id": "a b"}
    # Another method is matched on its own (here: not at all, so no entry).
    assert router._match_now("POST", "/items/a%20b") is None
    assert router._match_now("POST", "/items/a%20b") is None
    assert CountingDynamic.calls == 3


def test_the_kept_matches_are_bounded(router: web.UrlDispatcher) -> None:
    route = router.add_get("/n/{i}", handler)
    router.freeze()
    for i in range(2000):
        info = router._match_now("GET", f"/n/{i}")
        assert info is not None and info.route is route and dict(info) == {"i": str(i)}
    assert 0 < len(router._matches) <= 256
