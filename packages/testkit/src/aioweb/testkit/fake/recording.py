"""What a fake server records of each request, and the reader that frames it.

How this works: the reader pulls one request at a time off an
:class:`asyncio.StreamReader`, line by line for the head, then the body
framed by ``Transfer-Encoding: chunked`` or ``Content-Length`` (RFC 9112
section 6.3). It keeps every byte it consumed, so a test sees both the parsed
request and exactly what went over the wire.

The reader is deliberately lenient and independent of ``aioweb.parser``: a
fake server must record what a client under test sent, even when that is
slightly wrong, and must not share its parsing with the code it tests. It
refuses only what it cannot frame (no request line, bad sizes) and reports
that as :class:`BadRequest`, which the server answers with 400 or 431.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from multidict import CIMultiDict, CIMultiDictProxy

from ..exceptions import FakeServerError

__all__ = (
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_MAX_HEAD_SIZE",
    "BadRequest",
    "RecordedRequest",
    "read_request",
)

#: Largest request head (request line and fields) a fake server reads.
DEFAULT_MAX_HEAD_SIZE = 1 << 20
#: Largest request body a fake server keeps in memory.
DEFAULT_MAX_BODY_SIZE = 64 << 20

RawHeaders = tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as a fake server received it.

    Attributes:
        method: the method token, as sent.
        target: the request-target, as sent (``/path?query``, or an absolute
            URL for a proxy request).
        version: ``(major, minor)`` of the request line.
        headers: the header fields, values decoded as latin-1.
        raw_headers: the header fields as received.
        body: the body, de-chunked.
        trailers: the trailer fields of a chunked body, if any.
        raw: every byte of the request as received, framing included.
        connection: the index of the connection that carried it, counting
            from 0 per server: equal indexes mean a reused connection.
    """

    method: str
    target: str
    version: tuple[int, int]
    headers: CIMultiDictProxy[str]
    raw_headers: RawHeaders
    body: bytes
    trailers: CIMultiDictProxy[str]
    raw: bytes
    connection: int

    @property
    def path(self) -> str:
        """The target without its query string."""
        return self.target.partition("?")[0]

    @property
    def query_string(self) -> str:
        """The part of the target after ``?``, or ``""``."""
        return self.target.partition("?")[2]


class BadRequest(FakeServerError):
    """A request the reader could not frame, recorded in ``server.errors``.

    Attributes:
        reason: what was wrong.
        status: the status the fake server answered with.
        raw: the bytes read before the problem was found.
    """

    def __init__(self, reason: str, status: int = 400, raw: bytes = b"") -> None:
        super().__init__(f"{status}: {reason}")
        self.reason = reason
        self.status = status
        self.raw = raw


class _Budget:
    """Bytes read so far and what is left of the head limit."""

    def __init__(self, max_head_size: int) -> None:
        self.raw = bytearray()
        self.head_left = max_head_size

    def bad(self, reason: str, status: int = 400) -> BadRequest:
        return BadRequest(reason, status, bytes(self.raw))


async def _read_line(reader: asyncio.StreamReader, budget: _Budget) -> bytes | None:
    """One line including its terminator; ``None`` at end of stream."""
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError as exc:
        budget.raw += exc.partial
        if not exc.partial:
            return None
        raise budget.bad("connection closed inside a line") from None
    except asyncio.LimitOverrunError:
        raise budget.bad("line longer than the stream limit", 431) from None
    budget.raw += line
    return line


async def _read_exactly(
    reader: asyncio.StreamReader, size: int, budget: _Budget
) -> bytes:
    try:
        data = await reader.readexactly(size)
    except asyncio.IncompleteReadError as exc:
        budget.raw += exc.partial
        raise budget.bad("connection closed inside the body") from None
    budget.raw += data
    return data


async def _read_fields(
    reader: asyncio.StreamReader, budget: _Budget
) -> list[tuple[bytes, bytes]]:
    """Header (or trailer) lines up to the empty line (RFC 9112 section 5)."""
    fields: list[tuple[bytes, bytes]] = []
    while True:
        line = await _read_line(reader, budget)
        if line is None:
            raise budget.bad("connection closed inside the head")
        budget.head_left -= len(line)
        if budget.head_left < 0:
            raise budget.bad("request head too large", 431)
        line = line.rstrip(b"\r\n")
        if not line:
            return fields
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip():
            # RFC 9112 section 5.1: no whitespace between name and colon.
            raise budget.bad(f"malformed header line {line[:80]!r}")
        fields.append((name, value.strip(b" \t")))


def _as_multidict(fields: list[tuple[bytes, bytes]]) -> CIMultiDictProxy[str]:
    return CIMultiDictProxy(
        CIMultiDict(
            (name.decode("latin-1"), value.decode("latin-1")) for name, value in fields
        )
    )


async def _read_chunked(
    reader: asyncio.StreamReader, budget: _Budget, max_body_size: int
) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """A chunked body and its trailers (RFC 9112 section 7.1)."""
    body = bytearray()
    while True:
        line = await _read_line(reader, budget)
        if line is None:
            raise budget.bad("connection closed inside the chunked body")
        size_text = line.partition(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise budget.bad(f"bad chunk size {size_text[:20]!r}") from None
        if size < 0 or len(body) + size > max_body_size:
            raise budget.bad("request body too large", 413)
        if size == 0:
            return bytes(body), await _read_fields(reader, budget)
        body += await _read_exactly(reader, size, budget)
        if await _read_line(reader, budget) not in (b"\r\n", b"\n"):
            raise budget.bad("chunk data not followed by CRLF")


async def read_request(
    reader: asyncio.StreamReader,
    connection: int,
    *,
    max_head_size: int = DEFAULT_MAX_HEAD_SIZE,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    on_expect_continue: asyncio.StreamWriter | None = None,
) -> RecordedRequest | None:
    """Read one request off ``reader``.

    Args:
        reader: the connection's stream.
        connection: the connection's index, recorded with the request.
        max_head_size: limit on request line plus fields, in bytes.
        max_body_size: limit on the (de-chunked) body, in bytes.
        on_expect_continue: if given, ``100 Continue`` is written to it when
            the request carries ``Expect: 100-continue`` (RFC 9110
            section 10.1.1), before the body is read.

    Returns:
        The request, or ``None`` if the connection ended cleanly before its
        first byte.

    Raises:
        BadRequest: the request could not be framed.
    """
    budget = _Budget(max_head_size)
    line = await _read_line(reader, budget)
    # RFC 9112 section 2.2: empty lines before a request line are ignored.
    while line in (b"\r\n", b"\n"):
        line = await _read_line(reader, budget)
    if line is None:
        return None
    budget.head_left -= len(line)
    if budget.head_left < 0:
        raise budget.bad("request line too long", 431)
    parts = line.rstrip(b"\r\n").split(b" ")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise budget.bad(f"malformed request line {line[:80]!r}")
    method, target, version_text = parts
    if not (
        version_text.startswith(b"HTTP/")
        and len(version_text) == 8
        and version_text[5:6].isdigit()
        and version_text[6:7] == b"."
        and version_text[7:8].isdigit()
    ):
        raise budget.bad(f"malformed HTTP version {version_text[:20]!r}")
    version = (int(version_text[5:6]), int(version_text[7:8]))
    fields = await _read_fields(reader, budget)
    headers = _as_multidict(fields)

    if on_expect_continue is not None and (
        headers.get("Expect", "").lower() == "100-continue"
    ):
        on_expect_continue.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await on_expect_continue.drain()

    trailers: list[tuple[bytes, bytes]] = []
    codings = [
        c.strip().lower() for c in headers.get("Transfer-Encoding", "").split(",")
    ]
    if "Transfer-Encoding" in headers:
        # RFC 9112 section 6.3: chunked wins over Content-Length, and a request
        # whose final coding is not chunked cannot be framed.
        if codings[-1] != "chunked":
            raise budget.bad("Transfer-Encoding does not end with chunked")
        body, trailers = await _read_chunked(reader, budget, max_body_size)
    elif "Content-Length" in headers:
        values = {v.strip() for v in headers.getall("Content-Length")}
        text = values.pop()
        if values or not text.isdigit():
            raise budget.bad("invalid Content-Length")
        length = int(text)
        if length > max_body_size:
            raise budget.bad("request body too large", 413)
        body = await _read_exactly(reader, length, budget)
    else:
        body = b""

    return RecordedRequest(
        method=method.decode("latin-1"),
        target=target.decode("latin-1"),
        version=version,
        headers=headers,
        raw_headers=tuple(fields),
        body=body,
        trailers=_as_multidict(trailers),
        raw=bytes(budget.raw),
        connection=connection,
    )
