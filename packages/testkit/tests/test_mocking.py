"""make_mocked_request: real requests over a transport that keeps the bytes."""

from __future__ import annotations

import asyncio
import ssl

import pytest

from aioweb import web
from aioweb.parser import HttpVersion10
from aioweb.protocol import StreamReader
from aioweb.testkit import TestkitError, make_mocked_request
from aioweb.testkit.mocking import MockedProtocol, MockedTransport


def test_request_line_headers_and_routing_without_a_loop() -> None:
    request = make_mocked_request(
        "GET", "/users/7?full=1", {"Host": "example.com"}, match_info={"id": "7"}
    )
    assert isinstance(request, web.Request)
    assert request.method == "GET"
    assert request.path == "/users/7"
    assert request.query["full"] == "1"
    assert request.host == "example.com"
    assert request.match_info["id"] == "7"
    assert isinstance(request.app, web.Application)
    assert request.keep_alive
    assert request.scheme == "http"
    assert request.remote is None


def test_closing_and_http_1_0() -> None:
    assert not make_mocked_request("GET", "/", closing=True).keep_alive
    assert not make_mocked_request("GET", "/", version=HttpVersion10).keep_alive


def test_given_app_and_sslcontext() -> None:
    app = web.Application()
    request = make_mocked_request(
        "GET", "/", app=app, sslcontext=ssl.create_default_context()
    )
    assert request.app is app
    assert request.scheme == "https" and request.secure


def test_headers_framing() -> None:
    request = make_mocked_request(
        "POST", "/", {"Content-Length": "3", "Content-Type": "text/plain"}
    )
    assert request.message.content_length == 3
    assert request.content_type == "text/plain"
    chunked = make_mocked_request("POST", "/", {"Transfer-Encoding": "chunked"})
    assert chunked.message.chunked


async def test_the_response_is_written_to_the_transport() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=f"item {request.match_info['id']}", status=201)

    request = make_mocked_request("GET", "/items/3", match_info={"id": "3"})
    response = await handler(request)
    await response.prepare(request)
    await response.write_eof()
    transport = request.transport
    assert isinstance(transport, MockedTransport)
    written = bytes(transport.written)
    assert written.startswith(b"HTTP/1.1 201 Created\r\n")
    assert written.endswith(b"\r\n\r\nitem 3")


async def test_payload_is_the_body() -> None:
    protocol = MockedProtocol(asyncio.get_running_loop(), MockedTransport())
    payload = StreamReader(protocol, loop=asyncio.get_running_loop())
    payload.feed_data(b'{"a": 1}')
    payload.feed_eof()
    request = make_mocked_request(
        "POST", "/", {"Content-Type": "application/json"}, payload=payload
    )
    assert await request.json() == {"a": 1}


async def test_client_max_size() -> None:
    protocol = MockedProtocol(asyncio.get_running_loop(), MockedTransport())
    payload = StreamReader(protocol, loop=asyncio.get_running_loop())
    payload.feed_data(b"x" * 100)
    payload.feed_eof()
    request = make_mocked_request("POST", "/", payload=payload, client_max_size=10)
    with pytest.raises(web.HTTPRequestEntityTooLarge):
        await request.read()


async def test_middleware_sees_the_request() -> None:
    seen: list[str] = []

    @web.middleware
    async def record(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        seen.append(request.path)
        return await handler(request)

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    response = await record(make_mocked_request("GET", "/mw"), handler)
    assert seen == ["/mw"]
    assert isinstance(response, web.Response) and response.text == "ok"


async def test_websocket_upgrade_is_refused_clearly() -> None:
    request = make_mocked_request(
        "GET",
        "/ws",
        {
            "Host": "example.com",
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version": "13",
        },
    )
    assert request.message.upgrade
    with pytest.raises(TestkitError, match="cannot be upgraded"):
        await web.WebSocketResponse().prepare(request)


def test_default_route_has_no_handler() -> None:
    request = make_mocked_request("GET", "/x")
    with pytest.raises(TestkitError, match="no handler"):
        asyncio.run(request.match_info.handler(request))  # type: ignore[arg-type]
