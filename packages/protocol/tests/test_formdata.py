"""FormData: URL-encoded or multipart, fields, files and charsets."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from multidict import MultiDict

from aioweb.protocol import (
    BaseProtocol,
    BodyPartReader,
    FormData,
    MultipartReader,
    MultipartWriter,
    StreamReader,
)


async def read_back(
    protocol: BaseProtocol, form: FormData
) -> list[tuple[str | None, str | None, str, bytes]]:
    payload = form()
    assert isinstance(payload, MultipartWriter)
    data = await payload.as_bytes()
    assert payload.size == len(data)
    stream = StreamReader(protocol, loop=asyncio.get_running_loop())
    stream.feed_data(data)
    stream.feed_eof()
    reader = MultipartReader({"Content-Type": payload.content_type}, stream)
    out = []
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        out.append(
            (
                part.name,
                part.filename,
                part.headers.get("Content-Type", ""),
                await part.read(),
            )
        )
    return out


async def test_text_fields_are_urlencoded() -> None:
    form = FormData({"q": "a b&c", "n": "é"})
    form.add_field("q", "second")
    form.add_fields(("x", "1"), MultiDict([("y", "2")]))
    assert not form.is_multipart
    payload = form()
    assert payload.content_type == "application/x-www-form-urlencoded"
    assert await payload.as_bytes() == b"q=a+b%26c&n=%C3%A9&q=second&x=1&y=2"


async def test_urlencoded_charset() -> None:
    payload = FormData({"n": "é"}, charset="latin-1")()
    assert payload.content_type == "application/x-www-form-urlencoded; charset=latin-1"
    assert await payload.as_bytes() == b"n=%E9"


async def test_files_make_it_multipart(protocol: BaseProtocol, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"file body")
    form = FormData(boundary="form-boundary")
    form.add_field("title", "Ünïcode")
    with path.open("rb") as file:
        form.add_field("doc", file)
        form.add_field("raw", b"\x00\x01")
        form.add_field(
            "img", io.BytesIO(b"png"), filename="pic.png", content_type="image/png"
        )
        assert form.is_multipart
        parts = await read_back(protocol, form)
    assert parts == [
        ("title", None, "text/plain; charset=utf-8", "Ünïcode".encode()),
        ("doc", "notes.txt", "text/plain", b"file body"),
        ("raw", "raw", "application/octet-stream", b"\x00\x01"),
        ("img", "pic.png", "image/png", b"png"),
    ]


async def test_default_to_multipart_and_quoting(protocol: BaseProtocol) -> None:
    form = FormData(default_to_multipart=True)
    form.add_field('we"ird\nname', "v")
    parts = await read_back(protocol, form)
    assert parts[0][0] == 'we"ird\nname'


async def test_file_object_as_a_field(protocol: BaseProtocol) -> None:
    class Named(io.BytesIO):
        name = "/tmp/dir/report.csv"

    form = FormData([Named(b"a,b")])
    parts = await read_back(protocol, form)
    assert parts == [("report.csv", "report.csv", "text/csv", b"a,b")]


def test_bad_arguments() -> None:
    form = FormData()
    with pytest.raises(TypeError):
        form.add_field("f", "v", filename=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        form.add_field("f", "v", content_type=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        form.add_fields(("too", "many", "items"))
    multipart = FormData({"n": 5}, default_to_multipart=True)
    with pytest.raises(TypeError, match="'n'"):
        multipart()


async def test_numbers_in_urlencoded_forms() -> None:
    assert await FormData({"n": 5})().as_bytes() == b"n=5"
