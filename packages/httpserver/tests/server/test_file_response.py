"""FileResponse over a real connection: validators, preconditions, ranges."""

from __future__ import annotations

import asyncio
import email.utils
import gzip
import math
import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from aioweb import web
from aioweb.testkit import RawConnection, TLSCertificates
from aioweb.web.file_response import PRELOAD_LIMIT, guess_content_type

DATA = bytes(range(256)) * 40  # 10240 bytes
LARGE = bytes(range(251)) * 400  # over PRELOAD_LIMIT
MTIME_NS = 1_700_000_000_250_000_000
MTIME = MTIME_NS / 1e9


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "data.bin").write_bytes(DATA)
    (tmp_path / "large.bin").write_bytes(LARGE)
    os.utime(tmp_path / "data.bin", ns=(MTIME_NS, MTIME_NS))
    (tmp_path / "page.html").write_text("<p>plain</p>")
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(b"<p>plain</p>", mtime=0))
    (tmp_path / "page.html.br").write_bytes(b"brotli-bytes")
    (tmp_path / "only.css").write_text("body {}")
    (tmp_path / "only.css.gz").write_bytes(gzip.compress(b"body {}"))
    (tmp_path / "archive.tar.gz").write_bytes(b"\x1f\x8b tar")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "dir").mkdir()
    return tmp_path


@pytest.fixture
async def port(files: Path, serve_app: Callable[..., Awaitable[Any]]) -> int:
    app = web.Application()

    async def send(request: web.Request) -> web.FileResponse:
        return web.FileResponse(files / request.match_info["name"], chunk_size=1000)

    async def compressed(request: web.Request) -> web.FileResponse:
        response = web.FileResponse(files / "data.bin")
        response.enable_compression(web.ContentCoding.gzip)
        return response

    async def labelled(request: web.Request) -> web.FileResponse:
        return web.FileResponse(
            files / "data.bin", headers={"Content-Type": "x/custom"}, status=203
        )

    app.router.add_get("/gz", compressed)
    app.router.add_get("/labelled", labelled)
    app.router.add_route("*", "/f/{name}", send)
    served = await serve_app(app)
    return int(served.port)


Fetch = Callable[..., Awaitable[Any]]


@pytest.fixture
def fetch(port: int, raw: Callable[[int], Awaitable[Any]]) -> Fetch:
    async def request(path: str, *headers: str, method: str = "GET") -> Any:
        connection = await raw(port)
        lines = [f"{method} {path} HTTP/1.1", "Host: t", *headers, "Connection: close"]
        await connection.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        return await connection.read_response(head_only=method == "HEAD")

    return request


ETAG = f'"{MTIME_NS:x}-{len(DATA):x}"'
# Last-Modified rounds up to whole seconds, as aiohttp does.
LAST_MODIFIED = email.utils.formatdate(math.ceil(MTIME), usegmt=True)


async def test_whole_file_with_validators(fetch: Fetch) -> None:
    response = await fetch("/f/data.bin")
    assert response.status == 200
    assert response.body == DATA
    assert response.headers["Content-Length"] == str(len(DATA))
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["ETag"] == ETAG
    assert response.headers["Last-Modified"] == LAST_MODIFIED
    assert "Vary" not in response.headers


async def test_head_sends_no_body(fetch: Fetch, port: int) -> None:
    response = await fetch("/f/data.bin", method="HEAD")
    assert response.status == 200
    assert response.headers["Content-Length"] == str(len(DATA))
    assert response.body == b""


async def test_missing_directory_and_empty(fetch: Fetch) -> None:
    assert (await fetch("/f/nope.txt")).status == 404
    assert (await fetch("/f/dir")).status == 403
    empty = await fetch("/f/empty.txt")
    assert (empty.status, empty.body) == (200, b"")
    assert empty.headers["Content-Type"] == "text/plain; charset=utf-8"


async def test_user_content_type_and_status_are_kept(fetch: Fetch) -> None:
    response = await fetch("/labelled")
    assert (response.status, response.headers["Content-Type"]) == (203, "x/custom")
    assert response.body == DATA


def test_content_types() -> None:
    assert guess_content_type("a.html") == "text/html; charset=utf-8"
    assert guess_content_type("a.css") == "text/css; charset=utf-8"
    assert guess_content_type("a.png") == "image/png"
    assert guess_content_type("a.tar.gz") == "application/gzip"
    assert guess_content_type("a.unknownext") == "application/octet-stream"
    assert guess_content_type("noext") == "application/octet-stream"


async def test_compressed_archive_is_not_given_a_content_encoding(
    fetch: Fetch,
) -> None:
    response = await fetch("/f/archive.tar.gz", "Accept-Encoding: gzip")
    assert response.headers["Content-Type"] == "application/gzip"
    assert "Content-Encoding" not in response.headers


# -- preconditions, RFC 9110 §13.2.2 --------------------------------------


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ((f"If-None-Match: {ETAG}",), 304),
        ((f"If-None-Match: W/{ETAG}",), 304),  # weak comparison
        (("If-None-Match: *",), 304),
        (('If-None-Match: "other"',), 200),
        ((f"If-Modified-Since: {LAST_MODIFIED}",), 304),
        (("If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT",), 200),
        (("If-Modified-Since: garbage",), 200),
        # If-None-Match is evaluated instead of If-Modified-Since.
        (('If-None-Match: "other"', f"If-Modified-Since: {LAST_MODIFIED}"), 200),
        ((f"If-Match: {ETAG}",), 200),
        (("If-Match: *",), 200),
        (('If-Match: "other"',), 412),
        ((f"If-Match: W/{ETAG}",), 412),  # strong comparison
        ((f"If-Unmodified-Since: {LAST_MODIFIED}",), 200),
        (("If-Unmodified-Since: Mon, 01 Jan 2001 00:00:00 GMT",), 412),
        # If-Match is evaluated instead of If-Unmodified-Since.
        (
            (f"If-Match: {ETAG}", "If-Unmodified-Since: Mon, 01 Jan 2001 00:00:00 GMT"),
            200,
        ),
        # A failed If-Match wins over a matching If-None-Match.
        (('If-Match: "other"', f"If-None-Match: {ETAG}"), 412),
    ],
)
async def test_preconditions(
    fetch: Fetch, headers: tuple[str, ...], status: int
) -> None:
    response = await fetch("/f/data.bin", *headers)
    assert response.status == status
    if status == 304:
        assert response.body == b""
        assert response.headers["ETag"] == ETAG
        assert response.headers["Last-Modified"] == LAST_MODIFIED
    elif status == 412:
        assert response.body == b""
    else:
        assert response.body == DATA


async def test_if_none_match_on_a_post_is_412(fetch: Fetch) -> None:
    response = await fetch(
        "/f/data.bin", f"If-None-Match: {ETAG}", "Content-Length: 0", method="POST"
    )
    assert response.status == 412


# -- ranges, RFC 9110 §14 ---------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "start", "stop"),
    [
        ("bytes=0-99", 0, 100),
        ("bytes=100-", 100, len(DATA)),
        ("bytes=-100", len(DATA) - 100, len(DATA)),
        ("bytes=-99999", 0, len(DATA)),
        ("bytes=10000-99999", 10000, len(DATA)),
        ("bytes=5-5", 5, 6),
        ("bytes=0-10,5-20", 0, 21),  # overlapping ranges are merged
    ],
)
async def test_single_range(fetch: Fetch, spec: str, start: int, stop: int) -> None:
    response = await fetch("/f/data.bin", f"Range: {spec}")
    assert response.status == 206
    assert response.body == DATA[start:stop]
    assert response.headers["Content-Range"] == f"bytes {start}-{stop - 1}/{len(DATA)}"
    assert response.headers["Content-Length"] == str(stop - start)


async def test_multiple_ranges_are_multipart(fetch: Fetch) -> None:
    response = await fetch("/f/data.bin", "Range: bytes=500-599, 0-9,-5")
    assert response.status == 206
    content_type = response.headers["Content-Type"]
    match = re.fullmatch(r"multipart/byteranges; boundary=(\w+)", content_type)
    assert match is not None
    boundary = match[1].encode()
    assert int(response.headers["Content-Length"]) == len(response.body)
    parts = response.body.split(b"--" + boundary)
    assert parts[0] == b"" and parts[-1] == b"--\r\n"
    expected = [(500, 600), (0, 10), (len(DATA) - 5, len(DATA))]
    for part, (start, stop) in zip(parts[1:-1], expected, strict=True):
        head, _, body = part.partition(b"\r\n\r\n")
        assert head.split(b"\r\n")[1:] == [
            b"Content-Type: application/octet-stream",
            f"Content-Range: bytes {start}-{stop - 1}/{len(DATA)}".encode(),
        ]
        assert body == DATA[start:stop] + b"\r\n"


@pytest.mark.parametrize(
    "spec",
    [
        "bytes=99999-",
        "bytes=10240-10300",
        "bytes=20-10",
        "bytes=abc",
        "bytes=",
        "bytes=-0",
        "bytes=" + ",".join(f"{n}-{n}" for n in range(0, 200, 2)),  # too many
    ],
)
async def test_unsatisfiable_ranges_are_416(fetch: Fetch, spec: str) -> None:
    response = await fetch("/f/data.bin", f"Range: {spec}")
    assert response.status == 416
    assert response.headers["Content-Range"] == f"bytes */{len(DATA)}"
    assert response.body == b""


async def test_other_range_units_are_ignored(fetch: Fetch) -> None:
    response = await fetch("/f/data.bin", "Range: items=0-5")
    assert (response.status, response.body) == (200, DATA)


@pytest.mark.parametrize(
    ("if_range", "partial"),
    [
        (ETAG, True),
        ('"stale"', False),
        (f"W/{ETAG}", False),  # weak tags never match If-Range
        (LAST_MODIFIED, True),
        ("Mon, 01 Jan 2001 00:00:00 GMT", False),
        ("not a date", False),
    ],
)
async def test_if_range(fetch: Fetch, if_range: str, partial: bool) -> None:
    response = await fetch("/f/data.bin", "Range: bytes=0-9", f"If-Range: {if_range}")
    if partial:
        assert (response.status, response.body) == (206, DATA[:10])
    else:
        assert (response.status, response.body) == (200, DATA)


async def test_range_on_post_is_ignored(fetch: Fetch) -> None:
    response = await fetch(
        "/f/data.bin", "Range: bytes=0-9", "Content-Length: 0", method="POST"
    )
    assert (response.status, response.body) == (200, DATA)


# -- precompressed sidecars -------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "coding", "body"),
    [
        ("gzip, deflate, br", "br", b"brotli-bytes"),
        ("gzip", "gzip", gzip.compress(b"<p>plain</p>", mtime=0)),
        ("br;q=0, gzip", "gzip", gzip.compress(b"<p>plain</p>", mtime=0)),
        ("identity", None, b"<p>plain</p>"),
    ],
)
async def test_sidecars(
    fetch: Fetch, accept: str, coding: str | None, body: bytes
) -> None:
    response = await fetch("/f/page.html", f"Accept-Encoding: {accept}")
    assert response.status == 200
    assert response.headers.get("Content-Encoding") == coding
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.body == body
    assert response.headers["Content-Length"] == str(len(body))


async def test_gzip_only_sidecar(fetch: Fetch) -> None:
    response = await fetch("/f/only.css", "Accept-Encoding: br, gzip")
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.body) == b"body {}"
    assert response.headers["Content-Type"] == "text/css; charset=utf-8"


async def test_on_the_fly_compression_reads_in_pieces(fetch: Fetch) -> None:
    response = await fetch("/gz", "Accept-Encoding: gzip")
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.body) == DATA


# -- how the body goes out --------------------------------------------------


def test_large_is_over_the_preload_limit() -> None:
    assert len(LARGE) > PRELOAD_LIMIT >= len(DATA)


async def test_sendfile_on_a_plain_socket(
    fetch: Fetch, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = asyncio.get_running_loop()
    original = loop.sendfile
    calls: list[tuple[int, int | None]] = []

    async def spy(
        transport: Any, file: Any, offset: int = 0, count: int | None = None, **kw: Any
    ) -> int:
        calls.append((offset, count))
        return await original(transport, file, offset, count, **kw)

    monkeypatch.setattr(loop, "sendfile", spy)
    response = await fetch("/f/large.bin", "Range: bytes=100-199")
    assert response.body == LARGE[100:200]
    assert calls == [(100, 100)]
    # A small file is read when opened and written with the head.
    calls.clear()
    assert (await fetch("/f/data.bin")).body == DATA
    assert calls == []
    # So is a small range... of a small file only.
    assert (await fetch("/f/data.bin", "Range: bytes=5-9")).body == DATA[5:10]
    assert calls == []
    # A conditional GET and a HEAD do not read ahead.
    assert (await fetch("/f/data.bin", 'If-None-Match: "x"')).body == DATA
    assert calls == [(0, len(DATA))]


async def test_tls_falls_back_to_reading_the_file(
    files: Path,
    aioweb_server: Callable[..., Awaitable[Any]],
    aioweb_tls_certificates: TLSCertificates,
    aioweb_raw_client: Callable[..., Awaitable[RawConnection]],
) -> None:
    big = os.urandom(700_000)
    (files / "big.bin").write_bytes(big)

    async def send(request: web.Request) -> web.FileResponse:
        return web.FileResponse(files / "big.bin", chunk_size=4096)

    app = web.Application()
    app.router.add_get("/big", send)
    server = await aioweb_server(app, ssl=aioweb_tls_certificates.server_context())
    conn = await aioweb_raw_client(
        server, ssl_context=aioweb_tls_certificates.client_context(), timeout=20
    )
    await conn.send(
        b"GET /big HTTP/1.1\r\nHost: t\r\nRange: bytes=1000-,0-99\r\n"
        b"Connection: close\r\n\r\n"
    )
    data = await conn.read_all()
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 206 ")
    assert big[1000:] in body and big[:100] in body
    length = re.search(rb"Content-Length: (\d+)", head)
    assert length is not None and int(length[1]) == len(body)
