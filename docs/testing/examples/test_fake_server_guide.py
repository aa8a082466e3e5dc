"""The examples of docs/testing/index.md, run by aioweb-testkit's tests."""

from __future__ import annotations

import asyncio

import pytest

from aioweb.testkit import (
    FakeServerFactory,
    RecordedRequest,
    Reply,
    reset_mid_response,
    routes,
    truncated,
)


async def fetch(url_host: str, port: int, path: str) -> bytes:
    """The code under test: a tiny HTTP/1.1 GET over asyncio streams."""
    reader, writer = await asyncio.open_connection(url_host, port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        return await reader.readexactly(length)
    finally:
        writer.close()
        await writer.wait_closed()


# --- canned replies
@pytest.mark.asyncio
async def test_canned_reply(fake_server: FakeServerFactory) -> None:
    server = await fake_server([Reply(200, body=b"hello")])

    assert await fetch(server.host, server.port, "/greeting") == b"hello"

    (request,) = server.requests
    assert request.method == "GET"
    assert request.target == "/greeting"
    assert request.headers["Host"] == "test"


# --- misbehaviour
@pytest.mark.asyncio
async def test_truncated_body_is_an_error(fake_server: FakeServerFactory) -> None:
    server = await fake_server(truncated(b"partial", missing=100))

    with pytest.raises(asyncio.IncompleteReadError):
        await fetch(server.host, server.port, "/")


@pytest.mark.asyncio
async def test_reset_is_an_error(fake_server: FakeServerFactory) -> None:
    server = await fake_server(reset_mid_response(after=10))

    with pytest.raises((ConnectionResetError, asyncio.IncompleteReadError)):
        await fetch(server.host, server.port, "/")


@pytest.mark.asyncio
async def test_slow_server_trips_the_timeout(fake_server: FakeServerFactory) -> None:
    server = await fake_server(Reply(body=b"late", delay=5))

    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(fetch(server.host, server.port, "/"), 0.1)


# --- per-request handlers
@pytest.mark.asyncio
async def test_handler_answers_per_request(fake_server: FakeServerFactory) -> None:
    def echo_path(request: RecordedRequest) -> Reply:
        return Reply(body=request.path.encode())

    server = await fake_server(routes({"/fixed": Reply(body=b"F"), "/echo": echo_path}))

    assert await fetch(server.host, server.port, "/fixed") == b"F"
    assert await fetch(server.host, server.port, "/echo?x=1") == b"/echo"


# --- end
