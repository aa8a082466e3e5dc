"""Multipart against aiohttp's: each reads what the other writes."""

from __future__ import annotations

import asyncio
import io
from typing import Any
from urllib.parse import quote

import aiohttp
import aiohttp.streams
import pytest

from aioweb.protocol import (
    BaseProtocol,
    BodyPartReader,
    FormData,
    MultipartReader,
    MultipartWriter,
    StreamReader,
)

FILENAME = "résumé «final».pdf"


class Collector:
    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    async def write(self, chunk: bytes) -> None:
        self.chunks.append(bytes(chunk))

    async def write_eof(self, chunk: bytes = b"") -> None:
        self.chunks.append(chunk)

    async def drain(self) -> None:
        pass


class AiohttpProtocol:
    _reading_paused = False
    transport = None

    def pause_reading(self, **options: Any) -> None:
        self._reading_paused = True

    def resume_reading(self, **options: Any) -> None:
        self._reading_paused = False


async def test_aiohttp_reads_what_we_write() -> None:
    form = FormData(boundary="interop")
    form.add_field("title", "naïve text")
    form.add_field("doc", io.BytesIO(b"%PDF-\x00\xff"), filename=FILENAME)
    form.add_field("quote", 'with "quotes"')
    payload = form()
    data = await payload.as_bytes()

    loop = asyncio.get_running_loop()
    stream = aiohttp.streams.StreamReader(AiohttpProtocol(), 2**16, loop=loop)  # type: ignore[arg-type]
    stream.feed_data(data)
    stream.feed_eof()
    reader = aiohttp.MultipartReader({"Content-Type": payload.content_type}, stream)
    got = []
    async for part in reader:
        assert isinstance(part, aiohttp.BodyPartReader)
        got.append((part.name, part.filename, await part.read()))
    assert got == [
        ("title", None, "naïve text".encode()),
        ("doc", FILENAME, b"%PDF-\x00\xff"),
        ("quote", None, b'with "quotes"'),
    ]


async def test_we_read_what_aiohttp_writes(protocol: BaseProtocol) -> None:
    form = aiohttp.FormData()
    form.add_field("title", "naïve text")
    form.add_field("doc", io.BytesIO(b"%PDF-\x00\xff"), filename="report-1.pdf")
    # aiohttp percent-encodes non-ASCII file names in form-data, where
    # browsers send UTF-8 (RFC 7578 §4.2); its reader, like ours, does not
    # decode them, as a browser's "100%25.txt" is a real file name.
    form.add_field("intl", b"x", filename=FILENAME)
    form.add_field("data", b"raw bytes", filename="raw.bin", content_type="x/y")
    payload = form()
    collector = Collector()
    await payload.write(collector)  # type: ignore[arg-type]
    data = b"".join(collector.chunks)

    stream = StreamReader(protocol, loop=asyncio.get_running_loop())
    stream.feed_data(data)
    stream.feed_eof()
    reader = MultipartReader({"Content-Type": payload.content_type}, stream)
    got = []
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        got.append(
            (
                part.name,
                part.filename,
                part.headers.get("Content-Type"),
                await part.read(),
            )
        )
    assert got == [
        ("title", None, "text/plain; charset=utf-8", "naïve text".encode()),
        ("doc", "report-1.pdf", "application/octet-stream", b"%PDF-\x00\xff"),
        ("intl", quote(FILENAME), "application/octet-stream", b"x"),
        ("data", "raw.bin", "x/y", b"raw bytes"),
    ]


@pytest.mark.parametrize("subtype", ["mixed", "related"])
async def test_aiohttp_nested_writer_reads_back(
    protocol: BaseProtocol, subtype: str
) -> None:
    inner = aiohttp.MultipartWriter("mixed", boundary="inner")
    inner.append("one")
    inner.append_json({"two": 2})
    outer = aiohttp.MultipartWriter(subtype, boundary="outer")
    outer.append(inner)
    outer.append(b"three")
    collector = Collector()
    await outer.write(collector)  # type: ignore[arg-type]

    stream = StreamReader(protocol, loop=asyncio.get_running_loop())
    stream.feed_data(b"".join(collector.chunks))
    stream.feed_eof()
    reader = MultipartReader({"Content-Type": outer.headers["Content-Type"]}, stream)
    nested = await reader.next()
    assert isinstance(nested, MultipartReader)
    texts = [await p.text() async for p in nested]  # type: ignore[union-attr]
    assert texts == ["one", '{"two": 2}']
    last = await reader.next()
    assert isinstance(last, BodyPartReader)
    assert await last.read() == b"three"
    assert await reader.next() is None


async def test_our_nested_writer_reads_in_aiohttp() -> None:
    inner = MultipartWriter("mixed", boundary="inner")
    inner.append("one")
    outer = MultipartWriter("mixed", boundary="outer")
    outer.append(inner)
    outer.append("two")
    data = await outer.as_bytes()
    loop = asyncio.get_running_loop()
    stream = aiohttp.streams.StreamReader(AiohttpProtocol(), 2**16, loop=loop)  # type: ignore[arg-type]
    stream.feed_data(data)
    stream.feed_eof()
    reader = aiohttp.MultipartReader({"Content-Type": outer.content_type}, stream)
    nested = await reader.next()
    assert isinstance(nested, aiohttp.MultipartReader)
    first = await nested.next()
    assert isinstance(first, aiohttp.BodyPartReader)
    assert await first.text() == "one"
    assert await nested.next() is None
    last = await reader.next()
    assert isinstance(last, aiohttp.BodyPartReader)
    assert await last.text() == "two"
