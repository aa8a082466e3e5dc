"""The kept automatic fields and head of a request that names no field."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from multidict import CIMultiDict
from yarl import URL

from aioweb.client import ClientRequest, ClientSession
from aioweb.client.request_head import kept_head, serialize_head
from aioweb.protocol import HttpVersion10, HttpVersion11
from aioweb.testkit import FakeServerFactory, Reply


class _Plain(ClientRequest):
    """A subclass: always built the general way, field by field."""


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    # The request only keeps the loop; it is never run here.
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def _pairs(request: ClientRequest) -> list[tuple[str, str]]:
    return list(request.headers.items())


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://h.test/a", "h.test"),
        ("http://h.test:8080/a", "h.test:8080"),
        ("https://h.test:443/a", "h.test"),
        ("https://h.test:8443/a?q=1", "h.test:8443"),
        ("http://[::1]:81/", "[::1]:81"),
    ],
)
def test_auto_fields_match_the_general_path(
    loop: asyncio.AbstractEventLoop, url: str, host: str
) -> None:
    kept = ClientRequest("GET", URL(url), loop=loop)
    general = _Plain("GET", URL(url), loop=loop)
    assert _pairs(kept) == _pairs(general)
    assert kept.headers["Host"] == host
    assert [name for name, _ in _pairs(kept)] == [
        "Host",
        "Accept",
        "Accept-Encoding",
        "User-Agent",
    ]


def test_each_request_gets_its_own_fields(loop: asyncio.AbstractEventLoop) -> None:
    url = URL("http://h.test/")
    first = ClientRequest("GET", url, loop=loop)
    first.headers["X-Mine"] = "1"
    del first.headers["Accept"]
    second = ClientRequest("GET", url, loop=loop)
    assert "X-Mine" not in second.headers
    assert second.headers["Accept"] == "*/*"


def _head(request: ClientRequest) -> bytes:
    return kept_head(
        request.method,
        request._target(),
        request.version,
        request.headers,
        request._auto_fields,
    )


def test_an_untouched_request_reuses_the_kept_head(
    loop: asyncio.AbstractEventLoop,
) -> None:
    url = URL("http://h.test:8080/kept?x=1")
    first, second = (ClientRequest("GET", url, loop=loop) for _ in range(2))
    head = _head(first)
    assert _head(second) is head
    assert head == serialize_head(
        "GET", "/kept?x=1", HttpVersion11, CIMultiDict(first.headers)
    )
    assert head.startswith(b"GET /kept?x=1 HTTP/1.1\r\nHost: h.test:8080\r\n")
    assert head.endswith(b"\r\n\r\n")


def test_a_touched_request_is_serialised_afresh(
    loop: asyncio.AbstractEventLoop,
) -> None:
    url = URL("http://h.test/touched")
    before = _head(ClientRequest("GET", url, loop=loop))
    touched = ClientRequest("GET", url, loop=loop)
    touched.headers["X-Added"] = "yes"
    head = _head(touched)
    assert b"\r\nX-Added: yes\r\n" in head
    # The change was not kept for the requests after it.
    assert _head(ClientRequest("GET", url, loop=loop)) == before
    assert b"X-Added" not in before


def test_method_and_version_are_part_of_the_kept_head(
    loop: asyncio.AbstractEventLoop,
) -> None:
    url = URL("http://h.test/m")
    get = _head(ClientRequest("GET", url, loop=loop))
    delete = _head(ClientRequest("DELETE", url, loop=loop))
    old = _head(ClientRequest("GET", url, loop=loop, version=HttpVersion10))
    assert get.startswith(b"GET /m HTTP/1.1\r\n")
    assert delete.startswith(b"DELETE /m HTTP/1.1\r\n")
    assert old.startswith(b"GET /m HTTP/1.0\r\n")


def test_caller_fields_take_the_general_path(loop: asyncio.AbstractEventLoop) -> None:
    request = ClientRequest(
        "GET", URL("http://h.test/"), headers={"X-A": "1"}, loop=loop
    )
    assert request._auto_fields is None
    assert request.headers["X-A"] == "1"
    skipped = ClientRequest(
        "GET", URL("http://h.test/"), skip_auto_headers=["User-Agent"], loop=loop
    )
    assert skipped._auto_fields is None
    assert "User-Agent" not in skipped.headers


async def test_session_requests_send_the_kept_head(
    fake_server: FakeServerFactory,
) -> None:
    """Plain GETs and one with a field of its own, over one connection."""
    server = await fake_server(Reply(200, body=b"ok"))
    async with ClientSession() as session:
        for headers in (None, None, {"X-Extra": "1"}, None):
            async with session.get(f"{server.url}/p", headers=headers) as resp:
                assert await resp.read() == b"ok"
    raws = [request.raw for request in server.requests]
    assert raws[0] == raws[1] == raws[3]
    assert raws[0].startswith(b"GET /p HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nX-Extra: 1\r\n" in raws[2]
    assert b"X-Extra" not in raws[0]
    assert {request.connection for request in server.requests} == {0}
