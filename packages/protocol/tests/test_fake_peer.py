"""A client built from this package alone, against aioweb-testkit's fake servers.

The writer's requests are read by the fake server's strict parser, which
records them byte for byte; the fake server's scripted misbehaviour (a cut
body, a reset, a malformed status line, a gzip bomb) reaches the message
streams as this layer's errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from multidict import CIMultiDict

from aioweb.parser import HttpParserError, ResponseParser
from aioweb.protocol import (
    BaseProtocol,
    ContentLengthError,
    HttpMessageStreams,
    MessageQueue,
    PayloadTooLargeError,
    StreamWriter,
    TransferEncodingError,
)
from aioweb.testkit import (
    FakeServer,
    FakeServerFactory,
    RawReply,
    Reply,
    gzip_bomb,
    malformed_status_line,
    reset_mid_response,
    truncated,
)


class Client(BaseProtocol):
    """Parses responses into (head, body) pairs, as aioweb's client does."""

    def __init__(self, loop: asyncio.AbstractEventLoop, **streams: Any) -> None:
        super().__init__(loop)
        self.queue: MessageQueue[Any] = MessageQueue()
        self.streams: HttpMessageStreams[Any] = HttpMessageStreams(
            self.queue, self, **streams
        )
        self.parser = ResponseParser(self.streams)
        self.lost: asyncio.Future[BaseException | None] = loop.create_future()

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except HttpParserError as exc:
            self.queue.set_exception(self.streams.parser_failed(exc))

    def connection_lost(self, exc: BaseException | None) -> None:
        super().connection_lost(exc)
        try:
            self.parser.feed_eof()
        except HttpParserError as error:
            self.streams.parser_failed(error)
        self.streams.connection_lost(exc)
        self.queue.feed_eof()
        if not self.lost.done():
            self.lost.set_result(exc)

    async def request(
        self,
        method: str,
        target: str,
        body: bytes = b"",
        *,
        chunked: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.parser.expect_response(method)
        writer = StreamWriter(self, self._loop)
        fields = CIMultiDict({"Host": "127.0.0.1", **(headers or {})})
        if chunked:
            writer.enable_chunking()
            fields["Transfer-Encoding"] = "chunked"
        else:
            writer.length = len(body)
            fields["Content-Length"] = str(len(body))
        await writer.write_headers(f"{method} {target} HTTP/1.1", fields)
        if chunked:
            for start in range(0, len(body), 7):
                await writer.write(body[start : start + 7])
            await writer.write_eof()
        else:
            await writer.write_eof(body)

    async def response(self) -> tuple[Any, Any]:
        message = await asyncio.wait_for(self.queue.get(), 5)
        assert message is not None, "the connection ended without a response"
        return message


Connect = Callable[..., Awaitable[Client]]


@pytest.fixture
async def connect() -> AsyncIterator[Connect]:
    loop = asyncio.get_running_loop()
    clients: list[Client] = []

    async def to(server: FakeServer, **streams: Any) -> Client:
        _, client = await loop.create_connection(
            lambda: Client(loop, **streams), server.host, server.port
        )
        clients.append(client)
        return client

    yield to
    for client in clients:
        if client.transport is not None:
            client.transport.close()
        await asyncio.wait_for(client.lost, 5)


async def test_requests_pass_a_strict_parser_on_one_connection(
    fake_server: FakeServerFactory, connect: Connect
) -> None:
    server = await fake_server([Reply(body=b"one"), Reply(body=b"two", chunked=True)])
    client = await connect(server)
    await client.request("PUT", "/sized", b"x" * 1000)
    head, body = await client.response()
    assert (head.status, await body.read()) == (200, b"one")
    await client.request("POST", "/chunked?q=1", b"0123456789" * 5, chunked=True)
    head, body = await client.response()
    assert head.chunked
    assert await body.read() == b"two"
    assert server.errors == []
    sized, chunked = server.requests
    assert (sized.method, sized.target, sized.body) == ("PUT", "/sized", b"x" * 1000)
    assert sized.raw.startswith(b"PUT /sized HTTP/1.1\r\n")
    assert (chunked.path, chunked.query_string) == ("/chunked", "q=1")
    assert chunked.headers["Transfer-Encoding"] == "chunked"
    assert chunked.body == b"0123456789" * 5
    # Seven bytes a chunk, then the last chunk (RFC 9112 section 7.1).
    assert chunked.raw.endswith(b"7\r\n2345678\r\n1\r\n9\r\n0\r\n\r\n")
    assert sized.connection == chunked.connection


async def test_truncated_body_is_a_content_length_error(
    fake_server: FakeServerFactory, connect: Connect
) -> None:
    server = await fake_server(truncated(b"partial", missing=10))
    client = await connect(server)
    await client.request("GET", "/")
    head, body = await client.response()
    assert head.content_length == len(b"partial") + 10
    with pytest.raises(ContentLengthError):
        await body.read()


async def test_chunked_body_cut_by_the_close(
    fake_server: FakeServerFactory, connect: Connect
) -> None:
    server = await fake_server(
        RawReply(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel")
    )
    client = await connect(server)
    await client.request("GET", "/")
    _, body = await client.response()
    with pytest.raises(TransferEncodingError):
        await body.read()


async def test_reset_mid_body_breaks_the_body(
    fake_server: FakeServerFactory, connect: Connect
) -> None:
    server = await fake_server(reset_mid_response(b"y" * 10_000, after=200))
    client = await connect(server)
    await client.request("GET", "/")
    _, body = await client.response()
    with pytest.raises(ContentLengthError):
        await body.read()
    assert isinstance(await client.lost, ConnectionResetError)


async def test_malformed_status_line_fails_the_response(
    fake_server: FakeServerFactory, connect: Connect
) -> None:
    server = await fake_server(malformed_status_line())
    client = await connect(server)
    await client.request("GET", "/")
    with pytest.raises(HttpParserError) as caught:
        await client.response()
    assert caught.value.status == 400


async def test_gzip_bomb_stops_at_the_decoded_limit(
    fake_server: FakeServerFactory, connect: Connect
) -> None:
    server = await fake_server(gzip_bomb(size=64 << 20))
    client = await connect(
        server, decompress=True, max_decompressed_size=1 << 20, max_ratio=None
    )
    await client.request("GET", "/")
    _, body = await client.response()
    with pytest.raises(PayloadTooLargeError):
        await asyncio.wait_for(body.read(), 10)
