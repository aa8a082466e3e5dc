"""The raw client: bytes out as given, responses read as the server framed them.

Fake servers play the server under test, so these run with the testkit alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from aioweb.testkit import (
    FakeServerFactory,
    Hang,
    RawConnection,
    RawReply,
    Reply,
    open_raw_connection,
)

RawClient = Callable[..., Awaitable[RawConnection]]

GET = b"GET / HTTP/1.1\r\nHost: test\r\n\r\n"


async def test_content_length_responses_on_one_connection(
    fake_server: FakeServerFactory, aioweb_raw_client: RawClient
) -> None:
    server = await fake_server(
        [Reply(body=b"first", headers=[("X-Name", "a")]), Reply(201, body=b"2")]
    )
    conn = await aioweb_raw_client(server)
    await conn.send(GET + GET)  # pipelined
    first = await conn.read_response()
    second = await conn.read_response()
    assert (first.status, first.reason, first.version) == (200, "OK", "HTTP/1.1")
    assert first.headers["x-name"] == "a"
    assert first.body == b"first"
    assert first.raw_head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert first.raw_head.endswith(b"\r\n\r\n")
    assert (second.status, second.body) == (201, b"2")
    assert server.connections_accepted == 1


async def test_chunked_body_and_trailers(
    fake_server: FakeServerFactory, aioweb_raw_client: RawClient
) -> None:
    server = await fake_server(
        RawReply(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: 5\r\n\r\n"
        )
    )
    conn = await aioweb_raw_client(server.port)
    await conn.send(GET)
    response = await conn.read_response()
    assert response.chunked
    assert response.body == b"abcde"
    assert response.trailers["X-Sum"] == "5"
    assert await conn.at_eof()  # a RawReply closes


async def test_body_until_close(
    fake_server: FakeServerFactory, aioweb_raw_client: RawClient
) -> None:
    server = await fake_server(Reply(body=[b"until ", b"the end"]))
    conn = await aioweb_raw_client(server)
    await conn.send(GET)
    response = await conn.read_response()
    assert "Content-Length" not in response.headers
    assert response.body == b"until the end"


@pytest.mark.parametrize("status", [204, 304])
async def test_bodyless_statuses_read_no_body(
    fake_server: FakeServerFactory, aioweb_raw_client: RawClient, status: int
) -> None:
    # The fields announce a body; RFC 9110 says there is none, and the next
    # response on the connection proves that none was read.
    server = await fake_server(
        [Reply(status, headers=[("Content-Length", "5")]), Reply(body=b"next")]
    )
    conn = await aioweb_raw_client(server)
    await conn.send(GET + GET)
    assert (await conn.read_response()).body == b""
    assert (await conn.read_response()).body == b"next"


async def test_head_only_reads_no_body(
    fake_server: FakeServerFactory, aioweb_raw_client: RawClient
) -> None:
    server = await fake_server(Reply(body=b"12345"))
    conn = await aioweb_raw_client(server)
    await conn.send(b"HEAD / HTTP/1.1\r\nHost: test\r\n\r\n" + GET)
    head = await conn.read_response(head_only=True)
    assert head.headers["Content-Length"] == "5"
    assert head.body == b""
    assert (await conn.read_response()).body == b"12345"


async def test_hostile_bytes_are_sent_as_given(
    fake_server: FakeServerFactory, aioweb_raw_client: RawClient
) -> None:
    server = await fake_server(Reply())
    conn = await aioweb_raw_client(server)
    await conn.send(b"GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n")
    response = await conn.read_response()
    assert response.status == 400
    assert await conn.at_eof()
    assert server.errors and server.errors[0].raw.endswith(b"Bad Header: x\r\n")


async def test_a_silent_server_times_out(
    fake_server: FakeServerFactory, aioweb_raw_client: RawClient
) -> None:
    server = await fake_server(Hang())
    conn = await aioweb_raw_client(server, timeout=0.1)
    await conn.send(GET)
    with pytest.raises(asyncio.TimeoutError):
        await conn.read_response()
    with pytest.raises(asyncio.TimeoutError):
        await conn.at_eof(timeout=0.05)


async def test_a_close_inside_the_response_is_an_incomplete_read(
    fake_server: FakeServerFactory, aioweb_raw_client: RawClient
) -> None:
    server = await fake_server(
        RawReply(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab")
    )
    conn = await aioweb_raw_client(server)
    await conn.send(GET)
    with pytest.raises(asyncio.IncompleteReadError):
        await conn.read_response()


async def test_tls(
    fake_server: FakeServerFactory, aioweb_raw_client: RawClient
) -> None:
    server = await fake_server(Reply(body=b"secret"), tls=True)
    conn = await aioweb_raw_client(
        server, ssl_context=fake_server.certificates.client_context()
    )
    await conn.send(GET)
    assert (await conn.read_response()).body == b"secret"


async def test_open_and_close_without_the_fixture(
    fake_server: FakeServerFactory,
) -> None:
    server = await fake_server(Reply(body=b"ok"))
    async with await open_raw_connection(server.host, server.port) as conn:
        await conn.send(GET)
        assert (await conn.read_response()).body == b"ok"
    assert conn.closed
    await conn.close()  # again: nothing happens
    assert conn.writer.is_closing()


async def test_connection_refused_is_an_os_error(aioweb_unused_port: Any) -> None:
    with pytest.raises(OSError):
        await open_raw_connection("127.0.0.1", aioweb_unused_port())


LEAKY_SUITE = """
from aioweb.testkit import Reply


async def test_left_open_and_failing(fake_server, aioweb_raw_client):
    server = await fake_server(Reply(body=b"ok"))
    conn = await aioweb_raw_client(server)
    await conn.send(b"GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
    assert (await conn.read_response()).body == b"ok"
    assert False, "fails with the connection open"
"""


def test_a_failing_test_leaves_no_connection_open(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\n"
        "asyncio_default_fixture_loop_scope = function\nfilterwarnings = error\n"
    )
    pytester.makepyfile(test_leaky=LEAKY_SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error")
    # One failure, the test's own; no teardown error, no ResourceWarning.
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*fails with the connection open*"])
    output = result.stdout.str() + result.stderr.str()
    for sign in ("ResourceWarning", "Unraisable", "Unclosed", "Task was destroyed"):
        assert sign not in output
