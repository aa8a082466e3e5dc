"""The request's read API, observed from handlers behind a real socket."""

from __future__ import annotations

import asyncio
import datetime
import io
from typing import Any

import pytest
from yarl import URL

from aioweb import web
from aioweb.protocol import ETag, FormData


@pytest.fixture
async def capture(serve_handler: Any, raw: Any) -> Any:
    """``await capture(request_bytes)`` → the request the handler saw (read)."""

    async def run(data: bytes, *, read: bool = True, **kwargs: Any) -> dict[str, Any]:
        seen: dict[str, Any] = {}

        async def handler(request: web.BaseRequest) -> web.StreamResponse:
            seen["request"] = request
            seen["body"] = await request.read() if read else None
            for name in (
                "method",
                "version",
                "url",
                "rel_url",
                "scheme",
                "secure",
                "host",
                "remote",
                "path",
                "path_qs",
                "raw_path",
                "query_string",
                "keep_alive",
                "content_type",
                "charset",
                "content_length",
                "if_match",
                "if_none_match",
                "if_modified_since",
                "if_unmodified_since",
                "if_range",
                "forwarded",
                "body_exists",
                "can_read_body",
            ):
                seen[name] = getattr(request, name)
            seen["query"] = dict(request.query)
            seen["cookies"] = dict(request.cookies)
            seen["headers"] = dict(request.headers)
            seen["raw_headers"] = request.raw_headers
            seen["peername"] = request.get_extra_info("peername")
            seen["transport"] = request.transport
            seen["task"] = request.task
            return web.Response(text="ok")

        served = await serve_handler(handler, **kwargs)
        conn = await raw(served.port)
        await conn.send(data)
        response = await conn.read_response()
        assert response.status == 200
        seen["port"] = served.port
        return seen

    return run


async def test_request_line_and_url(capture: Any) -> None:
    seen = await capture(
        b"GET /p%C3%A4th/x?a=1&b=%20two&a=3 HTTP/1.1\r\nHost: example.com:81\r\n\r\n"
    )
    assert seen["method"] == "GET"
    assert seen["version"] == (1, 1)
    assert seen["path"] == "/päth/x"
    assert seen["raw_path"] == "/p%C3%A4th/x?a=1&b=%20two&a=3"
    assert seen["path_qs"] == "/p%C3%A4th/x?a=1&b=%20two&a=3"
    assert seen["query_string"] == "a=1&b= two&a=3"
    assert seen["request"].query.getall("a") == ["1", "3"]
    assert seen["host"] == "example.com:81"
    assert seen["scheme"] == "http"
    assert seen["secure"] is False
    assert seen["url"] == URL("http://example.com:81/p%C3%A4th/x?a=1&b=%20two&a=3")
    assert seen["rel_url"] == URL("/p%C3%A4th/x?a=1&b=%20two&a=3")
    assert seen["remote"] == "127.0.0.1"
    assert seen["peername"][0] == "127.0.0.1"
    assert seen["task"] is not None


async def test_double_slash_path_is_a_path(capture: Any) -> None:
    seen = await capture(b"GET //evil.example/x HTTP/1.1\r\nHost: good\r\n\r\n")
    assert seen["path"] == "//evil.example/x"
    assert seen["host"] == "good"
    assert seen["url"].host == "good"


async def test_absolute_form_target_names_the_host(capture: Any) -> None:
    # RFC 9112 §3.2.2: the target's authority wins over Host.
    seen = await capture(b"GET http://a.example/x?y=1 HTTP/1.1\r\nHost: b\r\n\r\n")
    assert seen["host"] == "a.example"
    assert seen["path_qs"] == "/x?y=1"


async def test_headers_cookies_and_keep_alive(capture: Any) -> None:
    seen = await capture(
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Multi: 1\r\nX-Multi: 2\r\n"
        b'Cookie: a=1; b="two"\r\nCookie: c=3\r\nConnection: close\r\n\r\n'
    )
    request = seen["request"]
    assert request.headers.getall("x-multi") == ["1", "2"]
    assert (b"X-Multi", b"1") in seen["raw_headers"]
    assert seen["cookies"] == {"a": "1", "b": "two", "c": "3"}
    assert seen["keep_alive"] is False


async def test_content_headers(capture: Any) -> None:
    seen = await capture(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: Text/Plain; Charset=latin-1\r\n"
        b"Content-Length: 3\r\n\r\nabc"
    )
    assert seen["content_type"] == "text/plain"
    assert seen["charset"] == "latin-1"
    assert seen["content_length"] == 3
    assert seen["body"] == b"abc"
    assert seen["body_exists"] is True
    assert seen["can_read_body"] is False  # read by now


async def test_no_body(capture: Any) -> None:
    seen = await capture(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert seen["content_type"] == "application/octet-stream"
    assert seen["charset"] is None
    assert seen["content_length"] is None
    assert seen["body_exists"] is False
    assert seen["body"] == b""


async def test_conditional_headers(capture: Any) -> None:
    seen = await capture(
        b"GET / HTTP/1.1\r\nHost: x\r\n"
        b'If-Match: "a", W/"b"\r\nIf-None-Match: *\r\n'
        b"If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
        b"If-Unmodified-Since: not a date\r\n"
        b"If-Range: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"
    )
    assert seen["if_match"] == (ETag("a"), ETag("b", is_weak=True))
    assert seen["if_none_match"] == (ETag("*"),)
    moment = datetime.datetime(1994, 11, 6, 8, 49, 37, tzinfo=datetime.timezone.utc)
    assert seen["if_modified_since"] == moment
    assert seen["if_unmodified_since"] is None
    assert seen["if_range"] == moment


async def test_malformed_if_match_is_ignored(capture: Any) -> None:
    seen = await capture(b"GET / HTTP/1.1\r\nHost: x\r\nIf-Match: unquoted\r\n\r\n")
    assert seen["if_match"] is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, slice(None, None, 1)),
        ("bytes=0-99", slice(0, 100, 1)),
        ("bytes=100-", slice(100, None, 1)),
        ("bytes=-50", slice(-50, None, 1)),
    ],
)
async def test_http_range(capture: Any, value: str | None, expected: slice) -> None:
    header = b"" if value is None else b"Range: %s\r\n" % value.encode()
    seen = await capture(b"GET / HTTP/1.1\r\nHost: x\r\n" + header + b"\r\n")
    assert seen["request"].http_range == expected


@pytest.mark.parametrize(
    "value", ["bytes=5-1", "bytes=-", "items=0-1", "bytes=0-1,3-4"]
)
async def test_http_range_rejects(capture: Any, value: str) -> None:
    seen = await capture(
        b"GET / HTTP/1.1\r\nHost: x\r\nRange: %s\r\n\r\n" % value.encode()
    )
    with pytest.raises(ValueError):
        seen["request"].http_range  # noqa: B018


async def test_forwarded_is_parsed_but_not_trusted(capture: Any) -> None:
    seen = await capture(
        b"GET / HTTP/1.1\r\nHost: real\r\n"
        b'Forwarded: for=192.0.2.60;proto=https;host=fake, for="[2001:db8::1]"\r\n'
        b"X-Forwarded-For: 203.0.113.9\r\n\r\n"
    )
    assert seen["forwarded"] == (
        {"for": "192.0.2.60", "proto": "https", "host": "fake"},
        {"for": "[2001:db8::1]"},
    )
    assert seen["scheme"] == "http"
    assert seen["host"] == "real"
    assert seen["remote"] == "127.0.0.1"


async def test_clone_overrides_and_shares_state(capture: Any) -> None:
    seen = await capture(
        b"GET /a?x=1 HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n", read=False
    )
    request = seen["request"]
    request["k"] = "v"
    clone = request.clone(
        method="POST",
        rel_url="/b?y=2",
        headers={"X-B": "2"},
        scheme="https",
        host="proxy.example",
        remote="10.0.0.1",
    )
    assert (clone.method, clone.path, clone.query_string) == ("POST", "/b", "y=2")
    assert "X-A" not in clone.headers and clone.headers["X-B"] == "2"
    assert clone.url == URL("https://proxy.example/b?y=2")
    assert clone.secure and clone.remote == "10.0.0.1"
    assert clone["k"] == "v"
    assert request.method == "GET" and request.scheme == "http"


async def test_clone_after_read_is_refused(capture: Any) -> None:
    seen = await capture(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx")
    with pytest.raises(RuntimeError):
        seen["request"].clone(method="GET")


async def test_state_mapping(capture: Any) -> None:
    seen = await capture(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    request = seen["request"]
    key = web.RequestKey("user", str)
    request[key] = "alice"
    request["plain"] = 1
    assert request[key] == "alice"
    assert set(request) == {key, "plain"}
    del request["plain"]
    assert len(request) == 1


async def test_text_json_and_charset(serve_app: Any, raw: Any) -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.path == "/json":
            data = await request.json()
            return web.json_response({"got": data})
        return web.Response(text=await request.text())

    app = web.Application()
    app.router.add_post("/{name}", handler)
    served = await serve_app(app)
    conn = await raw(served.port)
    body = '{"a": [1, "ü"]}'.encode()
    await conn.send(
        b"POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    # json.dumps escapes non-ASCII by default, as with aiohttp.
    assert (await conn.read_response()).body == b'{"got": {"a": [1, "\\u00fc"]}}'
    latin = "é".encode("latin-1")
    await conn.send(
        b"POST /text HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain; charset=latin-1"
        b"\r\nContent-Length: 1\r\n\r\n" + latin
    )
    assert (await conn.read_response()).body == "é".encode()
    await conn.send(b"POST /text HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n\xff")
    assert (await conn.read_response()).status == 400


async def test_post_urlencoded_and_multipart(serve_app: Any, raw: Any) -> None:
    async def handler(request: web.Request) -> web.Response:
        form = await request.post()
        parts = []
        for name, value in form.items():
            if isinstance(value, web.FileField):
                parts.append(
                    f"{name}=file:{value.filename}:{value.content_type}:"
                    f"{value.file.read().decode()}"
                )
            else:
                parts.append(f"{name}={value}")
        return web.Response(text="|".join(parts))

    app = web.Application()
    app.router.add_route("*", "/", handler)
    served = await serve_app(app)
    conn = await raw(served.port)
    body = b"a=1&b=two+words&a=%C3%BC&empty="
    await conn.send(
        b"POST / HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    assert (await conn.read_response()).body == "a=1|b=two words|a=ü|empty=".encode()

    form = FormData()
    form.add_field("field", "value")
    form.add_field(
        "upload", io.BytesIO(b"file body"), filename="f.txt", content_type="text/plain"
    )
    payload = form()
    chunks: list[bytes] = []

    class Collect:
        async def write(self, chunk: bytes) -> None:
            chunks.append(chunk)

    await payload.write(Collect())
    data = b"".join(chunks)
    await conn.send(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\n"
        b"Content-Length: %d\r\n\r\n%s"
        % (payload.content_type.encode(), len(data), data)
    )
    assert (
        await conn.read_response()
    ).body == b"field=value|upload=file:f.txt:text/plain:file body"

    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await conn.read_response()).body == b""


async def test_post_field_count_is_limited(serve_app: Any, raw: Any) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=str(len(await request.post())))

    app = web.Application(client_max_fields=3)
    app.router.add_post("/", handler)
    served = await serve_app(app)
    conn = await raw(served.port)
    body = b"a=1&b=2&c=3&d=4"
    await conn.send(
        b"POST / HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    assert (await conn.read_response()).status == 400


async def test_streaming_the_content(serve_handler: Any, raw: Any) -> None:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        lines = [line async for line in request.content]
        return web.Response(text=repr(lines))

    served = await serve_handler(handler)
    conn = await raw(served.port)
    await conn.send(
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"4\r\na\nb\n\r\n2\r\nc\n\r\n0\r\n\r\n"
    )
    assert (await conn.read_response()).body == b"[b'a\\n', b'b\\n', b'c\\n']"


async def test_gzip_body_is_decoded(serve_handler: Any, raw: Any) -> None:
    import gzip

    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(body=await request.read())

    served = await serve_handler(handler)
    conn = await raw(served.port)
    body = gzip.compress(b"x" * 1000)
    await conn.send(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body) + body
    )
    assert (await conn.read_response()).body == b"x" * 1000


async def test_app_request_has_match_info_app_and_config_dict(
    serve_app: Any, raw: Any
) -> None:
    key = web.AppKey("name", str)
    seen: dict[str, Any] = {}

    async def handler(request: web.Request) -> web.Response:
        seen["match"] = dict(request.match_info)
        seen["app"] = request.app
        seen["name"] = request.config_dict[key]
        return web.Response()

    app = web.Application()
    app[key] = "root"
    sub = web.Application()
    sub.router.add_get("/{id}", handler)
    app.add_subapp("/sub", sub)
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(b"GET /sub/42 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await conn.read_response()).status == 200
    assert seen == {"match": {"id": "42"}, "app": sub, "name": "root"}


class _CountingTransport(asyncio.Transport):
    """Takes what the server writes; closes when asked."""

    def __init__(self) -> None:
        super().__init__()
        self.written = b""
        self.closed = False

    def write(self, data: Any) -> None:
        self.written += bytes(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 1) if name == "peername" else default


async def test_an_app_runner_builds_requests_with_the_apps_limits_and_loop() -> None:
    seen: list[tuple[type[web.BaseRequest], int, int, Any]] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(
            (
                type(request),
                request.client_max_size,
                request._client_max_fields,
                request._loop,
            )
        )
        return web.Response(text="ok")

    class OwnRequest(web.Request):
        pass

    class OwnRunner(web.AppRunner):
        def _make_request(self, *args: Any, **kwargs: Any) -> web.Request:
            return super()._make_request(*args, _cls=OwnRequest, **kwargs)

    for runner_class in (web.AppRunner, OwnRunner):
        app = web.Application(client_max_size=1234, client_max_fields=7)
        app.router.add_get("/", handler)
        runner = runner_class(app, access_log=None)
        await runner.setup()
        try:
            server = runner.server
            assert server is not None
            protocol = server()
            transport = _CountingTransport()
            protocol.connection_made(transport)
            protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            for _ in range(5):
                await asyncio.sleep(0)
            protocol.connection_lost(None)
            assert transport.written.startswith(b"HTTP/1.1 200 OK\r\n")
        finally:
            await runner.cleanup()
    loop = asyncio.get_running_loop()
    assert seen == [(web.Request, 1234, 7, loop), (OwnRequest, 1234, 7, loop)]
