"""The routing half of static files: matching and url_for."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from aioweb import web


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_bytes(b"body {}")
    (tmp_path / "a b.txt").write_bytes(b"spaced")
    return tmp_path


def digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode()


def test_url_for(directory: Path) -> None:
    router = web.UrlDispatcher()
    resource = router.add_static("/static/", directory, name="static")
    assert resource.canonical == "/static"
    assert str(resource.url_for(filename="css/site.css")) == "/static/css/site.css"
    assert str(resource.url_for(filename="/a b.txt")) == "/static/a%20b.txt"
    assert str(resource.url_for(filename=Path("css/site.css"))) == (
        "/static/css/site.css"
    )
    versioned = resource.url_for(filename="css/site.css", append_version=True)
    assert versioned.path == "/static/css/site.css"
    assert versioned.query["v"] == digest(b"body {}")


def test_append_version_by_default_and_for_missing_files(directory: Path) -> None:
    resource = web.StaticResource("/s", directory, append_version=True)
    assert resource.url_for(filename="a b.txt").query["v"] == digest(b"spaced")
    assert resource.url_for(filename="a b.txt", append_version=False).query == {}
    assert resource.url_for(filename="missing.txt").query == {}
    assert resource.url_for(filename="../outside").query == {}
    assert resource.url_for(filename="css").query == {}  # a directory


def test_symlink_out_of_the_directory_gets_no_version(
    directory: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.txt"
    outside.write_bytes(b"secret")
    os.symlink(outside, directory / "link.txt")
    strict = web.StaticResource("/s", directory, append_version=True)
    assert strict.url_for(filename="link.txt").query == {}
    lenient = web.StaticResource(
        "/s", directory, append_version=True, follow_symlinks=True
    )
    assert lenient.url_for(filename="link.txt").query["v"] == digest(b"secret")


def test_constructor_checks_the_directory(directory: Path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        web.StaticResource("/s", directory / "missing")
    with pytest.raises(ValueError, match="is not a directory"):
        web.StaticResource("/s", directory / "a b.txt")
    with pytest.raises(ValueError, match="started with /"):
        web.UrlDispatcher().add_static("static", directory)


def test_options_and_info(directory: Path) -> None:
    resource = web.StaticResource(
        "/s", directory, name="s", chunk_size=1024, show_index=True
    )
    assert resource.directory == directory.resolve()
    assert resource.chunk_size == 1024
    assert resource.show_index
    assert not resource.follow_symlinks
    info = resource.get_info()
    assert info["prefix"] == "/s" and info["directory"] == directory.resolve()
    assert {route.method for route in resource} == {"GET", "HEAD"}
    assert len(resource) == 2
    assert "StaticResource 's' /s" in repr(resource)


async def test_static_matching(
    directory: Path, make_request: Callable[..., Any]
) -> None:
    router = web.UrlDispatcher()
    router.add_static("/static", directory)
    info = await router.resolve(make_request("GET", "/static/css/a%20b%2Fc.css"))
    assert dict(info) == {"filename": "css/a b/c.css"}
    info = await router.resolve(make_request("POST", "/static/x"))
    assert info.status == 405
    assert info.allowed_methods == {"GET", "HEAD"}
    info = await router.resolve(make_request("GET", "/staticx"))
    assert info.status == 404


async def test_options_route_for_cors(
    directory: Path, make_request: Callable[..., Any]
) -> None:
    async def preflight(request: Any) -> str:
        return "preflight"

    router = web.UrlDispatcher()
    resource = router.add_static("/static", directory)
    resource.set_options_route(preflight)
    info = await router.resolve(make_request("OPTIONS", "/static/x"))
    assert info.handler is preflight
    with pytest.raises(RuntimeError, match="OPTIONS route was set already"):
        resource.set_options_route(preflight)
