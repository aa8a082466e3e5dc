"""Multipart: writing, streaming reads, codings, nesting and every limit."""

from __future__ import annotations

import asyncio
import base64
import gzip
import io
from collections.abc import Callable

import pytest

from aioweb.protocol import (
    DEFAULT_MAX_FIELD_SIZE,
    DEFAULT_MAX_HEADER_SIZE,
    DEFAULT_MAX_PARTS,
    BaseProtocol,
    BodyPartReader,
    BytesPayload,
    MultipartError,
    MultipartReader,
    MultipartWriter,
    StreamReader,
    StringPayload,
)

ReaderFactory = Callable[..., MultipartReader]


@pytest.fixture
def make_reader(protocol: BaseProtocol) -> ReaderFactory:
    def make(
        body: bytes,
        boundary: str = "b",
        subtype: str = "form-data",
        piece: int = 0,
        **kwargs: object,
    ) -> MultipartReader:
        stream = StreamReader(protocol, 2**16, loop=asyncio.get_running_loop())
        if piece:
            for start in range(0, len(body), piece):
                stream.feed_data(body[start : start + piece])
        else:
            stream.feed_data(body)
        stream.feed_eof()
        headers = {"Content-Type": f"multipart/{subtype}; boundary={boundary}"}
        return MultipartReader(headers, stream, **kwargs)  # type: ignore[arg-type]

    return make


def field(name: str, value: bytes, extra: bytes = b"") -> bytes:
    return b'--b\r\nContent-Disposition: form-data; name="%s"\r\n%s\r\n%s\r\n' % (
        name.encode(),
        extra,
        value,
    )


def test_documented_defaults() -> None:
    assert DEFAULT_MAX_PARTS == 1000
    assert DEFAULT_MAX_HEADER_SIZE == 8190
    assert DEFAULT_MAX_FIELD_SIZE == 2**20


@pytest.mark.parametrize("piece", [0, 1, 3, 7, 64])
async def test_read_fields_any_split(make_reader: ReaderFactory, piece: int) -> None:
    body = (
        b"preamble to ignore\r\n"
        + field("a", b"first")
        + field("b", b"with\r\n--c and --b inside")
        + field("c", b"")
        + b"--b--\r\nepilogue"
    )
    reader = make_reader(body, piece=piece)
    got = [(part.name, await part.read()) async for part in reader]  # type: ignore[union-attr]
    assert got == [("a", b"first"), ("b", b"with\r\n--c and --b inside"), ("c", b"")]
    assert reader.at_eof()
    assert await reader.next() is None


async def test_body_may_start_with_the_boundary(make_reader: ReaderFactory) -> None:
    reader = make_reader(field("x", b"1") + b"--b--")
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert await part.text() == "1"
    assert await reader.next() is None


async def test_unread_parts_are_skipped(make_reader: ReaderFactory) -> None:
    reader = make_reader(field("a", b"x" * 100_000) + field("b", b"y") + b"--b--\r\n")
    first = await reader.next()
    assert isinstance(first, BodyPartReader)
    assert len(await first.read_chunk(10)) == 10
    second = await reader.next()
    assert isinstance(second, BodyPartReader)
    assert second.name == "b"
    assert await second.read() == b"y"


async def test_read_chunk_streams_bounded_pieces(make_reader: ReaderFactory) -> None:
    data = bytes(range(256)) * 400
    reader = make_reader(field("f", data) + b"--b--\r\n", piece=1000)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    pieces = []
    while chunk := await part.read_chunk(4096):
        assert len(chunk) <= 4096
        pieces.append(chunk)
    assert b"".join(pieces) == data
    assert part.at_eof()


@pytest.mark.parametrize("piece", [0, 1, 2, 5])
async def test_readline(make_reader: ReaderFactory, piece: int) -> None:
    body = (
        field("a", b"one\ntwo\r\nthree\r")
        + field("b", b"")
        + field("c", b"\r\n\r\n")
        + b"--b--"
    )
    reader = make_reader(body, piece=piece)
    lines = []
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        got = []
        while line := await part.readline():
            got.append(line)
        assert part.at_eof()
        lines.append(got)
    assert lines == [[b"one\n", b"two\r\n", b"three\r"], [], [b"\r\n", b"\r\n"]]


async def test_readline_limit(make_reader: ReaderFactory) -> None:
    reader = make_reader(field("a", b"x" * 5000) + b"--b--", max_field_size=100)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(MultipartError, match="longer than 100"):
        await part.readline()


async def test_filename_name_and_charset(make_reader: ReaderFactory) -> None:
    headers = (
        "Content-Disposition: form-data; name=up;"
        ' filename="r\xc3\xa9sum\xc3\xa9.txt"\r\n'
        "Content-Type: text/plain; charset=latin-1\r\n"
    ).encode("latin-1")
    body = b"--b\r\n" + headers + b"\r\n" + "café".encode("latin-1") + b"\r\n--b--\r\n"
    reader = make_reader(body)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert part.name == "up"
    assert part.filename == "résumé.txt"
    assert part.get_charset("utf-8") == "latin-1"
    assert await part.text() == "café"


async def test_json_and_form_parts(make_reader: ReaderFactory) -> None:
    body = (
        field("j", b'{"k": [1, 2]}')
        + field("f", b"a=1&b=&a=3")
        + field("e", b"")
        + b"--b--"
    )
    reader = make_reader(body)
    parts = []
    async for part in reader:
        parts.append(part)
        assert isinstance(part, BodyPartReader)
        if part.name == "j":
            assert await part.json() == {"k": [1, 2]}
        elif part.name == "f":
            assert await part.form() == [("a", "1"), ("b", ""), ("a", "3")]
        else:
            assert await part.json() is None
    assert len(parts) == 3


async def test_transfer_and_content_encodings(make_reader: ReaderFactory) -> None:
    b64 = base64.encodebytes(b"binary \x00\xff data" * 10).replace(b"\n", b"\r\n")
    body = (
        field("b64", b64.rstrip(), b"Content-Transfer-Encoding: base64\r\n")
        + field(
            "qp",
            b"caf=C3=A9 =\r\nsoft",
            b"Content-Transfer-Encoding: quoted-printable\r\n",
        )
        + field("gz", gzip.compress(b"zipped"), b"Content-Encoding: gzip\r\n")
        + field("raw", b"=41", b"Content-Transfer-Encoding: 8bit\r\n")
        + b"--b--\r\n"
    )
    reader = make_reader(body)
    decoded = {}
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        decoded[part.name] = await part.read(decode=True)
    assert decoded == {
        "b64": b"binary \x00\xff data" * 10,
        "qp": "café soft".encode(),
        "gz": b"zipped",
        "raw": b"=41",
    }


@pytest.mark.parametrize(
    "extra",
    [
        b"Content-Transfer-Encoding: x-unknown\r\n",
        b"Content-Transfer-Encoding: base64\r\n",
        b"Content-Encoding: gzip\r\n",
        b"Content-Encoding: x-unknown\r\n",
    ],
)
async def test_broken_codings(make_reader: ReaderFactory, extra: bytes) -> None:
    reader = make_reader(field("x", b"not encoded at all!", extra) + b"--b--")
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(MultipartError):
        await part.read(decode=True)


async def test_nested_multipart(make_reader: ReaderFactory) -> None:
    inner = (
        b"--in\r\nContent-Type: text/plain\r\n\r\none\r\n"
        b"--in\r\nContent-Type: text/plain\r\n\r\ntwo\r\n--in--"
    )
    body = (
        b"--b\r\nContent-Type: multipart/mixed; boundary=in\r\n\r\n"
        + inner
        + b"\r\n"
        + field("after", b"3")
        + b"--b--\r\n"
    )
    reader = make_reader(body, subtype="mixed")
    nested = await reader.next()
    assert isinstance(nested, MultipartReader)
    texts = [await p.text() async for p in nested]  # type: ignore[union-attr]
    assert texts == ["one", "two"]
    last = await reader.next()
    assert isinstance(last, BodyPartReader)
    assert await last.text() == "3"


async def test_nested_multipart_released_unread(make_reader: ReaderFactory) -> None:
    body = (
        b"--b\r\nContent-Type: multipart/mixed; boundary=in\r\n\r\n"
        b"--in\r\n\r\nskipped\r\n--in--\r\n" + field("after", b"3") + b"--b--\r\n"
    )
    reader = make_reader(body, subtype="mixed")
    assert isinstance(await reader.next(), MultipartReader)
    last = await reader.next()
    assert isinstance(last, BodyPartReader) and last.name == "after"


async def test_part_limit_refuses_100000_tiny_parts(make_reader: ReaderFactory) -> None:
    body = b"".join(field("f", b"x") for _ in range(100_000)) + b"--b--\r\n"
    reader = make_reader(body)
    seen = 0
    with pytest.raises(MultipartError, match="more than 1000 parts") as info:
        async for _ in reader:
            seen += 1
    assert seen == DEFAULT_MAX_PARTS
    assert info.value.status == 400


async def test_part_limit_counts_nested_parts(make_reader: ReaderFactory) -> None:
    inner = b"".join(b"--in\r\n\r\nx\r\n" for _ in range(3)) + b"--in--"
    body = (
        b"--b\r\nContent-Type: multipart/mixed; boundary=in\r\n\r\n"
        + inner
        + b"\r\n--b--"
    )
    reader = make_reader(body, subtype="mixed", max_parts=3)
    nested = await reader.next()
    assert isinstance(nested, MultipartReader)
    assert isinstance(await nested.next(), BodyPartReader)
    assert isinstance(await nested.next(), BodyPartReader)
    with pytest.raises(MultipartError, match="more than 3 parts"):
        await nested.next()


async def test_header_size_limit(make_reader: ReaderFactory) -> None:
    many = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 50) for i in range(200))
    reader = make_reader(field("x", b"1", many) + b"--b--", max_header_size=4096)
    with pytest.raises(MultipartError, match="headers are longer"):
        await reader.next()
    long_line = b"X-Long: " + b"v" * 10_000 + b"\r\n"
    reader = make_reader(field("x", b"1", long_line) + b"--b--")
    with pytest.raises(MultipartError, match="headers are longer than 8190"):
        await reader.next()
    hundred = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 50) for i in range(100))
    reader = make_reader(field("x", b"1", hundred) + b"--b--")
    part = await reader.next()  # the default 8190 bytes hold 100 such fields
    assert isinstance(part, BodyPartReader)
    assert len(part.headers) == 101


async def test_field_size_limit(make_reader: ReaderFactory) -> None:
    reader = make_reader(field("x", b"z" * 5000) + b"--b--", max_field_size=4096)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(MultipartError) as info:
        await part.read()
    assert info.value.status == 413
    # Streaming the same part is the caller's choice and is not capped.
    reader = make_reader(field("x", b"z" * 5000) + b"--b--", max_field_size=4096)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    total = 0
    while chunk := await part.read_chunk(1000):
        total += len(chunk)
    assert total == 5000


@pytest.mark.parametrize(
    "body",
    [
        b"--b\r\nContent-Disposition: form-data\r\n\r\nno closing boundary",
        b"no boundary at all",
        b"--b\r\nBad Header\r\n\r\nx\r\n--b--",
        b"--b\r\n: empty name\r\n\r\nx\r\n--b--",
        b"--bX\r\n\r\nx\r\n--b--",
        b"--b\r\nX: a\x00b\r\n\r\nx\r\n--b--",
    ],
)
async def test_malformed_bodies(make_reader: ReaderFactory, body: bytes) -> None:
    reader = make_reader(body)
    with pytest.raises(MultipartError):
        async for part in reader:
            await part.read()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/x; boundary=" + "a" * 71,
    ],
)
async def test_bad_content_type(protocol: BaseProtocol, content_type: str) -> None:
    stream = StreamReader(protocol)
    with pytest.raises(ValueError):
        MultipartReader({"Content-Type": content_type}, stream)


# -- writer -------------------------------------------------------------------


async def test_writer_round_trip(make_reader: ReaderFactory) -> None:
    with MultipartWriter("form-data", boundary="b") as writer:
        text = writer.append("hello")
        text.set_content_disposition("form-data", name="t")
        blob = BytesPayload(b"\x00\x01", content_type="application/octet-stream")
        blob.set_content_disposition("form-data", name="f", filename='a"b\r\n.bin')
        writer.append_payload(blob)
        js = writer.append_json({"x": 1})
        js.set_content_disposition("form-data", name="j")
        fm = writer.append_form({"a": "1 2"})
        fm.set_content_disposition("form-data", name="u")
    assert len(writer) == 4
    data = await writer.as_bytes()
    assert writer.size == len(data)
    assert writer.content_type == "multipart/form-data; boundary=b"
    reader = make_reader(data)
    got = {}
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        got[part.name] = (part.filename, await part.read())
    assert got == {
        "t": (None, b"hello"),
        "f": ('a"b\r\n.bin', b"\x00\x01"),
        "j": (None, b'{"x": 1}'),
        "u": (None, b"a=1+2"),
    }


async def test_writer_coded_parts(make_reader: ReaderFactory) -> None:
    writer = MultipartWriter("mixed", boundary="b")
    payloads = {
        "b64": (b"\x00\xff" * 100, {"Content-Transfer-Encoding": "base64"}),
        "qp": ("café = ok".encode(), {"Content-Transfer-Encoding": "quoted-printable"}),
        "gz": (b"gzip me " * 100, {"Content-Encoding": "gzip"}),
        "both": (
            b"x" * 1000,
            {"Content-Encoding": "deflate", "Content-Transfer-Encoding": "base64"},
        ),
    }
    for name, (value, headers) in payloads.items():
        part = writer.append(value, headers=headers)
        part.set_content_disposition("attachment", filename=name)
    assert writer.size is None
    data = await writer.as_bytes()
    reader = make_reader(data, subtype="mixed")
    got = {}
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        got[part.filename] = await part.read(decode=True)
    assert got == {name: value for name, (value, _) in payloads.items()}


async def test_nested_writer(make_reader: ReaderFactory) -> None:
    inner = MultipartWriter("mixed", boundary="in")
    inner.append("one")
    inner.append(io.BytesIO(b"two"))
    outer = MultipartWriter("mixed", boundary="b")
    outer.append(inner)
    outer.append("three")
    data = await outer.as_bytes()
    assert outer.size == len(data)
    reader = make_reader(data, subtype="mixed")
    nested = await reader.next()
    assert isinstance(nested, MultipartReader)
    assert [await p.read() async for p in nested] == [b"one", b"two"]  # type: ignore[union-attr]
    last = await reader.next()
    assert isinstance(last, BodyPartReader)
    assert await last.read() == b"three"


def test_writer_validation() -> None:
    with pytest.raises(ValueError):
        MultipartWriter(boundary="a" * 71)
    with pytest.raises(ValueError):
        MultipartWriter(boundary="bad\r\n")
    with pytest.raises(ValueError):
        MultipartWriter("bad subtype")
    writer = MultipartWriter("form-data")
    assert len(writer.boundary) == 32
    writer.append("no disposition")
    with pytest.raises(ValueError, match="name"):
        asyncio.run(writer.as_bytes())
    with pytest.raises(ValueError, match="name"):
        _ = writer.size
    mixed = MultipartWriter()
    with pytest.raises(ValueError):
        mixed.append("x", headers={"X-Evil": "a\r\nInjected: 1"})
    with pytest.raises(ValueError):
        mixed.append("x", headers={"Content-Encoding": "x-unknown"})
    with pytest.raises(ValueError):
        mixed.append("x", headers={"Content-Transfer-Encoding": "x-unknown"})
    assert len(mixed) == 0


async def test_quoted_boundary() -> None:
    writer = MultipartWriter(boundary="with space:1")
    assert writer.content_type == 'multipart/mixed; boundary="with space:1"'
    assert writer.boundary == "with space:1"
    payload = StringPayload("x")
    writer.append_payload(payload)
    assert (await writer.as_bytes()).startswith(b"--with space:1\r\n")
    assert list(writer) == [payload]
