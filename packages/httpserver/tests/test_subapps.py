"""Sub-applications under prefixes (nested) and domains (with masks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aioweb import web
from aioweb.web.routing.errors import RouteMethodNotAllowed, RouteNotFound

NAME = web.AppKey("NAME", str)
SHARED = web.AppKey("SHARED", str)


def reporter(label: str) -> Any:
    async def handler(request: Any) -> tuple[str, dict[str, str], Any]:
        return label, dict(request.match_info), request.app

    return handler


@pytest.fixture
def nested() -> tuple[web.Application, web.Application, web.Application]:
    root, middle, leaf = web.Application(), web.Application(), web.Application()
    root[NAME], middle[NAME], leaf[NAME] = "root", "middle", "leaf"
    root[SHARED] = "from root"
    root.router.add_get("/", reporter("root index"))
    middle.router.add_get("/", reporter("middle index"), name="middle-index")
    middle.router.add_get("/items/{id}", reporter("middle item"), name="item")
    leaf.router.add_get("", reporter("leaf root"), name="leaf-root")
    leaf.router.add_post("/deep/{x}", reporter("leaf deep"), name="deep")
    middle.add_subapp("/leaf/", leaf)  # a trailing slash is dropped
    root.add_subapp("/middle", middle)
    root.freeze()
    return root, middle, leaf


@pytest.mark.parametrize(
    ("method", "path", "label", "match", "app_name"),
    [
        ("GET", "/", "root index", {}, "root"),
        ("GET", "/middle/", "middle index", {}, "middle"),
        ("GET", "/middle/items/5", "middle item", {"id": "5"}, "middle"),
        ("GET", "/middle/leaf", "leaf root", {}, "leaf"),
        ("POST", "/middle/leaf/deep/a%2Fb", "leaf deep", {"x": "a/b"}, "leaf"),
    ],
)
async def test_nested_subapps_resolve(
    nested: tuple[web.Application, ...],
    make_request: Callable[..., Any],
    method: str,
    path: str,
    label: str,
    match: dict[str, str],
    app_name: str,
) -> None:
    root = nested[0]
    request = make_request(method, path)
    got_label, got_match, got_app = await root.handle(request)
    assert (got_label, got_match, got_app[NAME]) == (label, match, app_name)
    assert request.match_info.apps[0] is root
    assert [a[NAME] for a in request.match_info.apps][-1] == app_name


async def test_config_dict_looks_through_parents(
    nested: tuple[web.Application, ...], make_request: Callable[..., Any]
) -> None:
    root, middle, leaf = nested
    request = make_request("GET", "/middle/leaf")
    await root.handle(request)
    assert request.match_info.apps == (root, middle, leaf)
    config = request.config_dict
    assert config[NAME] == "leaf"
    assert config[SHARED] == "from root"
    assert config.get(web.AppKey("missing", int)) is None
    assert set(config) == {NAME, SHARED}


async def test_url_for_includes_every_prefix(
    nested: tuple[web.Application, ...],
) -> None:
    _, middle, leaf = nested
    assert str(middle.router["item"].url_for(id="x y")) == "/middle/items/x%20y"
    assert str(leaf.router["deep"].url_for(x="1")) == "/middle/leaf/deep/1"
    assert str(leaf.router["leaf-root"].url_for()) == "/middle/leaf"
    assert str(middle.router["middle-index"].url_for()) == "/middle/"


async def test_subapp_owns_its_prefix(
    nested: tuple[web.Application, ...], make_request: Callable[..., Any]
) -> None:
    root, middle, _ = nested
    request = make_request("GET", "/middle/unknown")
    with pytest.raises(RouteNotFound):
        await root.handle(request)
    assert request.match_info.apps == (root, middle)


async def test_405_from_a_subapp(
    nested: tuple[web.Application, ...], make_request: Callable[..., Any]
) -> None:
    with pytest.raises(RouteMethodNotAllowed) as caught:
        await nested[0].handle(make_request("GET", "/middle/leaf/deep/1"))
    assert caught.value.allowed_methods == {"POST"}


async def test_prefix_is_not_a_string_prefix(
    nested: tuple[web.Application, ...], make_request: Callable[..., Any]
) -> None:
    with pytest.raises(RouteNotFound):
        await nested[0].handle(make_request("GET", "/middleware"))


def test_subapp_resource_introspection(
    nested: tuple[web.Application, ...],
) -> None:
    root, middle, _ = nested
    resource = next(
        r for r in root.router.resources() if isinstance(r, web.PrefixedSubAppResource)
    )
    assert resource.canonical == "/middle"
    assert resource.get_info() == {"app": middle, "prefix": "/middle"}
    assert len(resource) == len(middle.router.routes())
    assert set(resource) == set(middle.router.routes())
    with pytest.raises(RuntimeError, match="not supported by sub-application"):
        resource.url_for()


@pytest.mark.parametrize("prefix", ["", "/", "//"])
def test_empty_prefix_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="Prefix cannot be empty"):
        web.Application().add_subapp(prefix, web.Application())


def test_prefix_must_be_str() -> None:
    with pytest.raises(TypeError, match="Prefix must be str"):
        web.Application().add_subapp(b"/x", web.Application())  # type: ignore[arg-type]


def test_routes_cannot_be_added_to_a_mounted_subapp() -> None:
    root, sub = web.Application(), web.Application()
    root.add_subapp("/sub", sub)
    with pytest.raises(RuntimeError, match="frozen router"):
        sub.router.add_get("/late", reporter("late"))


@pytest.fixture
def domains() -> web.Application:
    root = web.Application()
    exact, wildcard, ported = web.Application(), web.Application(), web.Application()
    root.router.add_get("/", reporter("root"))
    exact.router.add_get("/", reporter("exact"))
    wildcard.router.add_get("/", reporter("wildcard"))
    wildcard.router.add_get("/{x}", reporter("wildcard x"))
    ported.router.add_get("/", reporter("ported"))
    root.add_domain("example.com", exact)
    root.add_domain("*.example.com", wildcard)
    root.add_domain("local.test:8080", ported)
    root.freeze()
    return root


@pytest.mark.parametrize(
    ("host", "path", "label"),
    [
        ("example.com", "/", "exact"),
        ("EXAMPLE.com:9000", "/", "exact"),
        ("api.example.com", "/", "wildcard"),
        ("a.b.example.com", "/v", "wildcard x"),
        ("api.example.com:443", "/", "wildcard"),
        ("local.test:8080", "/", "ported"),
        ("local.test:8081", "/", "root"),
        ("example.org", "/", "root"),
        ("notexample.com", "/", "root"),
        (None, "/", "root"),
    ],
)
async def test_domain_subapps(
    domains: web.Application,
    make_request: Callable[..., Any],
    host: str | None,
    path: str,
    label: str,
) -> None:
    headers = {} if host is None else {"Host": host}
    got, _, _ = await domains.handle(make_request("GET", path, headers=headers))
    assert got == label


async def test_domain_subapp_owns_its_paths(
    domains: web.Application, make_request: Callable[..., Any]
) -> None:
    request = make_request("GET", "/nope/x", headers={"Host": "example.com"})
    with pytest.raises(RouteNotFound):
        await domains.handle(request)
    assert len(request.match_info.apps) == 2


@pytest.mark.parametrize(
    ("domain", "error"),
    [
        ("", "cannot be empty"),
        ("http://example.com", "Scheme not supported"),
        ("exa mple.com", "Domain not valid"),
        ("-bad.com", "Domain not valid"),
        ("a..b", "Domain not valid"),
    ],
)
def test_invalid_domains_are_refused(domain: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        web.Application().add_domain(domain, web.Application())


def test_domain_must_be_str() -> None:
    with pytest.raises(TypeError, match="Domain must be str"):
        web.Application().add_domain(1, web.Application())  # type: ignore[arg-type]


def test_domain_rules() -> None:
    assert web.Domain("Example.COM.").canonical == "example.com"
    assert web.Domain("example.com:80").canonical == "example.com"
    assert web.Domain("example.com:81").canonical == "example.com:81"
    mask = web.MaskDomain("*.example.com:81")
    assert mask.match_domain("a.example.com:81")
    assert not mask.match_domain("a.example.com:82")
    assert not mask.match_domain("a.example.com")
    assert not mask.match_domain("example.com:81")
    resource = web.Application().add_domain("*.x.org", web.Application())
    assert isinstance(resource.rule, web.MaskDomain)
    assert resource.canonical == "*.x.org"
