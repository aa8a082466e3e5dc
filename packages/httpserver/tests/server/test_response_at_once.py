"""The one-write path of a whole :class:`~aioweb.web.Response`.

An unprepared ``Response`` with a bytes body (or none) that a handler
returns leaves in one ``transport.write`` without ``prepare()``; these tests
hold it to what the general path sends (a subclass of ``Response`` takes the
general path), and check what must still happen on it: signals, cookies,
compression, HEAD, ``Connection: close``, HTTP/1.0, bad header values.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Callable
from typing import Any

import pytest

from aioweb import web
from aioweb.protocol import EMPTY_PAYLOAD


class GeneralPathResponse(web.Response):
    """Same behaviour, but not the very class the shortcut is for."""


def _without_date(head: bytes) -> bytes:
    return b"".join(
        line for line in head.splitlines(keepends=True) if not line.startswith(b"Date:")
    )


REQUESTS = {
    "GET 1.1": b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    "HEAD 1.1": b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n",
    "close": b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "GET 1.0": b"GET / HTTP/1.0\r\n\r\n",
    "1.0 keep-alive": b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
}


def _text(cls: type[web.Response]) -> web.Response:
    return cls(text="hello")


def _empty(cls: type[web.Response]) -> web.Response:
    return cls(body=b"")


def _no_body(cls: type[web.Response]) -> web.Response:
    return cls()


def _no_content(cls: type[web.Response]) -> web.Response:
    return cls(status=204)


def _not_modified(cls: type[web.Response]) -> web.Response:
    return cls(status=304, headers={"ETag": '"v1"'})


def _cookies(cls: type[web.Response]) -> web.Response:
    response = cls(body=b"x", content_type="application/octet-stream")
    response.set_cookie("a", "1", httponly=True)
    response.set_cookie("b", "2")
    return response


def _forced_close(cls: type[web.Response]) -> web.Response:
    response = cls(text="bye", headers={"X-Custom": "1"})
    response.force_close()
    return response


def _octets(cls: type[web.Response]) -> web.Response:
    return cls(body=b"\x00\x01")


def _html(cls: type[web.Response]) -> web.Response:
    return cls(text="<p>hi</p>", content_type="text/html")


def _not_found(cls: type[web.Response]) -> web.Response:
    return cls(text="gone", status=404, reason="Gone Away")


RESPONSES: dict[str, Callable[[type[web.Response]], web.Response]] = {
    "text": _text,
    "octets": _octets,
    "html": _html,
    "404 with a reason": _not_found,
    "empty": _empty,
    "no body": _no_body,
    "204": _no_content,
    "304": _not_modified,
    "cookies": _cookies,
    "force_close": _forced_close,
}


async def _exchange(
    serve_handler: Any, raw: Any, make: Callable[[], web.Response], request: bytes
) -> tuple[bytes, bytes, bool]:
    async def handler(_: web.BaseRequest) -> web.Response:
        return make()

    served = await serve_handler(handler)
    conn = await raw(served.port)
    await conn.send(request)
    response = await conn.read_response(head_only=request.startswith(b"HEAD"))
    closes = response.headers.get("Connection", "").lower() == "close" or (
        response.version == "HTTP/1.0"
        and response.headers.get("Connection", "").lower() != "keep-alive"
    )
    if closes:
        assert await conn.at_eof()
    else:
        # Nothing stray after the response: the next one reads the same.
        await conn.send(request)
        again = await conn.read_response(head_only=request.startswith(b"HEAD"))
        assert (_without_date(again.raw_head), again.body) == (
            _without_date(response.raw_head),
            response.body,
        )
    return _without_date(response.raw_head), response.body, closes


@pytest.mark.parametrize("request_name", list(REQUESTS))
@pytest.mark.parametrize("response_name", list(RESPONSES))
async def test_the_shortcut_sends_what_the_general_path_sends(
    serve_handler: Any, raw: Any, request_name: str, response_name: str
) -> None:
    request = REQUESTS[request_name]
    make = RESPONSES[response_name]
    fast = await _exchange(serve_handler, raw, lambda: make(web.Response), request)
    general = await _exchange(
        serve_handler, raw, lambda: make(GeneralPathResponse), request
    )
    assert fast == general
    _, body, closes = fast
    if request_name == "HEAD 1.1" or response_name in ("204", "304"):
        assert body == b""
    if request_name in ("close", "GET 1.0") or response_name == "force_close":
        assert closes


class _Recording(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 1) if name == "peername" else default


async def test_a_whole_response_is_one_write_and_keeps_the_connection() -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(text="hello")

    server = web.Server(handler, access_log=None)
    protocol = server()
    transport = _Recording()
    protocol.connection_made(transport)
    try:
        for _ in range(3):
            protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            for _ in range(5):
                await asyncio.sleep(0)
        assert len(transport.writes) == 3
        for data in transport.writes:
            assert data.startswith(b"HTTP/1.1 200 OK\r\n")
            assert data.endswith(b"\r\n\r\nhello")
            assert b"Content-Length: 5\r\n" in data
        assert not transport.closed
    finally:
        protocol.connection_lost(None)
        await server.shutdown()


async def test_prepare_signal_receivers_still_run(serve_app: Any, raw: Any) -> None:
    async def stamp(request: web.Request, response: web.StreamResponse) -> None:
        response.headers["X-Stamped"] = request.path

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.on_response_prepare.append(stamp)
    app.router.add_get("/here", handler)
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(b"GET /here HTTP/1.1\r\nHost: x\r\n\r\n")
    response = await conn.read_response()
    assert response.headers["X-Stamped"] == "/here"
    assert response.body == b"ok"


async def test_a_sub_applications_prepare_signal_runs(serve_app: Any, raw: Any) -> None:
    async def stamp(request: web.Request, response: web.StreamResponse) -> None:
        response.headers["X-Sub"] = "yes"

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    sub = web.Application()
    sub.on_response_prepare.append(stamp)
    sub.router.add_get("/x", handler)
    app = web.Application()
    app.add_subapp("/sub", sub)
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(b"GET /sub/x HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await conn.read_response()).headers["X-Sub"] == "yes"


async def test_compression_still_applies(serve_handler: Any, raw: Any) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        response = web.Response(text="hello " * 100)
        response.enable_compression()
        return response

    served = await serve_handler(handler)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n")
    response = await conn.read_response()
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.body) == b"hello " * 100


async def test_a_bad_header_value_gets_a_500(serve_handler: Any, raw: Any) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(text="x", headers={"X-Evil": "a\r\nSet-Cookie: b=c"})

    served = await serve_handler(handler)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    response = await conn.read_response()
    assert response.status == 500
    assert "Set-Cookie" not in response.headers
    assert "X-Evil" not in response.headers


async def test_a_content_length_set_by_hand_is_held_to(
    serve_handler: Any, raw: Any
) -> None:
    # Longer than the body: the body falls short, so the connection ends
    # after it rather than carrying a misframed next response.
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(body=b"abc", headers={"Content-Length": "5"})

    served = await serve_handler(handler)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    head = await conn.read_head()
    assert b"Content-Length: 5\r\n" in head
    assert await conn.read_all() == b"abc"


async def test_a_bodyless_request_reads_as_empty(serve_handler: Any, raw: Any) -> None:
    seen: list[tuple[bool, bool, bytes]] = []

    async def handler(request: web.BaseRequest) -> web.Response:
        body = await request.read()
        seen.append((request.content is EMPTY_PAYLOAD, request.body_exists, body))
        return web.Response(text="ok")

    served = await serve_handler(handler)
    conn = await raw(served.port)
    await conn.send(
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
    )
    assert (await conn.read_response()).status == 200
    assert (await conn.read_response()).status == 200
    assert seen == [(True, False, b""), (False, True, b"hi")]


async def test_a_connection_holds_no_task_until_its_first_request(
    serve_handler: Any, raw: Any
) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(text="ok")

    served = await serve_handler(handler)
    before = len(asyncio.all_tasks())
    conns = [await raw(served.port) for _ in range(3)]
    await asyncio.sleep(0.05)
    assert len(asyncio.all_tasks()) == before
    for conn in conns:
        await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert (await conn.read_response()).body == b"ok"
    # Kept alive: each connection's task now waits for its next request.
    assert len(asyncio.all_tasks()) == before + 3


async def _sent_three_times(
    make: Callable[[], web.Response], request: bytes
) -> list[tuple[Any, ...]]:
    """What three answers of one kind leave behind, on the wire and in them."""
    sent: list[web.Response] = []

    async def handler(_: web.BaseRequest) -> web.Response:
        response = make()
        sent.append(response)
        return response

    server = web.Server(handler, access_log=None)
    protocol = server()
    transport = _Recording()
    protocol.connection_made(transport)
    try:
        for _ in range(3):
            if transport.closed:
                break
            protocol.data_received(request)
            for _ in range(5):
                await asyncio.sleep(0)
    finally:
        protocol.connection_lost(None)
        await server.shutdown()
    assert sent
    for response in sent:
        assert response.headers["Date"]
    return [
        (
            [item for item in response.headers.items() if item[0] != "Date"],
            response.keep_alive,
            response.prepared,
            response.body_length,
            _without_date(data),
        )
        for response, data in zip(sent, transport.writes, strict=True)
    ]


@pytest.mark.parametrize("request_name", list(REQUESTS))
@pytest.mark.parametrize("response_name", list(RESPONSES))
async def test_a_sent_response_holds_the_fields_the_general_path_sets(
    request_name: str, response_name: str
) -> None:
    # The first answer makes the head that the next ones reuse; each must
    # leave its response as the general path does.
    make = RESPONSES[response_name]
    request = REQUESTS[request_name]
    fast = await _sent_three_times(lambda: make(web.Response), request)
    general = await _sent_three_times(lambda: make(GeneralPathResponse), request)
    assert fast == general


async def test_a_bad_content_type_is_refused_every_time(
    serve_handler: Any, raw: Any
) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(body=b"x", content_type="text/plain\r\nX-Evil: 1")

    served = await serve_handler(handler)
    conn = await raw(served.port)
    for _ in range(2):
        await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        response = await conn.read_response()
        assert response.status == 500
        assert "X-Evil" not in response.headers
        if response.headers.get("Connection", "").lower() == "close":
            break
