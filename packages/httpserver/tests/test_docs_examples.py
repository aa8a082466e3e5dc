"""The examples of the server's documentation pages run and their asserts hold."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from aioweb import web
from aioweb.web.routing.errors import PathRedirect, RouteMethodNotAllowed

DOCS = Path(__file__).resolve().parents[3] / "docs" / "server"
PAGES = ["routing.md", "application.md", "middlewares.md"]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_the_pages_exist() -> None:
    # Other pages of docs/server belong to other layers, which test their own.
    assert all((DOCS / page).is_file() for page in PAGES)


def run_page(page: str) -> dict[str, Any]:
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = _BLOCK.findall(text)
    assert blocks, f"{page} has no examples"
    namespace: dict[str, object] = {"__name__": f"docs_{page[:-3]}"}
    for number, block in enumerate(blocks, 1):
        code = compile(block, f"{page} example {number}", "exec")
        exec(code, namespace)
    return namespace


@pytest.mark.parametrize("page", PAGES)
def test_page_examples_run(page: str) -> None:
    run_page(page)


async def test_routing_page_claims(make_request: Callable[..., Any]) -> None:
    namespace = run_page("routing.md")
    app: web.Application = namespace["app"]  # type: ignore[assignment]
    app.freeze()
    assert await app.handle(make_request("GET", "/users/a%2Fb")) == "user a/b"
    assert await app.handle(make_request("GET", "/articles/7")) == "article"
    assert await app.handle(make_request("GET", "/v2/users/x")) == "user x"
    with pytest.raises(RouteMethodNotAllowed) as caught:
        await app.handle(make_request("PUT", "/v2/users/x"))
    assert caught.value.headers["Allow"] == "DELETE,GET"
    root: web.Application = namespace["root"]  # type: ignore[assignment]
    root.freeze()
    request = make_request("GET", "/status", headers={"Host": "v1.api.example.com"})
    assert await root.handle(request) == "index"


async def test_middlewares_page_claims(make_request: Callable[..., Any]) -> None:
    namespace = run_page("middlewares.md")
    app: web.Application = namespace["app"]  # type: ignore[assignment]
    app.freeze()
    assert await app.handle(make_request("GET", "/docs/")) == "found"
    for path in ("/docs", "//docs"):
        with pytest.raises(PathRedirect) as caught:
            await app.handle(make_request("GET", path))
        assert caught.value.headers["Location"] == "/docs/"
    marked = web.Application(middlewares=[namespace["add_marker"]])  # type: ignore[list-item]
    marked.router.add_get("/", namespace["handler"])  # type: ignore[arg-type]
    marked.freeze()
    assert await marked.handle(make_request("GET", "/")) == "found (marked)"
