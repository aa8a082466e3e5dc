"""Plain and dynamic resources: matching, url_for, validation."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aioweb import web
from aioweb.web.routing.errors import RouteMethodNotAllowed


async def handler(request: Any) -> str:
    return "ok"


class FakeRequestForProperty:
    """Hypothesis runs one test many times: fixtures cannot vary per example."""

    def __init__(self, method: str, raw_path: str) -> None:
        self.method = method
        self.rel_url = URL.build(path=raw_path, encoded=True)
        self.headers = CIMultiDictProxy(CIMultiDict[str]())


@pytest.fixture
def router() -> web.UrlDispatcher:
    return web.UrlDispatcher()


async def resolve(
    router: web.UrlDispatcher, make_request: Callable[..., Any], method: str, path: str
) -> web.UrlMappingMatchInfo:
    return await router.resolve(make_request(method, path))


async def test_plain_resource_matches_exact_path(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    route = router.add_get("/about", handler)
    assert isinstance(route.resource, web.PlainResource)
    info = await resolve(router, make_request, "GET", "/about")
    assert info.route is route
    assert dict(info) == {}
    assert (await resolve(router, make_request, "GET", "/about/")).http_exception
    assert (await resolve(router, make_request, "GET", "/abou")).http_exception


async def test_plain_resource_with_unicode_and_percent(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    unicode_route = router.add_get("/café", handler)
    percent_route = router.add_get("/100%", handler)
    info = await resolve(router, make_request, "GET", "/caf%C3%A9")
    assert info.route is unicode_route
    info = await resolve(router, make_request, "GET", "/100%25")
    assert info.route is percent_route
    assert unicode_route.url_for() == URL("/caf%C3%A9")
    assert str(percent_route.url_for()) == "/100%25"


async def test_dynamic_segment_is_unquoted(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    router.add_get("/users/{name}", handler)
    info = await resolve(router, make_request, "GET", "/users/a%2Fb%20c%25")
    assert dict(info) == {"name": "a/b c%"}


async def test_encoded_slash_does_not_split_segments(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    router.add_get("/files/{name}", handler)
    router.add_get("/files/{dir}/{name}", handler)
    info = await resolve(router, make_request, "GET", "/files/a%2Fb")
    assert dict(info) == {"name": "a/b"}
    info = await resolve(router, make_request, "GET", "/files/a/b")
    assert dict(info) == {"dir": "a", "name": "b"}


async def test_segment_variable_needs_a_non_empty_segment(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    router.add_get("/users/{name}", handler)
    info = await resolve(router, make_request, "GET", "/users/")
    assert isinstance(info, web.MatchInfoError)
    assert info.status == 404


async def test_regex_variable(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    router.add_get(r"/items/{id:\d+}", handler)
    router.add_get(r"/code/{code:[A-Z]{3}}", handler)
    assert dict(await resolve(router, make_request, "GET", "/items/42")) == {"id": "42"}
    assert (await resolve(router, make_request, "GET", "/items/x")).http_exception
    assert dict(await resolve(router, make_request, "GET", "/code/ABC")) == {
        "code": "ABC"
    }
    assert (await resolve(router, make_request, "GET", "/code/ABCD")).http_exception


async def test_tail_variable_spans_segments(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    router.add_get("/static/{tail:.*}", handler, name="tail")
    info = await resolve(router, make_request, "GET", "/static/a/b/c%2Fd.txt")
    assert dict(info) == {"tail": "a/b/c/d.txt"}
    assert dict(await resolve(router, make_request, "GET", "/static/")) == {"tail": ""}
    assert str(router["tail"].url_for(tail="a/b c")) == "/static/a/b%20c"


async def test_variable_inside_a_segment(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    router.add_get("/report-{year}.{ext}", handler, name="report")
    info = await resolve(router, make_request, "GET", "/report-2024.csv")
    assert dict(info) == {"year": "2024", "ext": "csv"}
    assert str(router["report"].url_for(year="2025", ext="pdf")) == "/report-2025.pdf"


async def test_url_for_quotes_values(router: web.UrlDispatcher) -> None:
    router.add_get("/users/{name}/posts", handler, name="posts")
    url = router["posts"].url_for(name="ä b/c?")
    assert str(url) == "/users/%C3%A4%20b%2Fc%3F/posts"
    assert str(url.with_query(page=2)) == "/users/%C3%A4%20b%2Fc%3F/posts?page=2"


async def test_url_for_round_trips_through_resolve(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    router.add_get("/users/{name}", handler, name="user")
    for value in ["plain", "a/b", "100%", "ü ö", "%2F", "a?b#c"]:
        url = router["user"].url_for(name=value)
        info = await resolve(router, make_request, "GET", url.raw_path)
        assert dict(info) == {"name": value}


def test_url_for_needs_every_variable(router: web.UrlDispatcher) -> None:
    router.add_get("/{a}/{b}", handler, name="pair")
    with pytest.raises(KeyError):
        router["pair"].url_for(a="1")


def test_canonical_and_info(router: web.UrlDispatcher) -> None:
    plain = router.add_resource("/a", name="a")
    dynamic = router.add_resource(r"/b/{id:\d+}", name="b")
    assert plain.canonical == "/a"
    assert plain.get_info() == {"path": "/a"}
    assert dynamic.canonical == "/b/{id}"
    info = dynamic.get_info()
    assert info["formatter"] == "/b/{id}"
    assert isinstance(info["pattern"], re.Pattern)
    assert "DynamicResource 'b'" in repr(dynamic)
    assert "PlainResource 'a'" in repr(plain)


@pytest.mark.parametrize("path", ["/{", "/}", "/a{b", "/{name}}", "/{x}/{x}", "/{x:(}"])
def test_bad_patterns_are_refused(router: web.UrlDispatcher, path: str) -> None:
    with pytest.raises(ValueError):
        router.add_get(path, handler)


def test_path_must_start_with_slash(router: web.UrlDispatcher) -> None:
    with pytest.raises(ValueError, match="should be started with /"):
        router.add_get("about", handler)


def test_add_resource_reuses_the_last_one(router: web.UrlDispatcher) -> None:
    first = router.add_resource("/x", name="x")
    assert router.add_resource("/x", name="x") is first
    assert router.add_resource("/x") is not first
    get = router.add_get("/y", handler)
    post = router.add_post("/y", handler)
    assert get.resource is post.resource
    assert len(router.resources()) == 3


def test_duplicate_method_is_refused(router: web.UrlDispatcher) -> None:
    resource = router.add_resource("/r")
    resource.add_route("POST", handler)
    with pytest.raises(RuntimeError, match="will never be executed"):
        resource.add_route("post", handler)
    any_resource = router.add_resource("/any")
    any_resource.add_route("*", handler)
    with pytest.raises(RuntimeError, match="will never be executed"):
        any_resource.add_route("GET", handler)


@pytest.mark.parametrize("method", ["GE T", "", "GET\r\n", "ü"])
def test_method_must_be_a_token(router: web.UrlDispatcher, method: str) -> None:
    with pytest.raises(ValueError, match="is not allowed HTTP method"):
        router.add_route(method, "/m", handler)


def test_custom_method_token_is_accepted(router: web.UrlDispatcher) -> None:
    route = router.add_route("propfind", "/dav", handler)
    assert route.method == "PROPFIND"


def test_handler_must_be_a_coroutine_function(router: web.UrlDispatcher) -> None:
    def sync_handler(request: Any) -> str:
        return "no"

    with pytest.raises(TypeError, match="Only async functions"):
        router.add_get("/sync", sync_handler)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Only async functions"):
        router.add_get("/obj", object())  # type: ignore[arg-type]


def test_partial_of_a_coroutine_function_is_a_handler(
    router: web.UrlDispatcher,
) -> None:
    import functools

    async def greet(greeting: str, request: Any) -> str:
        return greeting

    route = router.add_get("/hi", functools.partial(greet, "hi"))
    assert route.method == "GET"


def test_object_with_async_call_is_a_handler(router: web.UrlDispatcher) -> None:
    class Handler:
        async def __call__(self, request: Any) -> str:
            return "called"

    class SyncCall:
        def __call__(self, request: Any) -> str:
            return "sync"

    assert router.add_get("/obj", Handler()).method == "GET"
    with pytest.raises(TypeError, match="Only async functions"):
        router.add_get("/sync-obj", SyncCall())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Only async functions"):
        router.add_get("/cls", Handler)  # type: ignore[arg-type]


def test_expect_handler_must_be_a_coroutine_function(
    router: web.UrlDispatcher,
) -> None:
    with pytest.raises(TypeError, match="Coroutine is expected"):
        router.add_get("/e", handler, expect_handler=lambda r: None)  # type: ignore[arg-type,return-value]


@pytest.mark.parametrize(
    "name", ["with space", "1abc", "class", "a..b", "a.class", "a/b"]
)
def test_route_names_are_dotted_identifiers(
    router: web.UrlDispatcher, name: str
) -> None:
    with pytest.raises(ValueError, match="Incorrect route name"):
        router.add_get("/n", handler, name=name)


def test_dotted_and_dashed_names_are_accepted(router: web.UrlDispatcher) -> None:
    router.add_get("/n1", handler, name="api.v1:users-list")
    assert "api.v1:users-list" in router


def test_duplicate_names_are_refused(router: web.UrlDispatcher) -> None:
    router.add_get("/a", handler, name="same")
    with pytest.raises(ValueError, match="Duplicate 'same'"):
        router.add_get("/b", handler, name="same")


async def test_resource_resolve_directly(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    resource = router.add_resource("/direct/{x}")
    resource.add_route("GET", handler)
    info, allowed = await resource.resolve(make_request("GET", "/direct/1"))
    assert info is not None and dict(info) == {"x": "1"}
    assert allowed == {"GET"}
    info, allowed = await resource.resolve(make_request("PUT", "/direct/1"))
    assert info is None and allowed == {"GET"}
    info, allowed = await resource.resolve(make_request("GET", "/elsewhere"))
    assert info is None and allowed == set()
    info, allowed = await resource.resolve(make_request("GET", "/direct/%zz"))
    assert info is None and allowed == set()


async def test_any_method_route(
    router: web.UrlDispatcher, make_request: Callable[..., Any]
) -> None:
    route = router.add_route("*", "/any", handler)
    for method in ("GET", "POST", "BREW"):
        assert (await resolve(router, make_request, method, "/any")).route is route


# Surrogates cannot be encoded as UTF-8, so they never occur in a URL.
@given(value=st.text(st.characters(exclude_categories=("Cs",)), min_size=1))
async def test_any_value_round_trips_through_url_for(value: str) -> None:
    router = web.UrlDispatcher()
    router.add_get("/a/{name}/b", handler, name="one")
    router.add_get("/t/{tail:.+}", handler, name="tail")
    cases = [("one", "name")]
    if "\n" not in value:  # a regex is applied as written: "." skips newlines
        cases.append(("tail", "tail"))
    for name, key in cases:
        url = router[name].url_for(**{key: value})
        request = FakeRequestForProperty("GET", url.raw_path)
        info = await router.resolve(request)
        assert dict(info) == {key: value}


async def test_route_introspection(router: web.UrlDispatcher) -> None:
    route = router.add_get("/users/{id}", handler, name="user")
    assert route.name == "user"
    assert route.handler is handler
    assert route.get_info() == route.resource.get_info()  # type: ignore[union-attr]
    assert str(route.url_for(id="7")) == "/users/7"
    assert "ResourceRoute [GET]" in repr(route)


def test_method_not_allowed_carries_allow() -> None:
    error = RouteMethodNotAllowed("put", {"GET", "HEAD"})
    assert error.status == 405
    assert error.method == "PUT"
    assert error.allowed_methods == {"GET", "HEAD"}
    assert error.headers["Allow"] == "GET,HEAD"
