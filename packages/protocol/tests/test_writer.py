"""StreamWriter: coalescing, framing, coding, limits, back-pressure, sendfile."""

from __future__ import annotations

import asyncio
import gzip
import os
import socket
import zlib
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from multidict import CIMultiDict

from aioweb.protocol import (
    COMPRESS_IN_THREAD_SIZE,
    SENDFILE_CHUNK_SIZE,
    BaseProtocol,
    ContentLengthError,
    HeaderInjectionError,
    MultipartWriter,
    StreamWriter,
    get_payload,
)

HEAD = b"HTTP/1.1 200 OK\r\n"


@pytest.fixture
async def writer(protocol: BaseProtocol) -> StreamWriter:
    return StreamWriter(protocol, asyncio.get_running_loop())


def dechunk(data: bytes) -> tuple[bytes, bytes]:
    """Split a chunked body into (payload, trailer section)."""
    out = b""
    while True:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            return out, data
        out += data[:size]
        assert data[size : size + 2] == b"\r\n"
        data = data[size + 2 :]


async def test_head_and_small_body_leave_in_one_write(
    writer: StreamWriter, transport: Any
) -> None:
    writer.length = 5
    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"Content-Length": "5"}))
    assert transport.written == []
    await writer.write_eof(b"hello")
    assert transport.written == [HEAD + b"Content-Length: 5\r\n\r\nhello"]
    assert writer.output_size == len(transport.written[0])
    assert writer.length == 0


async def test_head_coalesces_with_first_chunk(
    writer: StreamWriter, transport: Any
) -> None:
    writer.enable_chunking()
    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    await writer.write(b"abc")
    await writer.write(b"0123456789abcdef")
    await writer.write(b"")
    await writer.write_eof()
    assert transport.written == [
        HEAD + b"\r\n3\r\nabc\r\n",
        b"10\r\n0123456789abcdef\r\n",
        b"0\r\n\r\n",
    ]


async def test_chunked_trailers(writer: StreamWriter, transport: Any) -> None:
    writer.enable_chunking()
    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    await writer.write_eof(b"x", trailers=CIMultiDict({"X-Checksum": "abc"}))
    body = transport.data.split(b"\r\n\r\n", 1)[1]
    assert dechunk(body) == (b"x", b"X-Checksum: abc\r\n\r\n")


async def test_trailers_need_chunking(writer: StreamWriter) -> None:
    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    with pytest.raises(ValueError):
        await writer.write_eof(b"", trailers={"X": "1"})


async def test_trailer_injection_refused(writer: StreamWriter, transport: Any) -> None:
    writer.enable_chunking()
    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    with pytest.raises(HeaderInjectionError):
        await writer.write_eof(b"", trailers={"X": "1\r\nEvil: 1"})
    assert transport.written == []


async def test_large_body_is_not_copied_into_the_head(
    writer: StreamWriter, transport: Any
) -> None:
    body = b"x" * 100_000
    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    await writer.write(body)
    assert transport.written[0].startswith(HEAD)
    assert transport.written[1] is not None and len(transport.written) == 2
    assert transport.data.endswith(body)


async def test_send_headers_alone(writer: StreamWriter, transport: Any) -> None:
    await writer.write_headers("HTTP/1.1 100 Continue", CIMultiDict())
    writer.send_headers()
    writer.send_headers()
    assert transport.written == [b"HTTP/1.1 100 Continue\r\n\r\n"]


async def test_write_eof_with_only_a_head(writer: StreamWriter, transport: Any) -> None:
    await writer.write_headers("HTTP/1.1 204 No Content", CIMultiDict())
    await writer.write_eof()
    await writer.write_eof()
    assert transport.written == [b"HTTP/1.1 204 No Content\r\n\r\n"]
    with pytest.raises(RuntimeError):
        await writer.write(b"late")


@pytest.mark.parametrize("bad", ["\r", "\n", "\x00"])
@pytest.mark.parametrize(
    ("line", "headers"),
    [
        ("GET /{bad} HTTP/1.1", {}),
        ("G{bad}ET / HTTP/1.1", {}),
        ("HTTP/1.1 200 O{bad}K", {}),
        ("HTTP/1.1 200 OK", {"X-Value": "a{bad}b"}),
        ("HTTP/1.1 200 OK", {"X-Na{bad}me": "v"}),
    ],
    ids=["target", "method", "reason", "value", "name"],
)
async def test_injection_refused_before_any_byte(
    writer: StreamWriter,
    transport: Any,
    bad: str,
    line: str,
    headers: Mapping[str, str],
) -> None:
    headers = {k.format(bad=bad): v.format(bad=bad) for k, v in headers.items()}
    with pytest.raises(HeaderInjectionError):
        await writer.write_headers(line.format(bad=bad), CIMultiDict(headers))
    await writer.write(b"body")
    assert transport.written == [b"body"]  # no part of the refused head left


async def test_content_length_is_enforced(writer: StreamWriter, transport: Any) -> None:
    writer.length = 4
    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"Content-Length": "4"}))
    await writer.write(b"abc")
    with pytest.raises(ContentLengthError):
        await writer.write(b"de")
    assert transport.data.endswith(b"\r\n\r\nabc")


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd"])
async def test_compressed_chunked_body(
    writer: StreamWriter, transport: Any, encoding: str
) -> None:
    from aioweb.protocol import get_decoder

    writer.enable_chunking()
    writer.enable_compression(encoding)
    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    body = b"compress me please " * 2000
    for start in range(0, len(body), 1000):
        await writer.write(body[start : start + 1000])
    await writer.write_eof(b"!")
    coded, trailers = dechunk(transport.data.split(b"\r\n\r\n", 1)[1])
    assert trailers == b"\r\n"
    decoder = get_decoder(encoding)
    assert decoder.decompress(coded) + decoder.flush() == body + b"!"
    assert len(coded) < len(body) // 10


async def test_enable_compression_takes_aiohttp_arguments(
    writer: StreamWriter, transport: Any
) -> None:
    # aiohttp code passes a zlib strategy second; it must not become a level.
    writer.enable_compression("deflate", zlib.Z_DEFAULT_STRATEGY)
    await writer.write_headers("HTTP/1.0 200 OK", CIMultiDict())
    await writer.write_eof(b"a" * 10_000)
    coded = transport.data.split(b"\r\n\r\n", 1)[1]
    assert len(coded) < 100
    assert zlib.decompress(coded) == b"a" * 10_000


async def test_compression_level(protocol: BaseProtocol, transport: Any) -> None:
    sizes = []
    for level in (0, 9):
        transport.written.clear()
        writer = StreamWriter(protocol, asyncio.get_running_loop())
        writer.enable_compression("gzip", level=level)
        await writer.write_eof(b"abc" * 10_000)
        sizes.append(len(transport.data))
        assert gzip.decompress(transport.data) == b"abc" * 10_000
    assert sizes[0] > 30_000 > 1000 > sizes[1]


async def test_large_pieces_are_compressed_in_a_thread(
    writer: StreamWriter, transport: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = asyncio.get_running_loop()
    offloaded: list[int] = []
    real = loop.run_in_executor

    def spy(executor: Any, func: Any, *args: Any) -> Any:
        offloaded.append(len(args[0]))
        return real(executor, func, *args)

    monkeypatch.setattr(loop, "run_in_executor", spy)
    writer.enable_compression("gzip")
    small = b"s" * COMPRESS_IN_THREAD_SIZE
    large = os.urandom(COMPRESS_IN_THREAD_SIZE + 1)
    await writer.write(small)
    await writer.write_eof(large)
    assert offloaded == [len(large)]
    assert gzip.decompress(transport.data) == small + large


async def test_gzip_output_is_standard(writer: StreamWriter, transport: Any) -> None:
    writer.enable_compression("gzip")
    await writer.write_headers("HTTP/1.0 200 OK", CIMultiDict())
    await writer.write_eof(b"plain gzip")
    assert gzip.decompress(transport.data.split(b"\r\n\r\n", 1)[1]) == b"plain gzip"


async def test_write_waits_while_the_transport_buffer_is_full(
    writer: StreamWriter, protocol: BaseProtocol, transport: Any
) -> None:
    transport.on_write = lambda data: protocol.pause_writing()
    task = asyncio.create_task(writer.write(b"x" * 10))
    await asyncio.sleep(0.01)
    assert transport.written == [b"x" * 10]
    assert not task.done()
    protocol.resume_writing()
    await asyncio.wait_for(task, 1)
    # drain=False leaves waiting to the caller.
    await writer.write(b"y", drain=False)
    assert protocol.writing_paused
    protocol.resume_writing()


async def test_write_to_closed_transport(writer: StreamWriter, transport: Any) -> None:
    transport.close()
    with pytest.raises(ConnectionResetError):
        await writer.write(b"x")


async def test_drain_after_connection_lost(
    writer: StreamWriter, protocol: BaseProtocol
) -> None:
    protocol.connection_lost(None)
    with pytest.raises(ConnectionResetError):
        await writer.write(b"x")
    await writer.drain()  # nothing to drain into: returns


async def test_trace_callbacks(protocol: BaseProtocol, transport: Any) -> None:
    seen: list[object] = []

    async def on_chunk(chunk: bytes) -> None:
        seen.append(chunk)

    async def on_headers(headers: Mapping[str, str]) -> None:
        seen.append(dict(headers))

    writer = StreamWriter(protocol, asyncio.get_running_loop(), on_chunk, on_headers)
    await writer.write_headers("GET / HTTP/1.1", CIMultiDict({"Host": "h"}))
    await writer.write(b"a")
    await writer.write_eof(b"b")
    assert seen == [{"Host": "h"}, b"a", b"b"]


# -- sendfile -------------------------------------------------------------------


CONTENT = os.urandom(300_000)


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.bin"
    path.write_bytes(CONTENT)
    return path


@pytest.fixture
def sendfile_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = os.sendfile

    def spy(out_fd: int, in_fd: int, offset: int | None, count: int) -> int:
        sent = real(out_fd, in_fd, offset, count)
        calls.append(sent)
        return sent

    monkeypatch.setattr(os, "sendfile", spy)
    return calls


@pytest.fixture
async def connection() -> AsyncIterator[tuple[StreamWriter, asyncio.StreamReader]]:
    """A writer on a real 127.0.0.1 connection and a reader of the far end."""
    loop = asyncio.get_running_loop()
    accepted: asyncio.Future[tuple[asyncio.StreamReader, asyncio.StreamWriter]]
    accepted = loop.create_future()

    async def on_client(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        accepted.set_result((r, w))

    # A byte-exact far end for what the writer (a response, a bare multipart
    # body) puts on a real TCP socket through os.sendfile; a fake server
    # parses requests, which these bytes are not.
    server = await asyncio.start_server(on_client, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport, protocol = await loop.create_connection(
        lambda: BaseProtocol(loop), "127.0.0.1", port, family=socket.AF_INET
    )
    reader, far_writer = await accepted
    try:
        yield StreamWriter(protocol, loop), reader
    finally:
        transport.close()
        far_writer.close()
        await far_writer.wait_closed()
        server.close()
        await server.wait_closed()


async def test_sendfile_uses_os_sendfile_on_a_socket(
    connection: tuple[StreamWriter, asyncio.StreamReader],
    data_file: Path,
    sendfile_calls: list[int],
) -> None:
    writer, reader = connection
    content = CONTENT
    writer.length = 200_000
    head = "HTTP/1.1 200 OK"
    await writer.write_headers(head, CIMultiDict({"Content-Length": "200000"}))
    with data_file.open("rb") as file:
        assert await writer.sendfile(file, 1000, 200_000) == 200_000
    await writer.write_eof()
    expected = (
        b"HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n" + content[1000:201_000]
    )
    assert await reader.readexactly(len(expected)) == expected
    assert sum(sendfile_calls) == 200_000
    assert writer.output_size == len(expected)


async def test_sendfile_falls_back_when_chunked_on_a_socket(
    connection: tuple[StreamWriter, asyncio.StreamReader],
    data_file: Path,
    sendfile_calls: list[int],
) -> None:
    writer, reader = connection
    writer.enable_chunking()
    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    with data_file.open("rb") as file:
        assert await writer.sendfile(file) == 300_000
    await writer.write_eof()
    content = CONTENT
    expected = b"HTTP/1.1 200 OK\r\n\r\n"
    for start in range(0, len(content), SENDFILE_CHUNK_SIZE):
        piece = content[start : start + SENDFILE_CHUNK_SIZE]
        expected += b"%x\r\n%s\r\n" % (len(piece), piece)
    expected += b"0\r\n\r\n"
    assert await reader.readexactly(len(expected)) == expected
    assert sendfile_calls == []


async def test_sendfile_falls_back_without_transport_support(
    writer: StreamWriter, transport: Any, data_file: Path, sendfile_calls: list[int]
) -> None:
    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    with data_file.open("rb") as file:
        assert await writer.sendfile(file, 10) == 300_000 - 10
    assert transport.data == HEAD + b"\r\n" + CONTENT[10:]
    assert sendfile_calls == []


async def test_file_payload_uses_sendfile_on_a_socket(
    connection: tuple[StreamWriter, asyncio.StreamReader],
    data_file: Path,
    sendfile_calls: list[int],
) -> None:
    writer, reader = connection
    await writer.write_headers(
        "HTTP/1.1 200 OK", CIMultiDict({"Content-Length": "300000"})
    )
    with data_file.open("rb") as file:
        payload = get_payload(file)
        await payload.write(writer)
        await payload.write(writer)  # again, from where the file stood
    await writer.write_eof()
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n"
    expected = head + CONTENT + CONTENT
    assert await reader.readexactly(len(expected)) == expected
    assert sum(sendfile_calls) == 2 * len(CONTENT)


async def test_file_payload_falls_back_without_sendfile(
    writer: StreamWriter, transport: Any, data_file: Path, sendfile_calls: list[int]
) -> None:
    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    with data_file.open("rb") as file:
        file.seek(100)
        await get_payload(file).write(writer)
    assert transport.data == HEAD + b"\r\n" + CONTENT[100:]
    assert sendfile_calls == []


async def test_file_payload_in_multipart_over_a_socket(
    connection: tuple[StreamWriter, asyncio.StreamReader],
    data_file: Path,
    sendfile_calls: list[int],
) -> None:
    writer, reader = connection
    form = MultipartWriter("form-data", boundary="b")
    with data_file.open("rb") as file:
        form.append(file).set_content_disposition("form-data", name="f", filename="d")
        await form.write(writer)
    await writer.write_eof()
    data = await reader.readexactly(form.size or 0)
    assert CONTENT in data and data.endswith(b"\r\n--b--\r\n")
    assert sum(sendfile_calls) == len(CONTENT)


async def test_sendfile_refuses_past_content_length(
    writer: StreamWriter, transport: Any, data_file: Path
) -> None:
    writer.length = 10
    with data_file.open("rb") as file, pytest.raises(ContentLengthError):
        await writer.sendfile(file)
    assert transport.written == []


async def test_sendfile_of_a_non_file_object(
    writer: StreamWriter, transport: Any
) -> None:
    import io

    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    assert await writer.sendfile(io.BytesIO(b"in memory"), 3) == 6  # type: ignore[arg-type]
    assert transport.data.endswith(b"\r\n\r\nmemory")
