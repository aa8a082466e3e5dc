"""Hostile input over real sockets: each gets its 4xx, a closed connection,
and no handler ever sees a request smuggled behind it.

Most cases have one shape, so they are one table (:data:`REFUSED`) run by one
test: bytes go out (with pauses where the case is about timing), and the
answer must carry the case's status and ``Connection: close``, the server
must close, and no handler may have seen a request. The other tests check
that same outcome with the :func:`refused` fixture.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from aioweb import web
from aioweb.testkit import RawConnection, RawResponse

SMUGGLED = b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
CHUNKED_POST = b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
GZIP_BOMB = gzip.compress(b"\0" * 10_000_000)


@dataclass(frozen=True)
class Hostile:
    """One hostile input and the answer it must get."""

    sends: tuple[bytes | float, ...]  # bytes are written; a float pauses (s)
    status: int
    server: tuple[tuple[str, Any], ...] = ()  # runner keyword arguments
    then: bytes = b""  # written after the answer: dropped, never parsed
    body_has: bytes = b""  # a piece the answer's body must hold
    wait: float | None = None  # seconds for the answer and for the close


def head(data: bytes, status: int) -> Hostile:
    """A malformed head with a request smuggled behind it."""
    return Hostile((data + SMUGGLED,), status)


def chunked(body: bytes, status: int) -> Hostile:
    """A chunked request whose body is broken, with a request behind it."""
    return Hostile((CHUNKED_POST + body + SMUGGLED,), status)


REFUSED = [
    # -- malformed heads (request smuggling, strictness)
    pytest.param(
        head(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400,
        ),
        id="CL+TE",
    ),
    pytest.param(
        head(
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Length: 5\r\n\r\n0\r\n\r\n",
            400,
        ),
        id="TE+CL",
    ),
    pytest.param(
        head(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
            b"Content-Length: 40\r\n\r\nhello",
            400,
        ),
        id="double-CL",
    ),
    pytest.param(
        head(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello", 400),
        id="signed-CL",
    ),
    pytest.param(
        head(b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n  folded\r\n\r\n", 400),
        id="obs-fold",
    ),
    pytest.param(
        head(b"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400), id="space-before-colon"
    ),
    pytest.param(head(b"GET / HTTP/1.1\nHost: x\n\n", 400), id="bare-LF"),
    pytest.param(head(b"GET / HTTP/1.1\r\nHost: x\x00\r\n\r\n", 400), id="NUL"),
    pytest.param(
        head(
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity"
            b"\r\n\r\n0\r\n\r\n",
            400,
        ),
        id="TE-not-final-chunked",
    ),
    pytest.param(
        head(
            b"POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"0\r\n\r\n",
            400,
        ),
        id="HTTP/1.0-TE",
    ),
    pytest.param(head(b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505), id="version"),
    pytest.param(
        head(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400), id="TLS-to-HTTP"
    ),
    # RFC 9112 §3.2: no request-target holds a fragment.
    pytest.param(head(b"GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n", 400), id="fragment"),
    pytest.param(
        head(b"POST /#x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 400),
        id="fragment-only",
    ),
    # -- broken chunked bodies: the request fails, nothing after it is read
    pytest.param(chunked(b"zz\r\nhello\r\n0\r\n\r\n", 400), id="bad-chunk-size"),
    pytest.param(chunked(b"5\nhello\r\n0\r\n\r\n", 400), id="chunk-size-bare-LF"),
    pytest.param(chunked(b"5\r\nhelloXX0\r\n\r\n", 400), id="no-CRLF-after-data"),
    pytest.param(chunked(b"11111111111111111\r\n", 413), id="chunk-size-too-long"),
    pytest.param(chunked(b"5;\x01\r\nhello\r\n0\r\n\r\n", 400), id="bad-chunk-ext"),
    # -- limits
    pytest.param(
        Hostile((b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",), 414),
        id="request-line-too-long",
    ),
    pytest.param(
        # The limit holds while the line streams in: no CRLF is ever sent.
        Hostile((b"GET /" + b"a" * 20000,), 414),
        id="request-line-too-long-unended",
    ),
    pytest.param(
        Hostile(
            (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n",), 431
        ),
        id="header-line-too-long",
    ),
    pytest.param(
        Hostile(
            (
                b"GET / HTTP/1.1\r\nHost: x\r\n"
                + b"".join(b"X-%d: v\r\n" % i for i in range(200))
                + b"\r\n",
            ),
            431,
        ),
        id="too-many-headers",
    ),
    pytest.param(
        # Only the head is sent: the answer must not wait for the body, and
        # the body sent after it is dropped, not parsed.
        Hostile(
            (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n",),
            413,
            then=b"x" * 5000,
            body_has=b"Maximum request body size 1024 exceeded",
        ),
        id="content-length-over-client-max-size",
    ),
    pytest.param(
        # No final chunk: the 413 comes as soon as the limit is passed.
        Hostile(
            (
                b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
                b"300\r\n" + b"a" * 0x300 + b"\r\n",
                b"300\r\n" + b"a" * 0x300 + b"\r\n",
            ),
            413,
            then=SMUGGLED,
        ),
        id="chunked-body-over-client-max-size",
    ),
    pytest.param(
        Hostile(
            (
                b"POST / HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n"
                b"Content-Length: %d\r\n\r\n" % len(GZIP_BOMB) + GZIP_BOMB,
            ),
            413,
        ),
        id="gzip-bomb",
    ),
    # -- timeouts
    pytest.param(
        # Trickling more header bytes does not reset the clock.
        Hostile(
            (b"GET / HTTP/1.1\r\nHost: x\r\n", *(0.1, b"X-Slow: 1\r\n") * 3),
            408,
            server=(("header_read_timeout", 0.3),),
            wait=2,
        ),
        id="slowloris-head",
    ),
    pytest.param(
        Hostile(
            (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",),
            408,
            server=(("body_read_timeout", 0.3),),
            wait=3,
        ),
        id="slow-body",
    ),
]


Refused = Callable[..., Awaitable[RawResponse]]


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


@pytest.fixture
def refused(seen: list[tuple[str, str, bytes]]) -> Refused:
    """``await refused(conn, status, then=b"", wait=None)``: the next answer
    on ``conn`` has ``status`` and ``Connection: close``, ``then`` (sent
    after it) is dropped, the server closes, and no handler saw a request."""

    async def check(
        conn: RawConnection,
        status: int,
        *,
        then: bytes = b"",
        wait: float | None = None,
    ) -> RawResponse:
        response = await asyncio.wait_for(conn.read_response(), wait)
        assert response.status == status
        assert response.headers["Connection"] == "close"
        if then:
            await conn.send(then)
        assert await conn.at_eof(timeout=wait)
        assert seen == []
        return response

    return check


@pytest.mark.parametrize("case", REFUSED)
async def test_refused_with_its_status_and_a_close(
    serve_app: Any, raw: Any, app: web.Application, refused: Refused, case: Hostile
) -> None:
    served = await serve_app(app, **dict(case.server))
    conn = await raw(served.port)
    for step in case.sends:
        if isinstance(step, float):
            await asyncio.sleep(step)
        else:
            await conn.send(step)
    response = await refused(conn, case.status, then=case.then, wait=case.wait)
    assert case.body_has in response.body


async def test_limits_are_the_runner_arguments(
    serve_app: Any, raw: Any, app: web.Application, refused: Refused
) -> None:
    served = await serve_app(app, max_line_size=64, max_headers=3, max_field_size=32)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 40 + b"\r\n\r\n")
    await refused(conn, 431)
    conn = await raw(served.port)
    await conn.send(b"GET /" + b"a" * 70 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    await refused(conn, 414)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n")
    await refused(conn, 431)


async def test_slow_body_after_100_continue_times_out(
    serve_app: Any, raw: Any, app: web.Application, refused: Refused
) -> None:
    served = await serve_app(app, body_read_timeout=0.3)
    conn = await raw(served.port)
    await conn.send(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n"
        b"Expect: 100-continue\r\n\r\n"
    )
    assert (await conn.read_response()).status == 100
    await conn.send(b"abc")  # then nothing more
    await refused(conn, 408, wait=3)


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
