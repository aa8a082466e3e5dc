"""Property tests: streams, multipart, codings and heads hold for any input."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import string

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from multidict import CIMultiDictProxy

from aioweb.parser import RequestParser
from aioweb.protocol import (
    BaseProtocol,
    BodyPartReader,
    DecompressionError,
    HeaderInjectionError,
    MultipartError,
    MultipartReader,
    MultipartWriter,
    StreamReader,
    content_disposition_filename,
    content_disposition_header,
    get_decoder,
    get_encoder,
    parse_content_disposition,
    parse_mimetype,
    serialize_head,
)

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def pieces(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points) if b > a]


def run(coro: object) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]


def make_stream(loop: asyncio.AbstractEventLoop, chunks: list[bytes]) -> StreamReader:
    stream = StreamReader(BaseProtocol(loop), 64, loop=loop, max_line_length=2**20)
    for chunk in chunks:
        stream.feed_data(chunk)
    stream.feed_eof()
    return stream


@SETTINGS
@given(
    data=st.binary(max_size=2000),
    cuts=st.lists(st.integers(0, 2000), max_size=20),
    sizes=st.lists(st.integers(1, 300), min_size=1, max_size=10),
)
def test_reads_return_every_byte_in_order(
    data: bytes, cuts: list[int], sizes: list[int]
) -> None:
    async def main() -> bytes:
        stream = make_stream(asyncio.get_running_loop(), pieces(data, cuts))
        out = b""
        turn = 0
        while True:
            size = sizes[turn % len(sizes)]
            turn += 1
            block = await (stream.read(size) if turn % 3 else stream.readany())
            if not block:
                return out
            out += block

    assert run(main()) == data


@SETTINGS
@given(
    lines=st.lists(
        st.binary(max_size=50).map(lambda b: b.replace(b"\n", b"")), max_size=20
    ),
    tail=st.binary(max_size=20).map(lambda b: b.replace(b"\n", b"")),
    cuts=st.lists(st.integers(0, 2000), max_size=20),
    separator=st.sampled_from([b"\n", b"\r\n", b"--sep--"]),
)
def test_readuntil_splits_like_split(
    lines: list[bytes], tail: bytes, cuts: list[int], separator: bytes
) -> None:
    lines = [line for line in lines if separator not in line]
    if separator in tail or any(
        (line + separator).count(separator) > 1 for line in lines
    ):
        return
    data = b"".join(line + separator for line in lines) + tail

    async def main() -> list[bytes]:
        stream = make_stream(asyncio.get_running_loop(), pieces(data, cuts))
        out = []
        while line := await stream.readuntil(separator):
            out.append(line)
        return out

    expected = [line + separator for line in lines] + ([tail] if tail else [])
    assert run(main()) == expected


part_bodies = st.lists(
    st.binary(max_size=300) | st.sampled_from([b"\r\n", b"--", b"\r\n--", b"--b\r\n"]),
    min_size=0,
    max_size=6,
)


@SETTINGS
@given(bodies=part_bodies, cuts=st.lists(st.integers(0, 5000), max_size=30))
def test_multipart_round_trip_any_split(bodies: list[bytes], cuts: list[int]) -> None:
    boundary = "prop-boundary"

    async def main() -> list[tuple[str | None, bytes]]:
        writer = MultipartWriter("form-data", boundary=boundary)
        for number, body in enumerate(bodies):
            part = writer.append(body)
            part.set_content_disposition("form-data", name=f"f{number}")
        data = await writer.as_bytes()
        assert writer.size == len(data)
        stream = make_stream(asyncio.get_running_loop(), pieces(data, cuts))
        reader = MultipartReader({"Content-Type": writer.content_type}, stream)
        out = []
        async for part in reader:
            assert isinstance(part, BodyPartReader)
            out.append((part.name, await part.read()))
        return out

    assert run(main()) == [(f"f{n}", body) for n, body in enumerate(bodies)]


@SETTINGS
@given(
    bodies=st.lists(
        st.lists(
            st.sampled_from([b"a", b"\r", b"\n", b"\r\n", b"-", b"--b"]), max_size=30
        ).map(b"".join),
        max_size=4,
    ),
    cuts=st.lists(st.integers(0, 500), max_size=30),
)
def test_multipart_readline_any_split(bodies: list[bytes], cuts: list[int]) -> None:
    # RFC 2046 §5.1.1: a boundary is chosen so that no body holds a delimiter.
    assume(not any(b"\r\n--b" in body for body in bodies))

    async def main() -> list[list[bytes]]:
        writer = MultipartWriter("mixed", boundary="b")
        for body in bodies:
            writer.append(body)
        data = await writer.as_bytes()
        stream = make_stream(asyncio.get_running_loop(), pieces(data, cuts))
        reader = MultipartReader({"Content-Type": writer.content_type}, stream)
        out = []
        async for part in reader:
            assert isinstance(part, BodyPartReader)
            lines = []
            while line := await part.readline():
                lines.append(line)
            out.append(lines)
        return out

    expected = [body.splitlines(keepends=True) for body in bodies]
    # splitlines() also splits at a lone CR; readline() only at LF.
    expected = [
        [line for line in b"".join(lines).replace(b"\n", b"\n\0").split(b"\0") if line]
        for lines in expected
    ]
    assert run(main()) == expected


@SETTINGS
@given(
    data=st.binary(max_size=5000) | st.text(max_size=2000).map(str.encode),
    coding=st.sampled_from(["gzip", "deflate", "br", "zstd"]),
    cuts=st.lists(st.integers(0, 6000), max_size=10),
)
def test_codings_round_trip(data: bytes, coding: str, cuts: list[int]) -> None:
    encoder = get_encoder(coding)
    coded = b"".join(encoder.compress(p) for p in pieces(data, cuts)) + encoder.flush()
    decoder = get_decoder(coding)
    out = b"".join(decoder.decompress(p) for p in pieces(coded, cuts))
    assert out + decoder.flush() == data


@SETTINGS
@given(
    filename=st.text(
        st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
        min_size=1,
        max_size=40,
    ),
    disptype=st.sampled_from(["form-data", "attachment", "inline"]),
)
def test_content_disposition_round_trip(filename: str, disptype: str) -> None:
    value = content_disposition_header(disptype, name="field", filename=filename)
    assert "\r" not in value and "\n" not in value
    parsed_type, params = parse_content_disposition(value)
    assert parsed_type == disptype
    assert content_disposition_filename(params) == filename
    assert params["name"] == "field"


header_text = st.text(
    string.ascii_letters + string.digits + string.punctuation + " \t\r\n\x00\x7f",
    max_size=30,
)


@SETTINGS
@given(
    fields=st.lists(
        st.tuples(
            st.text(string.ascii_letters + "-:\r\n ", min_size=1, max_size=12),
            header_text,
        ),
        max_size=6,
    ),
    target=st.text(string.ascii_letters + "/?=&%\r\n \x00", min_size=1, max_size=20),
)
def test_serialized_heads_parse_back_or_are_refused(
    fields: list[tuple[str, str]], target: str
) -> None:
    """What the writer accepts, the real parser reads back as written."""
    fields = [(name, value.strip(" \t")) for name, value in fields]
    try:
        head = serialize_head(f"GET {target} HTTP/1.1", [("Host", "h"), *fields])
    except HeaderInjectionError:
        dangerous = (
            "\r" in target or "\n" in target or "\x00" in target or " " in target
        )
        dangerous |= any(
            not name.replace("-", "").isalpha()
            or any(c in value for c in "\r\n\x00\x7f")
            for name, value in fields
        )
        assert dangerous
        return

    class Sink:
        def __init__(self) -> None:
            self.heads: list[object] = []

        def on_message_begin(self) -> None:
            pass

        def on_headers_complete(self, head: object) -> None:
            self.heads.append(head)

        def on_body(self, data: bytes) -> None:
            raise AssertionError("no body was written")

        def on_message_complete(self, trailers: object) -> None:
            pass

        def on_informational(self, head: object) -> None:
            pass

    sink = Sink()
    RequestParser(sink).feed_data(head)
    (parsed,) = sink.heads
    assert parsed.target == target  # type: ignore[attr-defined]
    headers: CIMultiDictProxy[str] = parsed.headers  # type: ignore[attr-defined]
    assert list(headers.items())[1:] == fields


# -- hostile input: only this layer's errors, never a crash -------------------


@SETTINGS
@given(
    body=st.lists(
        st.sampled_from(
            [
                b"--b",
                b"--b--",
                b"\r\n",
                b"\n",
                b"--",
                b"Content-Type: multipart/mixed; boundary=b\r\n",
                b"Content-Transfer-Encoding: base64\r\n",
                b"Content-Encoding: gzip\r\n",
                b"X: y\r\n",
                b": \r\n",
                b"data",
                b"\x00",
            ]
        ),
        max_size=40,
    ).map(b"".join),
    cuts=st.lists(st.integers(0, 1000), max_size=10),
)
def test_multipart_reader_on_garbage(body: bytes, cuts: list[int]) -> None:
    async def main() -> None:
        stream = make_stream(asyncio.get_running_loop(), pieces(body, cuts))
        reader = MultipartReader(
            {"Content-Type": "multipart/mixed; boundary=b"}, stream
        )
        async for part in reader:
            if isinstance(part, BodyPartReader):
                await part.read(decode=True)

    with contextlib.suppress(MultipartError):
        run(main())


@SETTINGS
@given(
    data=st.binary(max_size=300),
    coding=st.sampled_from(["gzip", "deflate", "br", "zstd"]),
)
def test_decoders_on_garbage(data: bytes, coding: str) -> None:
    decoder = get_decoder(coding)
    try:
        decoder.decompress(data)
        decoder.flush()
    except DecompressionError:
        pass


@SETTINGS
@given(value=st.text(max_size=80))
def test_header_value_parsers_never_raise(value: str) -> None:
    parse_mimetype(value)
    disptype, params = parse_content_disposition(value)
    assert disptype is None or disptype == disptype.lower()
    content_disposition_filename(params)
