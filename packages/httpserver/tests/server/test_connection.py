"""Keep-alive, pipelining, 100-continue and connection timeouts, on real sockets."""

from __future__ import annotations

import asyncio
from typing import Any

from aioweb import web
from aioweb.protocol import ContentLengthError


def _echo_app() -> web.Application:
    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        return web.Response(text=f"{request.method} {request.path_qs} {body.decode()}")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


async def test_keep_alive_serves_several_requests_on_one_connection(
    serve_app: Any, raw: Any
) -> None:
    served = await serve_app(_echo_app())
    conn = await raw(served.port)
    for i in range(3):
        await conn.send(b"GET /n?i=%d HTTP/1.1\r\nHost: x\r\n\r\n" % i)
        response = await conn.read_response()
        assert response.body == b"GET /n?i=%d " % i
        assert "Connection" not in response.headers


async def test_pipelined_requests_are_answered_in_order(
    serve_app: Any, raw: Any
) -> None:
    served = await serve_app(_echo_app())
    conn = await raw(served.port)
    batch = b"".join(
        b"POST /p%d HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n%02d" % (i, i)
        for i in range(40)  # more than the read-ahead bound
    )
    await conn.send(batch)
    for i in range(40):
        response = await conn.read_response()
        assert response.body == b"POST /p%d %02d" % (i, i)


async def test_pipelining_waits_for_a_slow_handler(serve_app: Any, raw: Any) -> None:
    order: list[str] = []

    async def slow(request: web.Request) -> web.Response:
        order.append(f"start {request.path}")
        if request.path == "/slow":
            await asyncio.sleep(0.2)
        order.append(f"end {request.path}")
        return web.Response(text=request.path)

    app = web.Application()
    app.router.add_get("/{name}", slow)
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(
        b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    assert (await conn.read_response()).body == b"/slow"
    assert (await conn.read_response()).body == b"/fast"
    assert order == ["start /slow", "end /slow", "start /fast", "end /fast"]


async def test_connection_close_is_honoured(serve_app: Any, raw: Any) -> None:
    served = await serve_app(_echo_app())
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    response = await conn.read_response()
    assert response.headers["Connection"] == "close"
    assert await conn.at_eof()


async def test_http10_closes_unless_keep_alive_is_asked(
    serve_app: Any, raw: Any
) -> None:
    served = await serve_app(_echo_app())
    conn = await raw(served.port)
    await conn.send(b"GET /a HTTP/1.0\r\n\r\n")
    response = await conn.read_response()
    assert response.version == "HTTP/1.0"
    assert await conn.at_eof()

    conn = await raw(served.port)
    await conn.send(b"GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    response = await conn.read_response()
    assert response.headers["Connection"] == "keep-alive"
    await conn.send(b"GET /b HTTP/1.0\r\n\r\n")
    assert (await conn.read_response()).body == b"GET /b "


async def test_idle_keep_alive_connection_is_closed(serve_app: Any, raw: Any) -> None:
    served = await serve_app(_echo_app(), keepalive_timeout=0.2)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await conn.read_response()
    assert await conn.at_eof(timeout=2)


async def test_a_head_begun_after_a_whole_request_in_one_read_is_timed(
    serve_app: Any, raw: Any
) -> None:
    # The first request is whole; the second head begins in the same read
    # and never ends: it gets its header_read_timeout, not the keep-alive.
    served = await serve_app(_echo_app(), header_read_timeout=0.3, keepalive_timeout=30)
    conn = await raw(served.port)
    await conn.send(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHo")
    assert (await conn.read_response()).body == b"GET /a "
    late = await asyncio.wait_for(conn.read_response(), 3)
    assert late.status == 408
    assert await conn.at_eof(timeout=2)


async def test_a_head_in_progress_is_not_closed_as_idle(
    serve_app: Any, raw: Any
) -> None:
    # The keep-alive timer fires while a head trickles in: the connection is
    # busy, so the head completes and is answered.
    served = await serve_app(_echo_app(), keepalive_timeout=0.2, header_read_timeout=5)
    conn = await raw(served.port)
    await conn.send(b"GET /slow HTTP/1.1\r\n")
    await asyncio.sleep(0.5)
    await conn.send(b"Host: x\r\n\r\n")
    assert (await conn.read_response()).body == b"GET /slow "


async def test_connection_that_never_speaks_is_closed(serve_app: Any, raw: Any) -> None:
    served = await serve_app(_echo_app(), keepalive_timeout=0.2)
    conn = await raw(served.port)
    assert await conn.at_eof(timeout=2)


async def test_expect_100_continue_then_body(serve_app: Any, raw: Any) -> None:
    served = await serve_app(_echo_app())
    conn = await raw(served.port)
    await conn.send(
        b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        b"Expect: 100-continue\r\n\r\n"
    )
    interim = await conn.read_response()
    assert interim.status == 100
    await conn.send(b"hello")
    response = await conn.read_response()
    assert (response.status, response.body) == (200, b"POST /up hello")


async def test_expect_handler_can_refuse(serve_app: Any, raw: Any) -> None:
    called: list[str] = []

    async def refuse(request: web.Request) -> web.Response | None:
        if request.headers.get("X-Allowed") != "yes":
            return web.Response(status=417, text="no")
        await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return None

    async def upload(request: web.Request) -> web.Response:
        called.append(request.path)
        return web.Response(text=(await request.read()).decode())

    app = web.Application()
    app.router.add_post("/up", upload, expect_handler=refuse)
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(
        b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        b"Expect: 100-continue\r\n\r\n"
    )
    response = await conn.read_response()
    assert response.status == 417
    # The body was never sent, so the connection cannot be reused.
    assert response.headers["Connection"] == "close"
    assert called == []


async def test_unread_small_body_is_drained_and_connection_reused(
    serve_app: Any, raw: Any
) -> None:
    async def ignore(request: web.Request) -> web.Response:
        return web.Response(text="ignored")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", ignore)
    served = await serve_app(app)
    conn = await raw(served.port)
    await conn.send(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789"
        b"GET /next HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    assert (await conn.read_response()).body == b"ignored"
    assert (await conn.read_response()).body == b"ignored"


async def test_handler_exception_is_500_and_debug_shows_traceback(
    serve_handler: Any, raw: Any
) -> None:
    async def broken(request: web.BaseRequest) -> web.StreamResponse:
        raise ValueError("secret detail")

    served = await serve_handler(broken)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    response = await conn.read_response()
    assert response.status == 500
    assert b"secret detail" not in response.body

    served = await serve_handler(broken, debug=True)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    response = await conn.read_response()
    assert response.status == 500
    assert b"ValueError: secret detail" in response.body


async def test_handler_timeout_is_504(serve_handler: Any, raw: Any) -> None:
    async def slow(request: web.BaseRequest) -> web.StreamResponse:
        await asyncio.wait_for(asyncio.sleep(10), 0.01)
        return web.Response()

    served = await serve_handler(slow)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await conn.read_response()).status == 504


async def test_returning_a_non_response_is_500(serve_handler: Any, raw: Any) -> None:
    async def nothing(request: web.BaseRequest) -> Any:
        return None

    served = await serve_handler(nothing)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await conn.read_response()).status == 500


async def test_handler_is_not_cancelled_when_client_leaves(
    serve_handler: Any, raw: Any
) -> None:
    finished = asyncio.Event()
    started = asyncio.Event()

    async def patient(request: web.BaseRequest) -> web.StreamResponse:
        started.set()
        await asyncio.sleep(0.3)
        finished.set()
        return web.Response(text="late")

    served = await serve_handler(patient)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await started.wait()
    await conn.close()
    await asyncio.wait_for(finished.wait(), 3)


async def test_handler_cancellation_cancels_when_client_leaves(
    serve_handler: Any, raw: Any
) -> None:
    cancelled = asyncio.Event()
    started = asyncio.Event()

    async def patient(request: web.BaseRequest) -> web.StreamResponse:
        started.set()
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return web.Response()

    served = await serve_handler(patient, handler_cancellation=True)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await started.wait()
    await conn.close()
    await asyncio.wait_for(cancelled.wait(), 3)


async def test_body_read_after_disconnect_fails(serve_handler: Any, raw: Any) -> None:
    failure: list[BaseException] = []
    done = asyncio.Event()

    async def reader(request: web.BaseRequest) -> web.StreamResponse:
        try:
            await request.read()
        except Exception as exc:
            failure.append(exc)
        done.set()
        return web.Response()

    served = await serve_handler(reader)
    conn = await raw(served.port)
    await conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
    await asyncio.sleep(0.05)
    await conn.close()
    await asyncio.wait_for(done.wait(), 3)
    # The body was cut short of its Content-Length.
    assert len(failure) == 1
    assert isinstance(failure[0], ContentLengthError)


async def test_failure_after_the_head_went_out_closes_without_a_second_head(
    serve_handler: Any, raw: Any
) -> None:
    async def half(request: web.BaseRequest) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(b"partial")
        raise RuntimeError("broke mid-body")

    served = await serve_handler(half)
    conn = await raw(served.port)
    await conn.send(
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    data = await conn.read_all()
    # One head, the piece that was sent, no terminating chunk, then the close.
    assert data.count(b"HTTP/1.1 ") == 1
    assert data.endswith(b"7\r\npartial\r\n")


async def test_bytes_after_an_unanswered_upgrade_are_bounded(
    serve_handler: Any, raw: Any
) -> None:
    seen: list[Any] = []

    async def not_upgrading(request: web.BaseRequest) -> web.StreamResponse:
        seen.append(request.protocol)
        await asyncio.sleep(0.5)
        return web.Response(text="no upgrade here")

    served = await serve_handler(not_upgrading)
    conn = await raw(served.port)
    await conn.send(
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: other\r\n\r\n"
    )
    conn.writer.write(b"x" * 4_000_000)  # the server must not hold all this
    await asyncio.sleep(0.3)
    protocol = seen[0]
    # Reading paused past the bound: what is held stays far below what was
    # sent (a few socket reads of up to 256 KiB each may land first).
    assert len(protocol._tail) < 2**20
    response = await conn.read_response()
    assert response.body == b"no upgrade here"
    assert response.headers["Connection"] == "close"
