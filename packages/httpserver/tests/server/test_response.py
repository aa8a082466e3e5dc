"""Responses as they reach the wire: framing, headers, cookies, compression."""

from __future__ import annotations

import datetime
import gzip
import json
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from aioweb import web
from aioweb.protocol import ETag


@pytest.fixture
async def fetch(serve_handler: Any, raw: Any) -> Any:
    """``await fetch(handler, request_bytes)`` → the raw response."""

    async def run(
        handler: Callable[[web.BaseRequest], Awaitable[Any]],
        data: bytes = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        **kwargs: Any,
    ) -> Any:
        served = await serve_handler(handler, **kwargs)
        conn = await raw(served.port)
        await conn.send(data)
        return await conn.read_response(head_only=data.startswith(b"HEAD"))

    return run


async def test_response_defaults(fetch: Any) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(body=b"abc")

    response = await fetch(handler)
    assert (response.status, response.reason) == (200, "OK")
    assert response.headers["Content-Length"] == "3"
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Server"].startswith("Python/")
    assert response.headers["Date"].endswith(" GMT")
    assert response.body == b"abc"


async def test_text_response_and_custom_status(fetch: Any) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(
            text="créé", status=201, reason="Made", headers={"X-A": "1"}
        )

    response = await fetch(handler)
    assert (response.status, response.reason) == (201, "Made")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["X-A"] == "1"
    assert response.body == "créé".encode()


async def test_stream_response_is_chunked(fetch: Any) -> None:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        response = web.StreamResponse()
        response.content_type = "text/plain"
        await response.prepare(request)
        for piece in (b"one ", b"two ", b"three"):
            await response.write(piece)
        await response.write_eof()
        return response

    response = await fetch(handler)
    assert response.chunked
    assert "Content-Length" not in response.headers
    assert response.body == b"one two three"


async def test_stream_response_with_length_is_not_chunked(fetch: Any) -> None:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        response = web.StreamResponse()
        response.content_length = 6
        await response.prepare(request)
        await response.write(b"abc")
        await response.write(b"def")
        await response.write_eof()
        return response

    response = await fetch(handler)
    assert not response.chunked
    assert response.body == b"abcdef"


async def test_http10_stream_response_ends_with_the_connection(
    serve_handler: Any, raw: Any
) -> None:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(b"until close")
        return response

    served = await serve_handler(handler)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    response = await conn.read_response()
    assert response.body == b"until close"
    assert "Content-Length" not in response.headers


async def test_head_has_length_but_no_body(serve_handler: Any, raw: Any) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(body=b"0123456789")

    served = await serve_handler(handler)
    conn = await raw(served.port)
    await conn.send(
        b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    head = await conn.read_response(head_only=True)
    assert head.headers["Content-Length"] == "10"
    get = await conn.read_response()
    assert get.body == b"0123456789"  # nothing of HEAD's body came before it


@pytest.mark.parametrize("status", [204, 304])
async def test_no_body_statuses(serve_handler: Any, raw: Any, status: int) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(status=status, body=b"dropped")

    served = await serve_handler(handler)
    conn = await raw(served.port)
    await conn.send(
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    first = await conn.read_response()
    assert first.status == status
    assert "Transfer-Encoding" not in first.headers
    if status == 204:
        assert "Content-Length" not in first.headers
    second = await conn.read_response()
    assert second.status == status


async def test_json_response(fetch: Any) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.json_response({"a": [1, 2]}, status=202)

    response = await fetch(handler)
    assert response.status == 202
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.body == b'{"a": [1, 2]}'


def test_json_response_refuses_data_with_text() -> None:
    with pytest.raises(ValueError):
        web.json_response({"a": 1}, text="x")


async def test_cookies(fetch: Any) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        response = web.Response(text="c")
        response.set_cookie(
            "sid", "a b", max_age=60, httponly=True, samesite="Lax", secure=True
        )
        response.set_cookie("other", "1", path="/x", domain="example.com")
        response.del_cookie("old")
        return response

    response = await fetch(handler)
    cookies = response.headers.getall("Set-Cookie")
    assert len(cookies) == 3
    sid = next(c for c in cookies if c.startswith("sid="))
    assert sid.startswith('sid="a b"')
    for part in ("HttpOnly", "Max-Age=60", "Path=/", "SameSite=Lax", "Secure"):
        assert part in sid
    other = next(c for c in cookies if c.startswith("other="))
    assert "Domain=example.com" in other and "Path=/x" in other
    old = next(c for c in cookies if c.startswith("old="))
    assert "Max-Age=0" in old and "01 Jan 1970" in old


def test_cookie_injection_is_refused() -> None:
    response = web.StreamResponse()
    with pytest.raises(ValueError):
        response.set_cookie("a", "b", path="/; Domain=evil")


@pytest.mark.parametrize(
    ("accept", "coding"),
    [("gzip", "gzip"), ("deflate, gzip", "deflate"), ("gzip;q=0, deflate", "deflate")],
)
async def test_compression_follows_accept_encoding(
    fetch: Any, accept: str, coding: str
) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        response = web.Response(text="z" * 5000)
        response.enable_compression()
        return response

    response = await fetch(
        handler,
        b"GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: %s\r\n\r\n" % accept.encode(),
    )
    assert response.headers["Content-Encoding"] == coding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert int(response.headers["Content-Length"]) == len(response.body) < 5000
    decoded = (
        gzip.decompress(response.body)
        if coding == "gzip"
        else zlib.decompress(response.body)
    )
    assert decoded == b"z" * 5000


async def test_compression_without_accept_encoding_sends_identity(fetch: Any) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        response = web.Response(text="z" * 100)
        response.enable_compression()
        return response

    response = await fetch(handler)
    assert "Content-Encoding" not in response.headers
    assert response.body == b"z" * 100


async def test_streamed_compression_in_executor_size(fetch: Any) -> None:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_compression(web.ContentCoding.gzip)
        await response.prepare(request)
        for _ in range(10):
            await response.write(b"y" * 1000)
        await response.write_eof()
        return response

    response = await fetch(handler)
    assert response.chunked
    assert gzip.decompress(response.body) == b"y" * 10000


async def test_big_body_compressed_in_executor(fetch: Any) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        response = web.Response(body=b"q" * 100_000, zlib_executor_size=1000)
        response.enable_compression(web.ContentCoding.deflate)
        return response

    response = await fetch(handler)
    assert zlib.decompress(response.body) == b"q" * 100_000


async def test_last_modified_and_etag(fetch: Any) -> None:
    moment = datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)

    async def handler(request: web.BaseRequest) -> web.Response:
        response = web.Response()
        response.last_modified = moment
        response.etag = ETag("v1", is_weak=True)
        assert response.last_modified == moment
        assert response.etag == ETag("v1", is_weak=True)
        return response

    response = await fetch(handler)
    assert response.headers["Last-Modified"] == "Thu, 02 Jan 2020 03:04:05 GMT"
    assert response.headers["ETag"] == 'W/"v1"'


def test_response_argument_checks() -> None:
    with pytest.raises(ValueError):
        web.Response(body=b"a", text="b")
    with pytest.raises(TypeError):
        web.Response(text=b"bytes")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        web.Response(headers={"Content-Type": "text/html"}, content_type="text/plain")
    with pytest.raises(ValueError):
        web.Response(reason="bad\r\nInjected: 1")
    response = web.StreamResponse()
    response.content_length = 5
    with pytest.raises(RuntimeError):
        response.enable_chunked_encoding()
    with pytest.raises(ValueError):
        response.etag = "*"


def test_content_type_and_charset_setters() -> None:
    response = web.StreamResponse()
    with pytest.raises(RuntimeError):
        response.charset = "utf-8"
    response.content_type = "text/html"
    response.charset = "UTF-8"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert (response.content_type, response.charset) == ("text/html", "utf-8")


async def test_http_exception_raised_or_returned(serve_handler: Any, raw: Any) -> None:
    async def handler(request: web.BaseRequest) -> Any:
        if request.path == "/raise":
            raise web.HTTPFound("/elsewhere", headers={"X-A": "1"})
        if request.path == "/return":
            return web.HTTPForbidden(text="go away")
        raise web.HTTPMethodNotAllowed("PUT", ["GET", "POST"])

    served = await serve_handler(handler)
    conn = await raw(served.port)
    await conn.send(b"GET /raise HTTP/1.1\r\nHost: x\r\n\r\n")
    found = await conn.read_response()
    assert found.status == 302
    assert found.headers["Location"] == "/elsewhere"
    assert found.headers["X-A"] == "1"
    assert found.body == b"302: Found"
    await conn.send(b"GET /return HTTP/1.1\r\nHost: x\r\n\r\n")
    forbidden = await conn.read_response()
    assert (forbidden.status, forbidden.body) == (403, b"go away")
    await conn.send(b"GET /405 HTTP/1.1\r\nHost: x\r\n\r\n")
    not_allowed = await conn.read_response()
    assert not_allowed.status == 405
    assert not_allowed.headers["Allow"] == "GET,POST"


async def test_routing_errors_are_http_exceptions_middlewares_catch(
    serve_app: Any, raw: Any
) -> None:
    @web.middleware
    async def custom_404(request: web.Request, handler: Any) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPNotFound:
            return web.Response(status=404, text="custom")

    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application(middlewares=[custom_404])
    app.router.add_get("/ok", ok)
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(b"GET /missing HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await conn.read_response()).body == b"custom"
    await conn.send(b"POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
    response = await conn.read_response()
    assert response.status == 405
    assert response.headers["Allow"] == "GET,HEAD"


async def test_on_response_prepare_can_change_headers(serve_app: Any, raw: Any) -> None:
    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def add_header(request: web.Request, response: web.StreamResponse) -> None:
        response.headers["X-Prepared"] = request.path

    app = web.Application()
    app.on_response_prepare.append(add_header)
    app.router.add_get("/ok", ok)
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await conn.read_response()).headers["X-Prepared"] == "/ok"


async def test_header_injection_in_a_handler_header_is_500(fetch: Any) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(headers={"X-Evil": "a\r\nSet-Cookie: x=1"})

    response = await fetch(handler)
    assert response.status == 500
    assert "Set-Cookie" not in response.headers


async def test_short_body_for_content_length_closes(
    serve_handler: Any, raw: Any
) -> None:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        response = web.StreamResponse()
        response.content_length = 10
        await response.prepare(request)
        await response.write(b"abc")
        await response.write_eof()
        return response

    served = await serve_handler(handler)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    # The client must not wait for 7 bytes that never come.
    data = await conn.read_all()
    assert data.endswith(b"\r\n\r\nabc")


def test_state_and_identity() -> None:
    a, b = web.StreamResponse(), web.StreamResponse()
    key = web.ResponseKey("k", int)
    a[key] = 1
    assert a[key] == 1 and len(a) == 1 and list(a) == [key]
    assert a != b and hash(a) != hash(b) and bool(web.StreamResponse())
    assert not a.prepared


@pytest.mark.parametrize(
    "data",
    [
        {"message": "Hello, world", "id": 42, "tags": ["a", "b"]},
        'é\u2028"quoted"',
        [1.5, float("nan"), float("inf"), None, True],
        {"nested": {"deeper": [{"k": "v"}]}, 3: "int key"},
    ],
)
def test_json_response_sends_what_json_dumps_makes(data: Any) -> None:
    response = web.json_response(data)
    assert response.body == json.dumps(data).encode()
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.charset == "utf-8"
    assert web.json_response(data, dumps=lambda _: "[]").body == b"[]"


def test_json_response_refuses_what_json_dumps_refuses() -> None:
    with pytest.raises(TypeError):
        web.json_response({"when": object()})
    circular: list[Any] = []
    circular.append(circular)
    with pytest.raises(ValueError, match="Circular"):
        web.json_response(circular)
    # Nothing is left behind by a failure: the next one encodes normally.
    assert web.json_response([1]).body == b"[1]"


@pytest.mark.parametrize(
    ("content_type", "charset", "expected", "body"),
    [
        ("text/html", None, "text/html; charset=utf-8", "é".encode()),
        ("", None, "text/plain; charset=utf-8", "é".encode()),
        (None, "latin-1", "text/plain; charset=latin-1", "é".encode("latin-1")),
        ("text/csv", "utf-8", "text/csv; charset=utf-8", "é".encode()),
    ],
)
def test_text_with_a_content_type_or_charset(
    content_type: str | None, charset: str | None, expected: str, body: bytes
) -> None:
    for _ in range(2):  # the second one reuses the field value made first
        response = web.Response(text="é", content_type=content_type, charset=charset)
        assert response.headers["Content-Type"] == expected
        assert response.body == body
