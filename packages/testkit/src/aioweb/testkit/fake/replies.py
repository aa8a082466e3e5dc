"""What a fake server answers: canned replies and scripted misbehaviour.

A script is made of *actions*. :class:`Reply` is a well-formed response that
can still misbehave on cue (wait, drip-feed, stop after some bytes, then
close, reset or hang); :class:`RawReply` sends arbitrary bytes, for malformed
status lines and header sections; :class:`Hang` never answers. The functions
below name the common misbehaviours so a test reads as what it checks::

    FakeServer([
        Reply(200, body=b"ok"),
        truncated(b"partial", missing=100),
        reset_mid_response(after=10),
        malformed_status_line(),
        gzip_bomb(),
    ])
"""

from __future__ import annotations

import enum
import http
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

__all__ = (
    "Action",
    "End",
    "Hang",
    "RawReply",
    "Reply",
    "gzip_bomb",
    "malformed_header",
    "malformed_status_line",
    "oversized_headers",
    "redirect",
    "reset_mid_response",
    "truncated",
)

Headers = Sequence[tuple[str, str]] | Mapping[str, str]


class End(enum.Enum):
    """What the server does with the connection once a reply is written."""

    #: Keep it open for the next request if the reply allows it (complete,
    #: framed, not ``Connection: close``), else close it.
    AUTO = "auto"
    #: Close it: the client reads end of stream (FIN).
    CLOSE = "close"
    #: Reset it: ``SO_LINGER`` of 0, then close, so the client's read fails
    #: with ``ConnectionResetError`` (RST, RFC 9293 section 3.5.2).
    RESET = "reset"
    #: Write nothing more, read nothing more, and keep it open until the
    #: client or the server closes it.
    HANG = "hang"


@dataclass(frozen=True, slots=True)
class _Pacing:
    """How the bytes of an action are written."""

    delay: float = 0.0
    drip: float = 0.0
    drip_size: int = 1
    cut_after: int | None = None
    end: End = End.AUTO


@dataclass(frozen=True)
class Reply:
    """A response, framed by Content-Length or chunked, perhaps misbehaving.

    Framing fields (``Content-Length`` or ``Transfer-Encoding: chunked``) and
    ``Connection: close`` are added unless ``headers`` already holds one, so
    a test can also send conflicting or wrong ones on purpose.

    Attributes:
        status: the status code.
        reason: the reason phrase; the standard one for ``status`` if
            ``None``.
        headers: extra header fields, in order.
        body: the body, bytes or an iterable of byte strings produced lazily
            (so a huge body is never held in memory). A generator is used up
            by the first request it answers; a re-iterable object (a list,
            or a class with ``__iter__``) answers every time.
        chunked: send the body with chunked transfer coding (RFC 9112
            section 7.1), one chunk per piece of ``body``.
        content_length: the Content-Length to declare; ``len(body)`` by
            default. Declaring more than is sent makes a truncated body.
            An iterable body without it, not chunked, is delimited by
            closing the connection.
        keep_alive: ``False`` sends ``Connection: close`` and closes.
        delay: seconds to wait before the first byte.
        drip: seconds to wait between pieces of ``drip_size`` bytes.
        drip_size: bytes per piece when ``drip`` is set.
        cut_after: stop after this many bytes of the response, head
            included; what happens then is ``end``.
        end: what happens to the connection after the reply.
    """

    status: int = 200
    reason: str | None = None
    headers: Headers = ()
    body: bytes | Iterable[bytes] = b""
    chunked: bool = False
    content_length: int | None = None
    keep_alive: bool = True
    delay: float = 0.0
    drip: float = 0.0
    drip_size: int = 1
    cut_after: int | None = None
    end: End = End.AUTO

    def _pacing(self) -> _Pacing:
        return _Pacing(self.delay, self.drip, self.drip_size, self.cut_after, self.end)

    def _header_list(self) -> list[tuple[str, str]]:
        if isinstance(self.headers, Mapping):
            return list(self.headers.items())
        return list(self.headers)

    def _framing(self) -> tuple[list[tuple[str, str]], bool]:
        """The full header list, and whether the body ends at connection close."""
        headers = self._header_list()
        names = {name.lower() for name, _ in headers}
        until_close = False
        # RFC 9110 sections 8.6 and 6.4.1: 1xx, 204 and 304 responses have no
        # body, and 1xx and 204 no Content-Length.
        bodyless = self.status < 200 or self.status in (204, 304)
        if not bodyless and not names & {"content-length", "transfer-encoding"}:
            if self.chunked:
                headers.append(("Transfer-Encoding", "chunked"))
            elif self.content_length is not None:
                headers.append(("Content-Length", str(self.content_length)))
            elif isinstance(self.body, bytes | bytearray):
                headers.append(("Content-Length", str(len(self.body))))
            else:
                until_close = True
        if (not self.keep_alive or until_close) and "connection" not in names:
            headers.append(("Connection", "close"))
        return headers, until_close

    def _wire(self, head_only: bool = False) -> tuple[Iterator[bytes], bool]:
        """The bytes of the reply, and whether the connection may be reused.

        ``head_only`` answers a HEAD request: the same head, no body (RFC 9110
        section 9.3.2).
        """
        headers, until_close = self._framing()
        reason = self.reason
        if reason is None:
            try:
                reason = http.HTTPStatus(self.status).phrase
            except ValueError:
                reason = ""
        head = [f"HTTP/1.1 {self.status} {reason}\r\n".encode("latin-1")]
        head.extend(f"{n}: {v}\r\n".encode("latin-1") for n, v in headers)
        head.append(b"\r\n")
        reusable = self.keep_alive and not until_close
        if head_only:
            return iter((b"".join(head),)), reusable
        if self.content_length is not None and isinstance(self.body, bytes | bytearray):
            # A short body leaves the client waiting for the rest: not reusable.
            reusable = reusable and len(self.body) == self.content_length
        return _chain(b"".join(head), self._body_pieces()), reusable

    def _body_pieces(self) -> Iterator[bytes]:
        pieces: Iterable[bytes] = (
            (self.body,) if isinstance(self.body, bytes | bytearray) else self.body
        )
        for piece in pieces:
            if not piece:
                continue
            if self.chunked:
                yield b"%x\r\n%s\r\n" % (len(piece), piece)
            else:
                yield bytes(piece)
        if self.chunked:
            yield b"0\r\n\r\n"


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


@dataclass(frozen=True)
class RawReply:
    """Arbitrary bytes written as the answer, then (by default) a close.

    For what :class:`Reply` cannot express: malformed status lines, header
    sections with bare LF or obsolete folding, two responses in one write.

    Attributes:
        data: the bytes to write.
        delay: seconds to wait before the first byte.
        drip: seconds to wait between pieces of ``drip_size`` bytes.
        drip_size: bytes per piece when ``drip`` is set.
        cut_after: stop after this many bytes.
        end: what happens to the connection afterwards; :attr:`End.AUTO`
            closes it, as the bytes cannot be trusted to frame a response,
            unless ``reusable`` says they can.
        reusable: the bytes are whole, framed responses: with
            :attr:`End.AUTO` the connection serves the next request.
    """

    data: bytes
    delay: float = 0.0
    drip: float = 0.0
    drip_size: int = 1
    cut_after: int | None = None
    end: End = End.AUTO
    reusable: bool = False

    def _pacing(self) -> _Pacing:
        return _Pacing(self.delay, self.drip, self.drip_size, self.cut_after, self.end)

    def _wire(self, head_only: bool = False) -> tuple[Iterator[bytes], bool]:
        return iter((self.data,)), self.reusable


@dataclass(frozen=True)
class Hang:
    """Never answer: the request is recorded and the connection left open.

    The client sees neither bytes nor a close; its read timeout must trip.
    The connection ends when the client closes it or the server is closed.
    """

    def _pacing(self) -> _Pacing:
        return _Pacing(end=End.HANG)

    def _wire(self, head_only: bool = False) -> tuple[Iterator[bytes], bool]:
        return iter(()), False


#: Anything a script can answer with.
Action = Reply | RawReply | Hang


def truncated(body: bytes = b"partial body", *, missing: int = 100) -> Reply:
    """A reply declaring ``missing`` more body bytes than it sends, then a close.

    The client reads ``body`` and then end of stream before the declared
    Content-Length: a truncated response (RFC 9112 section 8).
    """
    return Reply(body=body, content_length=len(body) + missing, end=End.CLOSE)


def reset_mid_response(
    body: bytes = b"x" * 4096, *, after: int = 64, delay: float = 0.0
) -> Reply:
    """A reply reset (RST) after ``after`` bytes of the response, head included."""
    return Reply(body=body, cut_after=after, end=End.RESET, delay=delay)


def malformed_status_line(line: bytes = b"HTTP/1.1 2OO OK") -> RawReply:
    """A response whose status line is ``line`` (a non-numeric code by default)."""
    return RawReply(line + b"\r\nContent-Length: 0\r\n\r\n")


def malformed_header(field: bytes = b"Bad Header: value") -> RawReply:
    """A 200 response carrying ``field``, whitespace inside a name by default.

    RFC 9112 section 5.1 forbids whitespace between a field name and the colon.
    """
    return RawReply(b"HTTP/1.1 200 OK\r\n" + field + b"\r\nContent-Length: 0\r\n\r\n")


def oversized_headers(size: int = 256 * 1024, *, name: str = "X-Oversized") -> Reply:
    """A 200 response with one header field whose value is ``size`` bytes."""
    return Reply(headers=[(name, "a" * size)])


def redirect(location: str, status: int = 302) -> Reply:
    """A redirect to ``location`` with an empty body."""
    return Reply(status, headers=[("Location", location)])


def gzip_bomb(size: int = 1 << 30, *, piece: int = 1 << 20) -> Reply:
    """``Content-Encoding: gzip`` of ``size`` zero bytes, compressed on the fly.

    The compressor is fed ``piece`` zeros at a time as the client reads, so
    the inflated body is never held in memory, and a client that stops early
    stops the compression too. Zeros compress about a thousandfold: 1 GiB
    goes out as about 1 MiB, chunked.
    """
    return Reply(
        headers=[
            ("Content-Encoding", "gzip"),
            ("Content-Type", "application/octet-stream"),
        ],
        body=_GzipZeros(size, piece),
        chunked=True,
    )


class _GzipZeros:
    """Gzip of ``size`` zeros, compressed anew at each iteration.

    An iterable rather than a generator, so one :func:`gzip_bomb` reply can
    answer any number of requests.
    """

    def __init__(self, size: int, piece: int) -> None:
        self._size = size
        self._piece = piece

    def __iter__(self) -> Iterator[bytes]:
        # wbits 16 + 15: a gzip member (RFC 1952), not a bare deflate stream.
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        zeros = bytes(self._piece)
        left = self._size
        while left > 0:
            block = zeros if left >= self._piece else zeros[:left]
            left -= len(block)
            out = compressor.compress(block)
            if out:
                yield out
        yield compressor.flush()
