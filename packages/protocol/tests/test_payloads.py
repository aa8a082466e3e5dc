"""Payloads: sizes, headers, streaming of files and iterables, the registry."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from aioweb.protocol import (
    PAYLOAD_REGISTRY,
    AsyncIterablePayload,
    BufferedReaderPayload,
    BytesIOPayload,
    BytesPayload,
    IOBasePayload,
    JsonPayload,
    Order,
    Payload,
    StringIOPayload,
    StringPayload,
    TextIOPayload,
    get_payload,
    payload_type,
)


class Recorder:
    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    async def write(self, chunk: bytes) -> None:
        self.chunks.append(chunk)


async def test_bytes_payload() -> None:
    for value in (b"abc", bytearray(b"abc"), memoryview(b"abc")):
        payload = get_payload(value)
        assert type(payload) is BytesPayload
        assert payload.size == 3
        assert payload.content_type == "application/octet-stream"
        assert await payload.as_bytes() == b"abc"
        assert payload.decode() == "abc"
    with pytest.raises(TypeError):
        BytesPayload("text")  # type: ignore[arg-type]


async def test_string_payload_charset() -> None:
    payload = get_payload("héllo")
    assert type(payload) is StringPayload
    assert payload.content_type == "text/plain; charset=utf-8"
    assert payload.size == len("héllo".encode())
    latin = StringPayload("héllo", content_type="text/html; charset=latin-1")
    assert await latin.as_bytes() == "héllo".encode("latin-1")
    assert latin.encoding == "latin-1"
    assert latin.content_type == "text/html; charset=latin-1"
    assert (
        StringPayload("x", encoding="utf-16").content_type
        == "text/plain; charset=utf-16"
    )


async def test_string_io_payload() -> None:
    payload = get_payload(io.StringIO("text body"))
    assert type(payload) is StringIOPayload
    assert await payload.as_bytes() == b"text body"


async def test_json_payload_with_pluggable_dumps() -> None:
    payload = JsonPayload({"a": [1, "é"]})
    assert payload.content_type == "application/json"
    assert json.loads(await payload.as_bytes()) == {"a": [1, "é"]}
    custom = JsonPayload({"a": 1}, dumps=lambda v: b'{"custom":true}')
    assert await custom.as_bytes() == b'{"custom":true}'
    assert custom.size == 15


async def test_bytes_io_payload_from_position() -> None:
    buffer = io.BytesIO(b"skip:data")
    buffer.seek(5)
    payload = get_payload(buffer)
    assert type(payload) is BytesIOPayload
    assert payload.size == 4
    assert await payload.as_bytes() == b"data"
    assert await payload.as_bytes() == b"data"  # written again from the start
    assert payload.decode() == "data"


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "big.bin"
    path.write_bytes(bytes(range(256)) * 1000)
    return path


async def test_file_payload_streams_in_pieces(big_file: Path) -> None:
    with big_file.open("rb") as file:
        payload = get_payload(file)
        assert type(payload) is BufferedReaderPayload
        assert payload.size == 256_000
        assert payload.filename == "big.bin"
        assert (
            payload.headers["Content-Disposition"] == 'attachment; filename="big.bin"'
        )
        recorder = Recorder()
        await payload.write(recorder)
        assert max(map(len, recorder.chunks)) <= 2**16
        assert len(recorder.chunks) == 4
        assert b"".join(recorder.chunks) == bytes(range(256)) * 1000
        await payload.close()
        assert file.closed


async def test_file_payload_from_offset_and_content_type(big_file: Path) -> None:
    with big_file.open("rb") as file:
        file.seek(255_000)
        payload = get_payload(file, filename="report.pdf")
        assert payload.size == 1000
        assert payload.content_type == "application/pdf"
        assert len(await payload.as_bytes()) == 1000


async def test_text_file_payload(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("héllo wörld\n" * 10_000, encoding="utf-8")
    with path.open(encoding="utf-8") as file:
        payload = get_payload(file)
        assert type(payload) is TextIOPayload
        assert payload.size is None
        assert payload.content_type == "text/plain; charset=utf-8"
        assert (await payload.as_bytes()).decode() == "héllo wörld\n" * 10_000


async def test_generic_io_payload() -> None:
    class Raw(io.RawIOBase):
        def __init__(self) -> None:
            self.left = 3

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            if not self.left:
                return 0
            self.left -= 1
            buffer[:2] = b"ab"
            return 2

    payload = get_payload(Raw())
    assert type(payload) is IOBasePayload
    assert payload.size is None
    assert await payload.as_bytes() == b"ababab"


async def test_async_iterable_payload() -> None:
    async def gen() -> AsyncIterator[bytes]:
        yield b"one "
        yield bytearray(b"two")

    payload = get_payload(gen())
    assert type(payload) is AsyncIterablePayload
    assert payload.size is None
    assert await payload.as_bytes() == b"one two"
    assert await payload.as_bytes() == b""  # consumed once


async def test_async_iterable_must_yield_bytes() -> None:
    async def gen() -> AsyncIterator[str]:
        yield "text"

    with pytest.raises(TypeError):
        await AsyncIterablePayload(gen()).as_bytes()  # type: ignore[arg-type]


async def test_payload_passes_through_and_unknown_types() -> None:
    payload = BytesPayload(b"x")
    assert get_payload(payload) is payload
    with pytest.raises(LookupError):
        get_payload(object())


async def test_registry_orders() -> None:
    class Thing(bytes):
        pass

    @payload_type(Thing, order=Order.try_first)
    class ThingPayload(BytesPayload):
        _default_content_type = "application/x-thing"

    try:
        assert type(get_payload(Thing(b"t"))) is ThingPayload
        assert get_payload(Thing(b"t")).content_type == "application/x-thing"
        assert type(get_payload(b"plain")) is BytesPayload
    finally:
        PAYLOAD_REGISTRY._first.clear()


async def test_headers_and_disposition() -> None:
    payload = BytesPayload(b"x", headers={"X-Part": "1"}, content_type="image/png")
    payload.set_content_disposition("form-data", name="file", filename="a.png")
    assert dict(payload.headers) == {
        "X-Part": "1",
        "Content-Type": "image/png",
        "Content-Disposition": 'form-data; name="file"; filename="a.png"',
    }
    none = BytesPayload(b"x", content_type=None)
    assert "Content-Type" not in none.headers


def test_base_payload_is_abstract() -> None:
    payload = Payload(None)
    with pytest.raises(TypeError):
        payload.decode()
