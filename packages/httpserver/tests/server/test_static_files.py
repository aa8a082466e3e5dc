"""Static files over a real server: traversal refused, index pages, curl."""

from __future__ import annotations

import asyncio
import gzip
import os
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from aioweb import web

SECRET = b"the secret outside the root"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """``root/`` is served; ``secret.txt`` lies beside it, outside."""
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "hello.txt").write_bytes(b"hello")
    (root / "sub" / "inner.txt").write_bytes(b"inner")
    (root / "a&b <c>.txt").write_bytes(b"odd name")
    (root / "café.txt").write_bytes(b"accent")
    (root / "big.bin").write_bytes(os.urandom(300_000))
    (root / "page.js").write_text("let x = 1;\n" * 200)
    (root / "page.js.gz").write_bytes(gzip.compress(b"let x = 1;\n" * 200))
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (root / "link_out").symlink_to(tmp_path / "secret.txt")
    (root / "link_in").symlink_to(root / "hello.txt")
    (root / "dir_out").symlink_to(tmp_path)
    return root


Start = Callable[..., Awaitable[int]]


@pytest.fixture
def start(tree: Path, serve_app: Callable[..., Awaitable[Any]]) -> Start:
    async def run(**options: Any) -> int:
        app = web.Application()
        app.router.add_static("/static", tree, **options)
        served = await serve_app(app)
        return int(served.port)

    return run


async def get_raw(
    raw: Callable[[int], Awaitable[Any]], port: int, target: bytes
) -> Any:
    connection = await raw(port)
    await connection.send(
        b"GET " + target + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    return await connection.read_response()


@pytest.mark.parametrize(
    ("target", "status"),
    [
        (b"/static/../secret.txt", 404),
        (b"/static/%2e%2e/secret.txt", 404),
        (b"/static/%2E%2E/secret.txt", 404),
        (b"/static/..%2fsecret.txt", 404),
        (b"/static/..%2Fsecret.txt", 404),
        (b"/static/sub/..%2f..%2fsecret.txt", 404),
        (b"/static/sub/%2e%2e/%2e%2e/secret.txt", 404),
        (b"/static/..%5csecret.txt", 404),
        (b"/static/..\\secret.txt", 404),
        (b"/static/sub\\..\\..\\secret.txt", 404),
        (b"/static/%2fetc%2fpasswd", 403),
        (b"/static//etc/passwd", 403),
        (b"/static/%2f%2f..%2fsecret.txt", 403),
        (b"/static/C:%5csecret.txt", 404),
        (b"/static/C:/secret.txt", 403),
        (b"/static/c:..%2fsecret.txt", 403),
        (b"/static/hello.txt%00.png", 404),
        (b"/static/%00", 404),
        (b"/static/link_out", 404),
        (b"/static/dir_out/secret.txt", 404),
        (b"/static/" + b"a" * 5000, 404),
        (b"/static/" + b"a/" * 3000 + b"x", 404),
        (b"/static/%252e%252e/secret.txt", 404),
        (b"/static/%c0%ae%c0%ae/secret.txt", 400),  # overlong UTF-8 dots
        (b"/static/.%2e/secret.txt", 404),
        (b"/static/sub/../../secret.txt", 404),
    ],
)
async def test_traversal_never_reaches_outside(
    start: Start, raw: Callable[[int], Awaitable[Any]], target: bytes, status: int
) -> None:
    # 400: not a valid path; 403: an absolute name or a drive; 404: the rest.
    port = await start()
    response = await get_raw(raw, port, target)
    assert response.status == status
    assert SECRET not in response.body


async def test_traversal_with_follow_symlinks_still_stays_inside(
    start: Start, raw: Callable[[int], Awaitable[Any]]
) -> None:
    port = await start(follow_symlinks=True)
    for target in (b"/static/../secret.txt", b"/static/..%2fsecret.txt"):
        response = await get_raw(raw, port, target)
        assert response.status == 404
        assert SECRET not in response.body
    # A link the owner placed in the directory is followed, on purpose.
    response = await get_raw(raw, port, b"/static/link_out")
    assert (response.status, response.body) == (200, SECRET)


async def test_files_and_links_inside(
    start: Start, raw: Callable[[int], Awaitable[Any]]
) -> None:
    port = await start()
    assert (await get_raw(raw, port, b"/static/hello.txt")).body == b"hello"
    assert (await get_raw(raw, port, b"/static/sub/inner.txt")).body == b"inner"
    # Dot segments that stay inside the directory are harmless.
    inside = await get_raw(raw, port, b"/static/sub/../hello.txt")
    assert (inside.status, inside.body) == (200, b"hello")
    linked = await get_raw(raw, port, b"/static/link_in")
    assert (linked.status, linked.body) == (200, b"hello")
    accent = await get_raw(raw, port, b"/static/caf%C3%A9.txt")
    assert (accent.status, accent.body) == (200, b"accent")
    odd = await get_raw(raw, port, b"/static/a%26b%20%3Cc%3E.txt")
    assert odd.body == b"odd name"
    hello = await get_raw(raw, port, b"/static/hello.txt")
    assert hello.headers["Content-Type"] == "text/plain; charset=utf-8"


async def test_a_sidecar_link_is_not_followed(
    start: Start, tree: Path, raw: Callable[[int], Awaitable[Any]]
) -> None:
    # hello.txt is inside; a "hello.txt.gz" beside it that links out of the
    # directory must not be served in its place, whatever follow_symlinks.
    (tree / "hello.txt.gz").symlink_to(tree.parent / "secret.txt")
    for options in ({}, {"follow_symlinks": True}):
        port = await start(**options)
        connection = await raw(port)
        await connection.send(
            b"GET /static/hello.txt HTTP/1.1\r\nHost: t\r\n"
            b"Accept-Encoding: gzip\r\nConnection: close\r\n\r\n"
        )
        response = await connection.read_response()
        assert (response.status, response.body) == (200, b"hello")
        assert "Content-Encoding" not in response.headers


async def test_directories_are_403_without_index(
    start: Start, raw: Callable[[int], Awaitable[Any]]
) -> None:
    port = await start()
    assert (await get_raw(raw, port, b"/static/sub")).status == 403
    assert (await get_raw(raw, port, b"/static/")).status == 403


async def test_index_page_escapes_names(
    start: Start, raw: Callable[[int], Awaitable[Any]]
) -> None:
    port = await start(show_index=True)
    response = await get_raw(raw, port, b"/static/")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.body.decode()
    assert "<title>Index of /</title>" in page
    assert '<li><a href="/static/sub">sub/</a></li>' in page
    assert (
        '<li><a href="/static/a&amp;b%20%3Cc%3E.txt">a&amp;b &lt;c&gt;.txt</a></li>'
        in page
    )
    assert '<a href="/static/caf%C3%A9.txt">café.txt</a>' in page
    assert "<c>" not in page
    nested = await get_raw(raw, port, b"/static/sub")
    assert "<h1>Index of /sub</h1>" in nested.body.decode()
    assert '<a href="/static/sub/inner.txt">inner.txt</a>' in nested.body.decode()


async def test_append_version_urls_are_served(
    tree: Path, serve_app: Callable[..., Awaitable[Any]], raw: Callable[[int], Any]
) -> None:
    app = web.Application()
    resource = app.router.add_static("/static", tree, append_version=True)
    served = await serve_app(app)
    url = resource.url_for(filename="hello.txt")
    assert "v" in url.query
    response = await get_raw(raw, served.port, str(url).encode())
    assert (response.status, response.body) == (200, b"hello")


# -- through curl --------------------------------------------------------------


async def curl(*arguments: str) -> tuple[bytes, bytes]:
    curl_path = shutil.which("curl")
    if curl_path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("curl is not installed (.ci/system-packages installs it)")
        pytest.skip("curl is not installed")
    process = await asyncio.create_subprocess_exec(
        curl_path,
        "--silent",
        "--show-error",
        "--max-time",
        "10",
        *arguments,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err
    return out, err


async def test_curl_ranges(start: Start, tree: Path) -> None:
    port = await start()
    data = (tree / "big.bin").read_bytes()
    url = f"http://127.0.0.1:{port}/static/big.bin"
    out, _ = await curl("--range", "1000-1999", url)
    assert out == data[1000:2000]
    out, _ = await curl("--range", "-500", url)
    assert out == data[-500:]
    out, _ = await curl(url)
    assert out == data
    out, _ = await curl(
        "--range", "0-0", "--write-out", "%{http_code}", "--output", "/dev/null", url
    )
    assert out == b"206"
    out, _ = await curl(
        "--range",
        "400000-",
        "--write-out",
        "%{http_code}",
        "--output",
        "/dev/null",
        url,
    )
    assert out == b"416"
    out, _ = await curl("--range", "0-9,20-29", "--include", url)
    assert b"multipart/byteranges" in out
    assert data[:10] in out and data[20:30] in out


async def test_curl_compressed_sidecar(start: Start, tree: Path) -> None:
    port = await start()
    url = f"http://127.0.0.1:{port}/static/page.js"
    out, _ = await curl("--compressed", "--include", url)
    head, _, body = out.partition(b"\r\n\r\n")
    assert b"content-encoding: gzip" in head.lower()
    assert b"vary: accept-encoding" in head.lower()
    assert b"content-type: text/javascript; charset=utf-8" in head.lower()
    assert body == (tree / "page.js").read_bytes()


async def test_curl_path_as_is_traversal(start: Start) -> None:
    port = await start()
    out, _ = await curl(
        "--path-as-is",
        "--write-out",
        "%{http_code}",
        "--output",
        "/dev/null",
        f"http://127.0.0.1:{port}/static/../secret.txt",
    )
    assert out == b"404"
