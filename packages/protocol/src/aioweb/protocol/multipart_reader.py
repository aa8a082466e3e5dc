"""Reading multipart bodies as a stream (RFC 2046 §5.1, RFC 7578).

How this works: a :class:`MultipartReader` owns a small buffer over the body
stream and finds delimiters in it (``CRLF--boundary``; the buffer starts with
a CRLF of its own, so the first delimiter needs none). :meth:`~MultipartReader.next`
reads a part's header section and returns a :class:`BodyPartReader`, which
hands out the part's body up to the next delimiter, never holding more than
one read of the stream plus a delimiter's length. A part whose Content-Type
is ``multipart/*`` comes back as a nested :class:`MultipartReader` reading
through its parent's part.

Limits, all constructor arguments: the number of parts (nested ones
included), the size of one part's header section, and the size of a part
read into memory by :meth:`~BodyPartReader.read`, ``text``, ``json`` or
``form`` (streaming with :meth:`~BodyPartReader.read_chunk` is not capped:
the caller decides where the bytes go). Each breach raises
:class:`~aioweb.protocol.MultipartError` as soon as it happens.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, Final, Union
from urllib.parse import parse_qsl

from multidict import CIMultiDict, CIMultiDictProxy

from .codings import get_decoder
from .content_disposition import content_disposition_filename, parse_content_disposition
from .exceptions import MultipartError, PayloadError
from .mimetypes import parse_mimetype
from .streams import StreamReader

__all__ = (
    "DEFAULT_MAX_FIELD_SIZE",
    "DEFAULT_MAX_HEADER_SIZE",
    "DEFAULT_MAX_PARTS",
    "BodyPartReader",
    "MultipartReader",
)

DEFAULT_MAX_PARTS: Final = 1000
"""Parts one multipart body may have, nested parts included."""

DEFAULT_MAX_HEADER_SIZE: Final = 8190
"""Bytes one part's header section may take, line ends included."""

DEFAULT_MAX_FIELD_SIZE: Final = 2**20
"""Bytes of one part that ``read()``, ``text()``, ``json()`` and ``form()`` accept."""

_TOKEN: Final = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 2046 §5.1.1: 1 to 70 characters, not ending with a space.
_BOUNDARY: Final = re.compile(
    r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]"
)
_MAX_PADDING: Final = 256


class _LineTooLong(MultipartError):
    """A line in a multipart body passed its limit."""


class _Counter:
    """Parts seen so far, shared by a reader and the readers nested in it."""

    __slots__ = ("limit", "seen")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.seen = 0


class _DelimitedBuffer:
    """The body stream, buffered, cut at ``CRLF--boundary`` delimiters."""

    def __init__(self, read: Callable[[], Awaitable[bytes]], boundary: bytes) -> None:
        self._read = read
        self._delimiter = b"\r\n--" + boundary
        self._buf = bytearray(b"\r\n")
        # No delimiter starts before this offset of the buffer: a part read
        # in small pieces is scanned once, not once per piece.
        self._scanned = 0
        self._eof = False

    def _take(self, size: int, skip: int = 0) -> bytes:
        """Remove ``size`` bytes (returned) and ``skip`` more from the front."""
        with memoryview(self._buf) as view:
            data = bytes(view[:size])
        del self._buf[: size + skip]
        self._scanned = max(0, self._scanned - size - skip)
        return data

    async def _fill(self) -> None:
        data = b"" if self._eof else await self._read()
        if not data:
            self._eof = True
            raise MultipartError("the body ended before the closing boundary")
        self._buf += data

    async def read_body(self, size: int) -> tuple[bytes, bool]:
        """Up to ``size`` bytes of the current part; True once it ended."""
        keep = len(self._delimiter) - 1
        while True:
            index = self._buf.find(self._delimiter, self._scanned)
            if 0 <= index <= size:
                return self._take(index, len(self._delimiter)), True
            if index >= 0:
                self._scanned = index
            else:
                # Without a delimiter, the last bytes may be the start of one.
                self._scanned = max(0, len(self._buf) - keep)
            safe = min(size, index if index >= 0 else len(self._buf) - keep)
            if safe > 0:
                return self._take(safe), False
            await self._fill()

    async def read_body_line(self, limit: int) -> tuple[bytes, bool]:
        """A line of the current part, ``\\n`` included; True once it ended."""
        delimiter = self._delimiter
        while True:
            end = self._buf.find(delimiter)
            newline = self._buf.find(b"\n", 0, end if end >= 0 else len(self._buf))
            if newline >= 0:
                rest = self._buf[newline - 1 :] if newline else b""
                # A CRLF might open the delimiter whose rest has not arrived.
                if end >= 0 or not (rest[:1] == b"\r" and delimiter.startswith(rest)):
                    if newline >= limit:
                        break
                    return self._take(newline + 1), False
            elif 0 <= end <= limit:
                return self._take(end, len(delimiter)), True
            if end > limit or len(self._buf) > limit + len(delimiter):
                break
            await self._fill()
        raise _LineTooLong(f"a line of a part is longer than {limit} bytes")

    async def after_delimiter(self) -> bool:
        """Read what follows a delimiter; True for the closing one.

        RFC 2046 §5.1.1: ``--`` closes; otherwise optional linear white space
        (transport padding) and CRLF start the next part's headers.
        """
        while len(self._buf) < 2:
            await self._fill()
        if self._buf.startswith(b"--"):
            self._take(0, 2)
            return True
        line = await self.read_line(_MAX_PADDING)
        if line.strip(b" \t"):
            raise MultipartError("garbage after a multipart boundary")
        return False

    async def read_line(self, limit: int) -> bytes:
        """A CRLF-terminated line, CRLF removed, of at most ``limit`` bytes."""
        while True:
            index = self._buf.find(b"\r\n")
            if 0 <= index <= limit:
                return self._take(index, 2)
            if index > limit or len(self._buf) > limit + 1:
                raise _LineTooLong(
                    f"a line in a multipart body is longer than {limit} bytes"
                )
            await self._fill()

    async def drain(self) -> None:
        """Discard the rest of the stream (a preamble or an epilogue)."""
        self._buf.clear()
        self._scanned = 0
        while not self._eof:
            if not await self._read():
                self._eof = True


class BodyPartReader:
    """One part of a multipart body: its headers and a stream of its bytes.

    Returned by :meth:`MultipartReader.next`; not made directly.
    """

    chunk_size: Final = 8192

    def __init__(
        self,
        boundary: bytes,
        headers: CIMultiDictProxy[str],
        content: _DelimitedBuffer,
        *,
        subtype: str = "mixed",
        default_charset: str | None = None,
        max_field_size: int = DEFAULT_MAX_FIELD_SIZE,
    ) -> None:
        self.headers = headers
        self._boundary = boundary
        self._content = content
        self._is_form_data = subtype == "form-data"
        self._default_charset = default_charset
        self._max_field_size = max_field_size
        self._at_eof = False
        self._read_bytes = 0
        disposition = headers.get("Content-Disposition")
        self._disposition = parse_content_disposition(disposition)[1]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} filename={self.filename!r}>"

    @property
    def name(self) -> str | None:
        """The ``name`` of the Content-Disposition (a form field's name)."""
        return content_disposition_filename(self._disposition, "name")

    @property
    def filename(self) -> str | None:
        """The file name of the Content-Disposition (``filename*`` first)."""
        return content_disposition_filename(self._disposition, "filename")

    def at_eof(self) -> bool:
        """True once the whole part was read."""
        return self._at_eof

    async def read_chunk(self, size: int = chunk_size) -> bytes:
        """Up to ``size`` raw (undecoded) bytes of the part; ``b""`` at its end."""
        if self._at_eof:
            return b""
        data, ended = await self._content.read_body(size)
        self._at_eof = ended
        self._read_bytes += len(data)
        return data

    async def readline(self) -> bytes:
        """The next line of the part, ``\\n`` included (not for the last one).

        Returns ``b""`` at the end of the part.

        Raises:
            MultipartError: a line longer than ``max_field_size``.
        """
        if self._at_eof:
            return b""
        line, ended = await self._content.read_body_line(self._max_field_size)
        self._at_eof = ended
        self._read_bytes += len(line)
        return line

    async def read(self, *, decode: bool = False) -> bytes:
        """The rest of the part in memory, decoded if asked.

        Raises:
            MultipartError: the part is larger than ``max_field_size``
                (``status`` 413), or (when decoding) its transfer or
                content coding is unknown or broken.
        """
        data = bytearray()
        while not self._at_eof:
            data += await self.read_chunk(2**16)
            if len(data) > self._max_field_size:
                raise MultipartError(
                    f"a part is larger than {self._max_field_size} bytes", status=413
                )
        return self.decode(bytes(data)) if decode else bytes(data)

    async def release(self) -> None:
        """Skip the rest of the part."""
        while not self._at_eof:
            await self.read_chunk(2**16)

    async def text(self, *, encoding: str | None = None) -> str:
        """The part decoded as text (its charset, else UTF-8)."""
        data = await self.read(decode=True)
        return data.decode(encoding or self.get_charset("utf-8"))

    async def json(self, *, encoding: str | None = None) -> Any:
        """The part parsed as JSON; None for an empty part."""
        data = await self.read(decode=True)
        if not data:
            return None
        return json.loads(data.decode(encoding or self.get_charset("utf-8")))

    async def form(self, *, encoding: str | None = None) -> list[tuple[str, str]]:
        """The part parsed as ``application/x-www-form-urlencoded``."""
        data = await self.read(decode=True)
        if not data:
            return []
        charset = encoding or self.get_charset("utf-8")
        return parse_qsl(
            data.rstrip().decode(charset), keep_blank_values=True, encoding=charset
        )

    def get_charset(self, default: str) -> str:
        """The part's charset: Content-Type, else the form's, else ``default``."""
        mimetype = parse_mimetype(self.headers.get("Content-Type", ""))
        return mimetype.parameters.get("charset") or self._default_charset or default

    def decode(self, data: bytes) -> bytes:
        """Undo the part's Content-Transfer-Encoding, then its Content-Encoding.

        Raises:
            MultipartError: an unknown or broken coding.
        """
        transfer = self.headers.get("Content-Transfer-Encoding", "").strip().lower()
        try:
            if transfer == "base64":
                data = base64.b64decode(b"".join(data.split()), validate=True)
            elif transfer == "quoted-printable":
                data = binascii.a2b_qp(data)
            elif transfer not in ("", "binary", "8bit", "7bit"):
                raise MultipartError(f"unknown Content-Transfer-Encoding {transfer!r}")
        except binascii.Error as exc:
            raise MultipartError(f"invalid {transfer} data in a part") from exc
        coding = self.headers.get("Content-Encoding", "").strip().lower()
        if coding and coding != "identity":
            try:
                decoder = get_decoder(coding, max_size=self._max_field_size)
                data = decoder.decompress(data) + decoder.flush()
            except PayloadError as exc:
                raise MultipartError(f"a part failed to decode: {exc}") from exc
        return data


Part = Union[BodyPartReader, "MultipartReader"]


class MultipartReader:
    """Reads a multipart body part by part.

    Args:
        headers: the message's headers; Content-Type must be ``multipart/*``
            with a ``boundary``.
        content: the body stream (or, for a nested body, the parent's part).
        max_parts: the most parts, nested ones included.
        max_header_size: the most bytes of one part's header section.
        max_field_size: the most bytes one part may take in memory.

    Raises:
        ValueError: the Content-Type is not multipart, or the boundary is
            missing or invalid (RFC 2046 §5.1.1).

    Example:
        >>> import asyncio
        >>> from aioweb.protocol import BaseProtocol, MultipartReader, StreamReader
        >>> body = (
        ...     b'--b\\r\\nContent-Disposition: form-data; name="x"\\r\\n'
        ...     b"\\r\\n1\\r\\n--b--\\r\\n"
        ... )
        >>> headers = {"Content-Type": "multipart/form-data; boundary=b"}
        >>> async def main() -> list[tuple[str | None, str]]:
        ...     loop = asyncio.get_running_loop()
        ...     stream = StreamReader(BaseProtocol(loop), loop=loop)
        ...     stream.feed_data(body)
        ...     stream.feed_eof()
        ...     reader = MultipartReader(headers, stream)
        ...     return [(part.name, await part.text()) async for part in reader]
        >>> asyncio.run(main())
        [('x', '1')]
    """

    part_reader_cls: type[BodyPartReader] = BodyPartReader

    def __init__(
        self,
        headers: Mapping[str, str],
        content: StreamReader | BodyPartReader,
        *,
        max_parts: int = DEFAULT_MAX_PARTS,
        max_header_size: int = DEFAULT_MAX_HEADER_SIZE,
        max_field_size: int = DEFAULT_MAX_FIELD_SIZE,
        _counter: _Counter | None = None,
    ) -> None:
        self.headers = headers
        mimetype = parse_mimetype(headers.get("Content-Type", ""))
        if mimetype.type != "multipart":
            raise ValueError(f"multipart Content-Type expected, not {mimetype.type!r}")
        boundary = mimetype.parameters.get("boundary", "")
        if not _BOUNDARY.fullmatch(boundary):
            raise ValueError(f"invalid multipart boundary {boundary!r}")
        self._boundary = boundary.encode("ascii")
        self._subtype = mimetype.subtype
        self._content = content
        read = (
            content.readany if isinstance(content, StreamReader) else content.read_chunk
        )
        self._buffer = _DelimitedBuffer(read, self._boundary)
        self._counter = _counter if _counter is not None else _Counter(max_parts)
        self._max_header_size = max_header_size
        self._max_field_size = max_field_size
        self._last_part: Part | None = None
        self._at_bof = True
        self._at_eof = False
        self._default_charset: str | None = None

    def __aiter__(self) -> AsyncIterator[Part]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Part]:
        while True:
            part = await self.next()
            if part is None:
                return
            yield part

    def at_eof(self) -> bool:
        """True once the closing boundary was read."""
        return self._at_eof

    async def next(self) -> Part | None:
        """The next part, after skipping what is left of the previous one.

        Returns:
            A :class:`BodyPartReader`, a nested :class:`MultipartReader` for a
            ``multipart/*`` part, or None after the closing boundary.

        Raises:
            MultipartError: a broken body, or a limit passed.
        """
        if self._at_eof:
            return None
        if self._last_part is not None:
            await self._last_part.release()
            self._last_part = None
        if self._at_bof:
            # Everything before the first delimiter is a preamble, ignored.
            ended = False
            while not ended:
                _, ended = await self._buffer.read_body(2**16)
            self._at_bof = False
        if await self._buffer.after_delimiter():
            self._at_eof = True
            await self._buffer.drain()  # the epilogue is ignored as well
            return None
        self._counter.seen += 1
        if self._counter.seen > self._counter.limit:
            raise MultipartError(
                f"a multipart body has more than {self._counter.limit} parts"
            )
        headers = await self._read_headers()
        part = self._make_part(headers)
        self._last_part = part
        return part

    async def release(self) -> None:
        """Skip every part left."""
        while not self._at_eof:
            await self.next()

    async def _read_headers(self) -> CIMultiDictProxy[str]:
        headers: CIMultiDict[str] = CIMultiDict()
        budget = self._max_header_size
        while True:
            try:
                line = await self._buffer.read_line(budget)
            except _LineTooLong:
                line = b""
                budget = -1
            budget -= len(line) + 2
            if budget < 0:
                raise MultipartError(
                    f"a part's headers are longer than {self._max_header_size} bytes"
                )
            if not line:
                return CIMultiDictProxy(headers)
            name, colon, value = line.partition(b":")
            if not colon or not _TOKEN.fullmatch(name):
                raise MultipartError(f"invalid part header line {line[:40]!r}")
            if b"\0" in value:
                raise MultipartError("NUL in a part header")
            # RFC 7578 §5.1: form-data names and file names are UTF-8.
            try:
                text = value.strip(b" \t").decode("utf-8")
            except UnicodeDecodeError:
                text = value.strip(b" \t").decode("latin-1")
            headers.add(name.decode("ascii"), text)

    def _make_part(self, headers: CIMultiDictProxy[str]) -> Part:
        part = self.part_reader_cls(
            self._boundary,
            headers,
            self._buffer,
            subtype=self._subtype,
            default_charset=self._default_charset,
            max_field_size=self._max_field_size,
        )
        if parse_mimetype(headers.get("Content-Type", "")).type == "multipart":
            return type(self)(
                headers,
                part,
                max_header_size=self._max_header_size,
                max_field_size=self._max_field_size,
                _counter=self._counter,
            )
        return part
