"""Requests end to end against aioweb's server (aioweb-testkit) on 127.0.0.1."""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from yarl import URL

import aioweb.client
from aioweb import web
from aioweb.client import ClientSession, TCPConnector
from aioweb.protocol import FormData

Start = Callable[[web.Application], Awaitable[URL]]


def _echo_app() -> web.Application:
    app = web.Application()

    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        return web.json_response(
            {
                "method": request.method,
                "path": request.path_qs,
                "headers": dict(request.headers),
                "body": body.decode("latin-1"),
                "chunked": request.headers.get("Transfer-Encoding") == "chunked",
                "peer": request.transport.get_extra_info("peername")[1],  # type: ignore[union-attr]
            }
        )

    async def gz(request: web.Request) -> web.Response:
        resp = web.Response(body=gzip.compress(b"zipped " * 100))
        resp.headers["Content-Encoding"] = "gzip"
        resp.headers["Content-Type"] = "text/plain"
        return resp

    async def deflated(request: web.Request) -> web.Response:
        resp = web.Response(body=zlib.compress(b"deflated"))
        resp.headers["Content-Encoding"] = "deflate"
        return resp

    async def stream(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        for i in range(5):
            await resp.write(f"part{i};".encode())
        await resp.write_eof()
        return resp

    async def latin(request: web.Request) -> web.Response:
        return web.Response(
            body="caf\xe9".encode("latin-1"),
            headers={"Content-Type": "text/plain; charset=latin-1"},
        )

    async def nocharset(request: web.Request) -> web.Response:
        return web.Response(body="ž".encode("cp1250"), content_type="text/plain")

    for path in ("/echo", "/echo/{tail:.*}"):
        app.router.add_route("*", path, echo)

    async def big(request: web.Request) -> web.Response:
        return web.Response(body=b"b" * 4_000_000)

    app.router.add_get("/big", big)
    app.router.add_get("/gzip", gz)
    app.router.add_get("/deflate", deflated)
    app.router.add_get("/stream", stream)
    app.router.add_get("/latin", latin)
    app.router.add_get("/nocharset", nocharset)
    return app


@pytest.fixture
async def base(app_server: Start) -> URL:
    return await app_server(_echo_app())


async def test_get_with_params_and_default_headers(base: URL) -> None:
    async with (
        ClientSession() as session,
        session.get(base / "echo", params={"a": "1", "b": "x y"}) as resp,
    ):
        assert resp.status == 200
        assert resp.ok
        assert resp.reason == "OK"
        assert resp.method == "GET"
        assert resp.content_type == "application/json"
        data = await resp.json()
    assert data["method"] == "GET"
    assert data["path"] == "/echo?a=1&b=x+y"
    headers = data["headers"]
    assert headers["Host"] == f"127.0.0.1:{base.port}"
    assert headers["Accept"] == "*/*"
    assert "gzip" in headers["Accept-Encoding"]
    assert headers["User-Agent"].startswith("Python/")
    assert "Content-Length" not in headers


async def test_post_bytes_text_json_form(base: URL) -> None:
    async with ClientSession() as session:
        async with session.post(base / "echo", data=b"raw\x00bytes") as resp:
            data = await resp.json()
        assert data["body"] == "raw\x00bytes"
        assert data["headers"]["Content-Length"] == "9"
        assert data["headers"]["Content-Type"] == "application/octet-stream"

        async with session.post(base / "echo", json={"k": [1, 2]}) as resp:
            data = await resp.json()
        assert json.loads(data["body"]) == {"k": [1, 2]}
        assert data["headers"]["Content-Type"] == "application/json"

        async with session.put(base / "echo", data={"a": "b c"}) as resp:
            data = await resp.json()
        assert data["method"] == "PUT"
        assert data["body"] == "a=b+c"
        assert data["headers"]["Content-Type"] == "application/x-www-form-urlencoded"

        form = FormData()
        form.add_field("file", io.BytesIO(b"filedata"), filename="f.bin")
        async with session.patch(base / "echo", data=form) as resp:
            data = await resp.json()
        assert data["method"] == "PATCH"
        assert "filedata" in data["body"]
        assert data["headers"]["Content-Type"].startswith("multipart/form-data")


async def test_post_without_body_says_content_length_zero(base: URL) -> None:
    async with ClientSession() as session, session.post(base / "echo") as resp:
        data = await resp.json()
    assert data["headers"]["Content-Length"] == "0"


async def test_async_iterable_body_is_sent_chunked(base: URL) -> None:
    async def produce() -> AsyncIterator[bytes]:
        for piece in (b"one ", b"two ", b"three"):
            yield piece

    async with (
        ClientSession() as session,
        session.post(base / "echo", data=produce()) as resp,
    ):
        data = await resp.json()
    assert data["chunked"] is True
    assert data["body"] == "one two three"


async def test_compressed_request_body(base: URL) -> None:
    async with (
        ClientSession() as session,
        session.post(base / "echo", data=b"x" * 1000, compress="gzip") as r,
    ):
        data = await r.json()
    # the server decodes the body it receives
    assert data["body"] == "x" * 1000
    assert data["headers"]["Content-Encoding"] == "gzip"
    assert data["chunked"] is True


async def test_gzip_and_deflate_responses_are_decoded(base: URL) -> None:
    async with ClientSession() as session:
        async with session.get(base / "gzip") as resp:
            assert await resp.text() == "zipped " * 100
        async with session.get(base / "deflate") as resp:
            assert await resp.read() == b"deflated"
        async with session.get(base / "gzip", auto_decompress=False) as resp:
            assert gzip.decompress(await resp.read()) == b"zipped " * 100


async def test_streaming_a_chunked_response(base: URL) -> None:
    async with ClientSession() as session, session.get(base / "stream") as resp:
        pieces = [chunk async for chunk in resp.content.iter_any()]
    assert b"".join(pieces) == b"part0;part1;part2;part3;part4;"


async def test_keep_alive_reuses_one_connection(base: URL) -> None:
    async with ClientSession() as session:
        peers = set()
        for _ in range(3):
            async with session.get(base / "echo") as resp:
                peers.add((await resp.json())["peer"])
        assert len(peers) == 1
        # An unread body makes the connection unusable: a new one follows.
        async with session.get(base / "big") as resp:
            await resp.content.readexactly(10)
        async with session.get(base / "echo") as resp:
            peers.add((await resp.json())["peer"])
        assert len(peers) == 2


async def test_a_large_body_read_to_the_end_keeps_the_connection(base: URL) -> None:
    # The body is larger than the reader's buffer, so it ends while the
    # caller reads: the connection must still go back to the pool.
    async with ClientSession() as session:
        async with session.get(base / "echo") as resp:
            first = (await resp.json())["peer"]
        for _ in range(2):
            async with session.get(base / "big") as resp:
                assert len(await resp.read()) == 4_000_000
            async with session.get(base / "echo") as resp:
                assert (await resp.json())["peer"] == first


async def test_force_close_uses_a_new_connection_each_time(base: URL) -> None:
    connector = TCPConnector(force_close=True)
    async with ClientSession(connector=connector) as session:
        peers = set()
        for _ in range(2):
            async with session.get(base / "echo") as resp:
                peers.add((await resp.json())["peer"])
    assert len(peers) == 2


async def test_head_has_no_body(base: URL) -> None:
    async with ClientSession() as session, session.head(base / "echo") as resp:
        assert resp.status == 200
        assert await resp.read() == b""


async def test_charset_from_header_and_fallback(base: URL) -> None:
    async with ClientSession() as session, session.get(base / "latin") as resp:
        assert await resp.text() == "caf\xe9"
        assert resp.get_encoding() == "latin-1"

    def resolver(resp: aioweb.client.ClientResponse, body: bytes) -> str:
        return "cp1250"

    async with (
        ClientSession(fallback_charset_resolver=resolver) as session,
        session.get(base / "nocharset") as resp,
    ):
        assert await resp.text() == "ž"


async def test_json_content_type_is_checked(base: URL) -> None:
    async with ClientSession() as session, session.get(base / "latin") as resp:
        with pytest.raises(aioweb.client.ContentTypeError) as info:
            await resp.json()
        assert info.value.status == 200
        with pytest.raises(json.JSONDecodeError):
            await resp.json(content_type=None, encoding="latin-1")


async def test_base_url_and_session_headers(base: URL) -> None:
    async with (
        ClientSession(base_url=base, headers={"X-Session": "1"}) as session,
        session.get("/echo/x", headers={"X-Req": "2"}) as resp,
    ):
        data = await resp.json()
    assert data["path"] == "/echo/x"
    assert data["headers"]["X-Session"] == "1"
    assert data["headers"]["X-Req"] == "2"


async def test_skip_auto_headers(base: URL) -> None:
    async with (
        ClientSession(skip_auto_headers=["User-Agent"]) as session,
        session.get(base / "echo", skip_auto_headers=["Accept"]) as resp,
    ):
        data = await resp.json()
    assert "User-Agent" not in data["headers"]
    assert "Accept" not in data["headers"]


async def test_awaiting_the_request_directly(base: URL) -> None:
    async with ClientSession() as session:
        resp = await session.get(base / "echo")
        assert resp.status == 200
        assert (await resp.json())["method"] == "GET"
        assert resp.closed


async def test_module_level_request(base: URL) -> None:
    async with aioweb.client.request("GET", base / "echo") as resp:
        assert (await resp.json())["method"] == "GET"
    resp = await aioweb.client.request("DELETE", base / "echo")
    assert (await resp.json())["method"] == "DELETE"


async def test_closed_session_refuses_requests(base: URL) -> None:
    session = ClientSession()
    await session.close()
    assert session.closed
    with pytest.raises(RuntimeError, match="closed"):
        await session.get(base / "echo")


async def test_detach_leaves_the_connector_open(base: URL) -> None:
    connector = TCPConnector()
    session = ClientSession(connector=connector)
    session.detach()
    assert session.closed
    assert not connector.closed
    await connector.close()


async def test_response_attributes(base: URL) -> None:
    url = base.with_path("/echo").with_fragment("frag")
    async with ClientSession() as session, session.get(url) as resp:
        assert resp.url == base.with_path("/echo")
        assert resp.real_url == url
        assert resp.host == "127.0.0.1"
        assert resp.request_info.method == "GET"
        assert resp.request_info.url == base.with_path("/echo")
        assert (b"Content-Type", b"application/json; charset=utf-8") in resp.raw_headers
        assert resp.history == ()
        assert resp.content_length == int(resp.headers["Content-Length"])
        assert "200" in repr(resp)
