"""Hostile input over real sockets: each gets its 4xx, a closed connection,
and no handler ever sees a request smuggled behind it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aioweb import web

SMUGGLED = b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.fixture
def seen() -> list[tuple[str, str, bytes]]:
    return []


@pytest.fixture
def app(seen: list[tuple[str, str, bytes]]) -> web.Application:
    async def record(request: web.Request) -> web.Response:
        body = await request.read()
        seen.append((request.method, request.path, body))
        return web.Response(text=f"saw {request.path}")

    app = web.Application(client_max_size=1024)
    app.router.add_route("*", "/{tail:.*}", record)
    return app


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400,
            id="CL+TE",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Length: 5\r\n\r\n0\r\n\r\n",
            400,
            id="TE+CL",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
            b"Content-Length: 40\r\n\r\nhello",
            400,
            id="double-CL",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello",
            400,
            id="signed-CL",
        ),
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n  folded\r\n\r\n",
            400,
            id="obs-fold",
        ),
        pytest.param(
            b"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, id="space-before-colon"
        ),
        pytest.param(b"GET / HTTP/1.1\nHost: x\n\n", 400, id="bare-LF"),
        pytest.param(b"GET / HTTP/1.1\r\nHost: x\x00\r\n\r\n", 400, id="NUL"),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity"
            b"\r\n\r\n0\r\n\r\n",
            400,
            id="TE-not-final-chunked",
        ),
        pytest.param(
            b"POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"0\r\n\r\n",
            400,
            id="HTTP/1.0-TE",
        ),
        pytest.param(b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, id="version"),
        pytest.param(
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400, id="TLS-to-HTTP"
        ),
    ],
)
async def test_malformed_head_gets_its_status_and_a_close(
    serve_app: Any,
    raw: Any,
    app: web.Application,
    seen: list[Any],
    request_bytes: bytes,
    status: int,
) -> None:
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(request_bytes + SMUGGLED)
    response = await conn.read_response()
    assert response.status == status
    assert response.headers["Connection"] == "close"
    assert await conn.at_eof()
    assert seen == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param(b"zz\r\nhello\r\n0\r\n\r\n", 400, id="bad-chunk-size"),
        pytest.param(b"5\nhello\r\n0\r\n\r\n", 400, id="chunk-size-bare-LF"),
        pytest.param(b"5\r\nhelloXX0\r\n\r\n", 400, id="no-CRLF-after-data"),
        pytest.param(b"11111111111111111\r\n", 413, id="chunk-size-too-long"),
        pytest.param(b"5;\x01\r\nhello\r\n0\r\n\r\n", 400, id="bad-chunk-ext"),
    ],
)
async def test_broken_chunked_body_fails_the_request_not_the_next(
    serve_app: Any,
    raw: Any,
    app: web.Application,
    seen: list[Any],
    body: bytes,
    status: int,
) -> None:
    served = await serve_app(app)
    conn = await raw(served.port)
    head = b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    await conn.send(head + body + SMUGGLED)
    response = await conn.read_response()
    assert response.status == status
    assert response.headers["Connection"] == "close"
    assert await conn.at_eof()
    # The broken request's body never reached a handler whole, and nothing
    # after it was taken as a request.
    assert seen == []


async def test_request_line_too_long_is_414(
    serve_app: Any, raw: Any, app: web.Application, seen: list[Any]
) -> None:
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    response = await conn.read_response()
    assert response.status == 414
    assert await conn.at_eof()
    assert seen == []


async def test_request_line_too_long_is_refused_before_it_ends(
    serve_app: Any, raw: Any, app: web.Application
) -> None:
    # The limit holds while the line streams in: no CRLF is ever sent.
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(b"GET /" + b"a" * 20000)
    response = await conn.read_response()
    assert response.status == 414
    assert await conn.at_eof()


async def test_header_line_too_long_is_431(
    serve_app: Any, raw: Any, app: web.Application, seen: list[Any]
) -> None:
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n")
    response = await conn.read_response()
    assert response.status == 431
    assert await conn.at_eof()
    assert seen == []


async def test_too_many_headers_is_431(
    serve_app: Any, raw: Any, app: web.Application, seen: list[Any]
) -> None:
    served = await serve_app(app)
    conn = await raw(served.port)
    fields = b"".join(b"X-%d: v\r\n" % i for i in range(200))
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n" + fields + b"\r\n")
    response = await conn.read_response()
    assert response.status == 431
    assert await conn.at_eof()
    assert seen == []


async def test_limits_are_the_runner_arguments(
    serve_app: Any, raw: Any, app: web.Application, seen: list[Any]
) -> None:
    served = await serve_app(app, max_line_size=64, max_headers=3, max_field_size=32)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 40 + b"\r\n\r\n")
    assert (await conn.read_response()).status == 431
    conn = await raw(served.port)
    await conn.send(b"GET /" + b"a" * 70 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await conn.read_response()).status == 414
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n")
    assert (await conn.read_response()).status == 431
    assert seen == []


async def test_slowloris_head_times_out_with_408_and_close(
    serve_app: Any, raw: Any, app: web.Application, seen: list[Any]
) -> None:
    served = await serve_app(app, header_read_timeout=0.3)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
    for _ in range(3):  # trickling more header bytes does not reset the clock
        await asyncio.sleep(0.1)
        await conn.send(b"X-Slow: 1\r\n")
    response = await asyncio.wait_for(conn.read_response(), 2)
    assert response.status == 408
    assert response.headers["Connection"] == "close"
    assert await conn.at_eof(timeout=2)
    assert seen == []


async def test_slow_body_times_out_with_408_and_close(
    serve_app: Any, raw: Any, app: web.Application, seen: list[Any]
) -> None:
    served = await serve_app(app, body_read_timeout=0.3)
    conn = await raw(served.port)
    await conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
    response = await asyncio.wait_for(conn.read_response(), 3)
    assert response.status == 408
    assert response.headers["Connection"] == "close"
    assert await conn.at_eof(timeout=3)
    assert seen == []


async def test_content_length_over_client_max_size_is_413_before_reading(
    serve_app: Any, raw: Any, app: web.Application, seen: list[Any]
) -> None:
    served = await serve_app(app)
    conn = await raw(served.port)
    # Only the head is sent: the answer must not wait for the body.
    await conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
    response = await conn.read_response()
    assert response.status == 413
    assert response.headers["Connection"] == "close"
    assert b"Maximum request body size 1024 exceeded" in response.body
    await conn.send(b"x" * 5000)  # the rest is dropped, not parsed
    assert await conn.at_eof()
    assert seen == []


async def test_chunked_body_over_client_max_size_is_413_while_streaming(
    serve_app: Any, raw: Any, app: web.Application, seen: list[Any]
) -> None:
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    await conn.send(b"300\r\n" + b"a" * 0x300 + b"\r\n")
    await conn.send(b"300\r\n" + b"a" * 0x300 + b"\r\n")
    # No final chunk: the 413 comes as soon as the limit is passed.
    response = await conn.read_response()
    assert response.status == 413
    assert response.headers["Connection"] == "close"
    await conn.send(SMUGGLED)
    assert await conn.at_eof()
    assert seen == []


async def test_post_form_over_client_max_size_is_413(serve_app: Any, raw: Any) -> None:
    async def form(request: web.Request) -> web.Response:
        data = await request.post()
        return web.Response(text=str(len(data)))

    app = web.Application(client_max_size=100)
    app.router.add_post("/", form)
    served = await serve_app(app)
    conn = await raw(served.port)
    body = b"a=" + b"x" * 200
    await conn.send(
        b"POST / HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    )
    assert (await conn.read_response()).status == 413


async def test_body_within_client_max_size_is_read(
    serve_app: Any, raw: Any, app: web.Application, seen: list[Any]
) -> None:
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(
        b"POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n" + b"a" * 1024
    )
    response = await conn.read_response()
    assert response.status == 200
    assert seen == [("POST", "/ok", b"a" * 1024)]


async def test_requests_before_a_malformed_one_are_answered_in_order(
    serve_app: Any, raw: Any, app: web.Application, seen: list[Any]
) -> None:
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(
        b"GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /second HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n" + SMUGGLED
    )
    first = await conn.read_response()
    assert (first.status, first.body) == (200, b"saw /first")
    second = await conn.read_response()
    assert second.status == 400
    assert await conn.at_eof()
    assert seen == [("GET", "/first", b"")]


async def test_gzip_bomb_body_is_refused(
    serve_app: Any, raw: Any, app: web.Application, seen: list[Any]
) -> None:
    import gzip

    bomb = gzip.compress(b"\0" * 10_000_000)
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: %d\r\n\r\n" % len(bomb) + bomb
    )
    response = await conn.read_response()
    assert response.status == 413
    assert seen == []


async def test_slow_body_after_100_continue_times_out(
    serve_app: Any, raw: Any, app: web.Application, seen: list[Any]
) -> None:
    served = await serve_app(app, body_read_timeout=0.3)
    conn = await raw(served.port)
    await conn.send(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n"
        b"Expect: 100-continue\r\n\r\n"
    )
    assert (await conn.read_response()).status == 100
    await conn.send(b"abc")  # then nothing more
    response = await asyncio.wait_for(conn.read_response(), 3)
    assert response.status == 408
    assert await conn.at_eof(timeout=3)
    assert seen == []


async def test_steady_body_longer_than_the_timeout_is_fine(
    serve_app: Any, raw: Any, app: web.Application, seen: list[Any]
) -> None:
    # The timeout bounds the gaps, not the whole body.
    served = await serve_app(app, body_read_timeout=0.3)
    conn = await raw(served.port)
    await conn.send(b"POST /steady HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n")
    for _ in range(8):
        await asyncio.sleep(0.1)
        await conn.send(b"x")
    response = await conn.read_response()
    assert response.status == 200
    assert seen == [("POST", "/steady", b"x" * 8)]
