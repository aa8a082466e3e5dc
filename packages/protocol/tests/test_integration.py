"""The pieces together over real sockets: parser, message streams, writer.

A small echo server and client built only from this package and the parser,
the way aioweb's server and client use them: requests and responses are
parsed into (head, StreamReader) pairs by HttpMessageStreams, bodies are
streamed back with StreamWriter, and a slow handler pauses the socket.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from multidict import CIMultiDict

from aioweb.parser import HttpParserError, RequestHead, RequestParser, ResponseParser
from aioweb.protocol import (
    BaseProtocol,
    HttpMessageStreams,
    MessageQueue,
    StreamWriter,
)


class EchoServer(BaseProtocol):
    """Answers each request with its body, streamed back chunked."""

    def __init__(self, loop: asyncio.AbstractEventLoop, delay: float = 0) -> None:
        super().__init__(loop)
        self.queue: MessageQueue[RequestHead] = MessageQueue()
        self.streams: HttpMessageStreams[RequestHead] = HttpMessageStreams(
            self.queue, self, limit=2**14
        )
        self.parser = RequestParser(self.streams)
        self.delay = delay
        self.pauses = 0
        self.handler: asyncio.Task[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.handler = self._loop.create_task(self.handle())

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except HttpParserError as exc:
            self.queue.set_exception(self.streams.parser_failed(exc))

    def eof_received(self) -> None:
        self.queue.feed_eof()

    def connection_lost(self, exc: BaseException | None) -> None:
        super().connection_lost(exc)
        self.streams.connection_lost(exc)
        self.queue.feed_eof()

    def pause_reading(self) -> None:
        self.pauses += 1
        super().pause_reading()

    async def handle(self) -> None:
        try:
            while (message := await self.queue.get()) is not None:
                head, body = message
                writer = StreamWriter(self, self._loop)
                writer.enable_chunking()
                headers = CIMultiDict(
                    {"Transfer-Encoding": "chunked", "X-Target": head.target}
                )
                await writer.write_headers("HTTP/1.1 200 OK", headers)
                await asyncio.sleep(self.delay)  # a slow handler: the body waits
                async for chunk in body.iter_any():
                    await writer.write(chunk)
                await writer.write_eof()
        except HttpParserError as exc:
            writer = StreamWriter(self, self._loop)
            status = exc.status or 400
            await writer.write_headers(
                f"HTTP/1.1 {status} Bad Request", {"Content-Length": "0"}
            )
            await writer.write_eof()
        finally:
            if self.transport is not None:
                self.transport.close()


class Client(BaseProtocol):
    """Parses the responses with the same glue."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self.queue: MessageQueue[Any] = MessageQueue()
        self.streams: HttpMessageStreams[Any] = HttpMessageStreams(self.queue, self)
        self.parser = ResponseParser(self.streams)

    def data_received(self, data: bytes) -> None:
        self.parser.feed_data(data)

    def connection_lost(self, exc: BaseException | None) -> None:
        super().connection_lost(exc)
        self.parser.feed_eof()
        self.streams.connection_lost(exc)
        self.queue.feed_eof()


@pytest.fixture
async def connect() -> AsyncIterator[Any]:
    loop = asyncio.get_running_loop()
    servers: list[asyncio.AbstractServer] = []
    protocols: list[EchoServer] = []
    transports: list[asyncio.BaseTransport] = []

    async def make(delay: float = 0) -> tuple[Client, EchoServer]:
        made = asyncio.Event()

        def factory() -> EchoServer:
            protocols.append(EchoServer(loop, delay))
            made.set()
            return protocols[-1]

        # The server is the subject (this package's glue), not a peer: it
        # cannot be a testkit server, which is built on the same glue or none.
        server = await loop.create_server(factory, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        transport, client = await loop.create_connection(
            lambda: Client(loop), "127.0.0.1", port
        )
        transports.append(transport)
        await made.wait()
        return client, protocols[-1]

    yield make
    for transport in transports:
        transport.close()
    for protocol in protocols:
        if protocol.handler is not None:
            await protocol.handler
    for server in servers:
        server.close()
        await server.wait_closed()


async def send(client: Client, method: str, target: str, body: bytes) -> None:
    assert client.transport is not None
    client.parser.expect_response(method)
    writer = StreamWriter(client, asyncio.get_running_loop())
    writer.length = len(body)
    headers = {"Host": "127.0.0.1", "Content-Length": str(len(body))}
    await writer.write_headers(f"{method} {target} HTTP/1.1", headers)
    await writer.write_eof(body)


async def test_pipelined_requests_are_echoed_in_order(connect: Any) -> None:
    client, _ = await connect()
    bodies = [b"first", b"", b"third" * 1000]
    for number, body in enumerate(bodies):
        await send(client, "POST", f"/{number}", body)
    for number, body in enumerate(bodies):
        message = await asyncio.wait_for(client.queue.get(), 5)
        assert message is not None
        head, payload = message
        assert head.status == 200 and head.chunked
        assert head.headers["X-Target"] == f"/{number}"
        assert await payload.read() == body


async def test_a_slow_handler_pauses_the_socket(connect: Any) -> None:
    client, server = await connect(delay=0.2)
    body = bytes(range(256)) * 4096  # 1 MiB against a 16 KiB low-water mark
    await send(client, "PUT", "/big", body)
    message = await asyncio.wait_for(client.queue.get(), 10)
    assert message is not None
    assert await asyncio.wait_for(message[1].read(), 10) == body
    # While the handler slept, the request body filled its reader: the
    # server stopped reading the socket instead of buffering the megabyte.
    assert server.pauses >= 1
    assert not server.reading_paused


async def test_a_malformed_request_is_answered_with_its_status(connect: Any) -> None:
    client, _ = await connect()
    assert client.transport is not None
    client.parser.expect_response("GET")
    client.transport.write(b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
    message = await asyncio.wait_for(client.queue.get(), 5)
    assert message is not None
    assert message[0].status == 400
    assert await asyncio.wait_for(client.queue.get(), 5) is None  # closed
