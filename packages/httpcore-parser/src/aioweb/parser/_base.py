"""The machinery both pure-Python parsers share: the readable specification.

How this works: each input is consumed in place by a small state machine; only
the bytes it leaves unread (an unfinished line) are kept, to be joined with the
next input. In the head state the input is read line by line (each line ends at
LF, and strict mode requires the CR before it); the start line and each field
line are checked as soon as they are complete, and the unfinished line is
checked against its length limit on every feed, so memory stays bounded.
When the empty line arrives, :mod:`._framing` decides how the body is framed
and the head object goes to the handler. Body states hand over bytes as they
arrive. A message that hands the connection over (Upgrade, CONNECT, 101)
stops the parser, which returns the bytes it did not read.

The compiled twin in ``_cparser.pyx`` follows this module step by step.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import TypeAlias

from multidict import CIMultiDict, CIMultiDictProxy

from . import _early, _framing
from ._abnf import (
    CHUNK_LINE_LENIENT_RE,
    CHUNK_LINE_RE,
    FIELD_BYTES,
    FIELD_VALUE_BAD_LENIENT_RE,
    FIELD_VALUE_BAD_RE,
    TCHAR_BYTES,
    TOKEN_RE,
)
from ._heads import RawHeaders
from .exceptions import (
    BadRequestLine,
    ChunkTooLarge,
    DataAfterClose,
    HttpParserError,
    IncompleteMessage,
    InvalidChunk,
    InvalidContentLength,
    InvalidHeader,
    LineTooLong,
    ParserClosed,
    TooManyHeaders,
)
from .handler import ParserHandler
from .limits import (
    MAX_CHUNK_SIZE_DIGITS,
    MAX_FIELD_SIZE,
    MAX_HEADERS,
    MAX_LINE_SIZE,
    MAX_TRAILER_SIZE,
    check_limits,
)

__all__ = ("Buf", "Parser", "State")


class State(enum.IntEnum):
    """Where a parser is (the compiled twin numbers its states the same)."""

    HEAD = 0  # reading a head, or the CRLFs before one (RFC 9112 §2.2)
    BODY_LENGTH = 1  # reading a Content-Length body (RFC 9112 §6.2)
    CHUNK_SIZE = 2  # reading a chunk-size line (RFC 9112 §7.1)
    CHUNK_DATA = 3  # reading chunk data
    CHUNK_END = 4  # reading the CRLF after chunk data
    TRAILERS = 5  # reading the trailer section (RFC 9112 §7.1.2)
    UNTIL_CLOSE = 6  # reading a body that ends with the connection (§6.3)
    CLOSED = 7  # after a message that closes the connection (RFC 9112 §9.6)
    HANDED_OVER = 8  # the connection belongs to another protocol now
    FINISHED = 9  # feed_eof was called
    DEAD = 10  # an error was raised


#: The bytes the state machine reads: the caller's own when nothing is left
#: over from the previous input, else the rest joined with the new input.
Buf: TypeAlias = "bytes | bytearray"

# Module-level names for the hot loop: a global lookup, not an attribute one.
_HEAD = State.HEAD
_BODY_LENGTH = State.BODY_LENGTH
_CHUNK_SIZE = State.CHUNK_SIZE
_CHUNK_DATA = State.CHUNK_DATA
_CHUNK_END = State.CHUNK_END
_TRAILERS = State.TRAILERS
_UNTIL_CLOSE = State.UNTIL_CLOSE
_CLOSED = State.CLOSED
_HANDED_OVER = State.HANDED_OVER
_FINISHED = State.FINISHED
_DEAD = State.DEAD


class Parser:
    """What requests and responses share: buffering, fields, bodies, limits.

    Memory: a parser lives as long as its connection, mostly idle, so it
    holds no buffer, field list or queue between messages: each is made when
    needed and dropped when done. Slots, not a dict.
    """

    __slots__ = (
        "_begun", "_buf", "_chunk_line", "_cl", "_conn", "_fields", "_handler",
        "_has_upgrade", "_interim", "_keep_alive", "_lenient",
        "_max_chunk_size_digits", "_max_field_size", "_max_headers",
        "_max_line_size", "_max_trailer_size", "_more_methods", "_next_method",
        "_on_body", "_on_chunk_complete", "_on_headers_complete",
        "_on_message_begin", "_on_message_complete", "_remaining", "_section_size",
        "_start", "_state", "_te", "_upgrade", "_value_bad",
    )  # fmt: skip

    _bad_start: type[HttpParserError] = BadRequestLine

    def __init__(
        self,
        handler: ParserHandler,
        *,
        max_line_size: int = MAX_LINE_SIZE,
        max_field_size: int = MAX_FIELD_SIZE,
        max_headers: int = MAX_HEADERS,
        max_trailer_size: int = MAX_TRAILER_SIZE,
        max_chunk_size_digits: int = MAX_CHUNK_SIZE_DIGITS,
        lenient: bool = False,
    ) -> None:
        check_limits(
            max_line_size,
            max_field_size,
            max_headers,
            max_trailer_size,
            max_chunk_size_digits,
        )
        # The callbacks are looked up once: a handler is fixed for the
        # parser's life, and the lookups would cost more than the parsing.
        self._on_message_begin = handler.on_message_begin
        self._on_headers_complete = handler.on_headers_complete
        self._on_body = handler.on_body
        self._on_message_complete = handler.on_message_complete
        # Interim responses are rare: on_informational is looked up when one
        # arrives rather than held as a bound method by every parser.
        self._handler = handler
        # Optional: a handler that does not care where chunks end is not
        # called for each one (see ParserHandler).
        self._on_chunk_complete = getattr(handler, "on_chunk_complete", None)
        self._max_line_size = max_line_size
        self._max_field_size = max_field_size
        self._max_headers = max_headers
        self._max_trailer_size = max_trailer_size
        self._max_chunk_size_digits = max_chunk_size_digits
        self._lenient = lenient
        self._value_bad = FIELD_VALUE_BAD_LENIENT_RE if lenient else FIELD_VALUE_BAD_RE
        self._chunk_line = CHUNK_LINE_LENIENT_RE if lenient else CHUNK_LINE_RE
        # The unread bytes of an unfinished line; None when there are none.
        self._buf: Buf | None = None
        self._state = _HEAD
        self._begun = False  # on_message_begin was called for this message
        self._start: tuple[object, ...] | None = None  # the parsed start line
        # None until the first one: the fields of the section being read, and
        # the values of the fields that frame the message, as they arrive.
        self._fields: list[tuple[bytes, bytes]] | None = None
        self._cl: list[bytes] | None = None
        self._te: list[bytes] | None = None
        self._conn: list[bytes] | None = None
        self._has_upgrade = False
        self._section_size = 0  # bytes of the trailer section so far
        self._remaining = 0  # bytes left of the body or of the chunk
        self._keep_alive = True
        self._upgrade = False
        # Responses only: the methods of the requests awaiting an answer (the
        # first on its own, as there is rarely a second), and whether a 1xx
        # response came before the head being read.
        self._next_method: str | None = None
        self._more_methods: list[str] | None = None
        self._interim = False

    @property
    def lenient(self) -> bool:
        """Whether the lenient mode is on."""
        return self._lenient

    def feed_data(self, data: bytes | bytearray | memoryview) -> bytes | None:
        """Parse more input, calling the handler for each event.

        Args:
            data: The next bytes received, any amount.

        Returns:
            None normally. After a message that hands the connection over
            (Upgrade, CONNECT, 101), the bytes that follow it, possibly empty;
            the parser is then done and further input raises.

        Raises:
            HttpParserError: The input is invalid (a subclass says how), or
                the parser was already stopped (``ParserClosed``).
        """
        if self._state >= _HANDED_OVER:
            raise ParserClosed("the parser accepts no more input")
        if self._buf is not None:
            buf: Buf = self._buf + data
        else:
            buf = data.tobytes() if isinstance(data, memoryview) else data
        self._buf = None
        try:
            pos = self._run(buf)
        except BaseException:
            self._state = _DEAD
            raise
        if self._state == _HANDED_OVER:
            return bytes(buf[pos:])
        if pos < len(buf):
            self._buf = buf[pos:]  # a copy: the caller may reuse its buffer
        return None

    def feed_eof(self) -> None:
        """Signal the end of the input.

        Completes a body that is read until the connection closes.

        Raises:
            IncompleteMessage: The input ended inside a message.
            ParserClosed: The parser had already failed.
        """
        state = self._state
        if state == _DEAD:
            raise ParserClosed("the parser failed earlier")
        if state in (_HANDED_OVER, _FINISHED):
            return
        self._state = _DEAD
        if state == _UNTIL_CLOSE:
            self._on_message_complete(None)
        elif state == _HEAD and (self._begun or self._interim):
            raise IncompleteMessage("the input ended inside a message head")
        elif state not in (_HEAD, _CLOSED):
            raise IncompleteMessage("the input ended inside a message body")
        self._state = _FINISHED
        self._buf = None

    # -- the state machine ------------------------------------------------

    def _run(self, buf: Buf) -> int:
        """Consume ``buf``; return where the unread bytes start."""
        pos = 0
        while True:
            state = self._state
            if state == _HEAD:
                pos, done = self._read_head(buf, pos)
                if not done:
                    return pos
            elif state in (_BODY_LENGTH, _CHUNK_DATA):
                # A sized body or one chunk's data: hand over what is here.
                take = min(len(buf) - pos, self._remaining)
                if take:
                    self._on_body(bytes(buf[pos : pos + take]))
                    pos += take
                    self._remaining -= take
                if self._remaining:
                    return pos
                if state == _BODY_LENGTH:
                    self._message_complete(None)
                else:
                    self._state = _CHUNK_END
            elif state == _CHUNK_SIZE:
                pos = self._read_chunk_size(buf, pos)
                if self._state == _CHUNK_SIZE:
                    return pos
            elif state == _CHUNK_END:
                # RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
                if pos + 2 <= len(buf) and buf[pos] == 13 and buf[pos + 1] == 10:
                    pos += 2
                elif self._lenient and pos < len(buf) and buf[pos] == 10:
                    pos += 1
                elif (pos + 1 == len(buf) and buf[pos] == 13) or pos == len(buf):
                    return pos
                else:
                    raise InvalidChunk("chunk data is not followed by CRLF")
                self._state = _CHUNK_SIZE
                if self._on_chunk_complete is not None:
                    self._on_chunk_complete()
            elif state == _TRAILERS:
                pos = self._read_trailers(buf, pos)
                if self._state == _TRAILERS:
                    return pos
            elif state == _UNTIL_CLOSE:
                if pos < len(buf):
                    self._on_body(bytes(buf[pos:]))
                return len(buf)
            elif state == _CLOSED:
                if pos < len(buf) and not self._lenient:
                    raise DataAfterClose("data after a message closing the connection")
                return len(buf)
            else:  # _HANDED_OVER
                return pos

    def _next_line(self, buf: Buf, pos: int) -> tuple[bytes | None, int]:
        """The next complete line from ``pos`` without its terminator, or None."""
        lf = buf.find(b"\n", pos)
        if lf < 0:
            return None, pos
        end = lf
        if end > pos and buf[end - 1] == 13:
            end -= 1
        elif not self._lenient:
            # RFC 9112 §2.2 lets a recipient take a bare LF as a line end;
            # strict mode does not, as a parser in front of us may not either.
            raise self._bare_lf_error()
        return bytes(buf[pos:end]), lf + 1

    def _bare_lf_error(self) -> HttpParserError:
        if self._start is None and self._state == _HEAD:
            return self._bad_start("a line ends with a bare LF")
        if self._state == _CHUNK_SIZE:
            return InvalidChunk("a chunk-size line ends with a bare LF")
        return InvalidHeader("a field line ends with a bare LF")

    def _read_head(self, buf: Buf, pos: int) -> tuple[int, bool]:
        """Read head lines; return the position and whether the head ended."""
        if not self._begun:
            pos = self._skip_empty_lines(buf, pos)
            if pos == len(buf) or buf[pos] == 13:
                return pos, False
            self._begun = True
            if not self._informational_seen():
                self._on_message_begin()
        while True:
            if self._start is not None and not self._fields and not self._lenient:
                end = self._fields_at_once(buf, pos)
                if end >= 0:
                    return self._head_complete(end), True
            line, pos = self._next_line(buf, pos)
            if line is None:
                self._check_partial_head(buf, pos)
                return pos, False
            if self._start is None:
                if len(line) > self._max_line_size:
                    raise self._line_too_long()
                self._start = self._parse_start_line(line)
            elif line:
                self._add_field(line, self._max_field_size, head=True)
            else:
                return self._head_complete(pos), True

    def _fields_at_once(self, buf: Buf, pos: int) -> int:
        """Take a whole, valid header section at ``pos`` in one go.

        Returns the position after it, or -1 to read line by line instead
        (not all here yet, no fields, an error to report, a limit to check):
        the line-by-line reading is the specification, this is a shortcut
        through bytes methods that accepts exactly the same sections.
        """
        if buf[pos : pos + 2] == b"\r\n":
            return -1
        end = buf.find(b"\r\n\r\n", pos)
        if end < 0:
            return -1
        text = bytes(buf[pos:end])
        # RFC 9110 §5.5: field values hold HTAB, SP, VCHAR and obs-text only;
        # the CR and LF left over must all be line ends.
        left = text.translate(None, FIELD_BYTES)
        if len(left) != 2 * text.count(b"\r\n") or left.replace(b"\r\n", b""):
            return -1
        lines = text.split(b"\r\n")
        if len(lines) > self._max_headers or (
            len(text) > self._max_field_size
            and max(map(len, lines)) > self._max_field_size
        ):
            return -1
        fields = []
        for line in lines:
            name, colon, value = line.partition(b":")
            if not colon or not name or name.translate(None, TCHAR_BYTES):
                return -1
            fields.append((name, value.strip(b" \t")))
        for name, value in fields:
            if len(name) in (7, 10, 14, 17):
                self._classify(name, value)
        self._fields = fields
        return end + 4

    def _classify(self, name: bytes, value: bytes) -> None:
        """Note the value of a field that frames the message."""
        lname = name.lower()
        if lname == b"content-length":
            # Checked at once, as a repeated or overlong value makes the
            # message unusable whatever follows.
            if self._cl is not None and not self._lenient:
                raise InvalidContentLength("Content-Length is repeated")
            _framing.content_length((value,), self._lenient)
            # A list per field: one in the common case, a copy when repeated.
            self._cl = [value] if self._cl is None else [*self._cl, value]
        elif lname == b"transfer-encoding":
            self._te = [value] if self._te is None else [*self._te, value]
        elif lname == b"connection":
            self._conn = [value] if self._conn is None else [*self._conn, value]
        elif lname == b"upgrade":
            self._has_upgrade = True

    def _skip_empty_lines(self, buf: Buf, pos: int) -> int:
        """Skip CRLFs before a start line (RFC 9112 §2.2)."""
        end = len(buf)
        while pos < end:
            byte = buf[pos]
            if byte == 13:
                if pos + 1 == end:
                    return pos
                if buf[pos + 1] != 10:
                    raise self._bad_start("a bare CR before the start line")
                pos += 2
            elif byte == 10 and self._lenient:
                pos += 1
            else:
                break
        return pos

    def _check_partial_head(self, buf: Buf, pos: int) -> None:
        """Check the unfinished line at ``pos`` against limits and grammar."""
        size = len(buf) - pos
        if self._start is None:
            if size > self._max_line_size + 1:  # +1: a CR may be its last byte
                raise self._line_too_long()
            self._check_start_prefix(buf, pos, len(buf))
        else:
            if size > self._max_field_size + 1:
                raise LineTooLong(
                    f"a field line is longer than {self._max_field_size} bytes",
                    status=431,
                )
            _early.check_field_line(buf, pos, len(buf), self._lenient)

    def _add_field(self, line: bytes, limit: int, *, head: bool) -> None:
        """Parse one field line (RFC 9112 §5) into ``self._fields``."""
        if len(line) > limit:
            raise LineTooLong(f"a field line is longer than {limit} bytes", status=431)
        fields = self._fields
        if fields is None:
            fields = self._fields = []
        if line[0] in (32, 9):
            # RFC 9112 §5.2: obs-fold. A server must reject it or replace it
            # with SP; strict mode rejects, lenient mode replaces.
            if not fields or not self._lenient:
                raise InvalidHeader("a field line starts with whitespace (obs-fold)")
            value = line.strip(b" \t")
            if self._value_bad.search(value) is not None:
                raise InvalidHeader("invalid byte in a field value")
            name, previous = fields[-1]
            folded = previous + b" " + value if previous else value
            lname = name.lower()
            if lname in (b"content-length", b"transfer-encoding"):
                raise InvalidHeader(f"obs-fold in {name!r}, which frames the body")
            if head and lname == b"connection" and self._conn is not None:
                self._conn[-1] = folded
            fields[-1] = (name, folded)
            return
        colon = line.find(b":")
        if colon < 0:
            raise InvalidHeader("a field line without a colon")
        name = line[:colon]
        if TOKEN_RE.fullmatch(name) is None:
            # An empty name, whitespace before the colon (RFC 9112 §5.1
            # forbids it) or a byte that is not a tchar.
            raise InvalidHeader(f"invalid field name {name!r}")
        value = line[colon + 1 :].strip(b" \t")
        if self._value_bad.search(value) is not None:
            raise InvalidHeader(f"invalid byte in the value of {name!r}")
        if len(fields) >= self._max_headers:
            raise TooManyHeaders(f"more than {self._max_headers} fields")
        fields.append((name, value))
        if head and len(name) in (7, 10, 14, 17):
            self._classify(name, value)

    def _head_complete(self, pos: int) -> int:
        fields = self._fields or ()
        raw: RawHeaders = tuple(fields)
        headers = CIMultiDictProxy(
            CIMultiDict([(n.decode("latin-1"), v.decode("latin-1")) for n, v in fields])
        )
        cl, te, conn = self._cl or (), self._te or (), self._conn or ()
        upgrade = self._has_upgrade
        self._fields = self._cl = self._te = self._conn = None
        self._has_upgrade = False
        return self._dispatch_head(pos, raw, headers, cl, te, conn, upgrade)

    def _begin_body(self, kind: int, length: int | None, pos: int) -> int:
        if kind == _framing.LENGTH and length:
            self._remaining = length
            self._state = _BODY_LENGTH
        elif kind == _framing.CHUNKED:
            self._state = _CHUNK_SIZE
        elif kind == _framing.UNTIL_CLOSE:
            self._state = _UNTIL_CLOSE
        else:
            self._message_complete(None)
        return pos

    def _message_complete(self, trailers: CIMultiDictProxy[str] | None) -> None:
        self._begun = False
        self._start = None
        if self._upgrade:
            self._state = _HANDED_OVER
        elif self._keep_alive:
            self._state = _HEAD
        else:
            self._state = _CLOSED
        self._on_message_complete(trailers)

    def _read_chunk_size(self, buf: Buf, pos: int) -> int:
        line, pos = self._next_line(buf, pos)
        if line is None:
            partial = bytes(buf[pos : pos + self._max_chunk_size_digits + 1])
            count = len(partial) - len(partial.lstrip(b"0123456789abcdefABCDEF"))
            if count > self._max_chunk_size_digits:
                raise ChunkTooLarge("a chunk size has too many digits")
            if len(buf) - pos > self._max_field_size + 1:
                raise InvalidChunk("a chunk-size line is too long")
            return pos
        if len(line) > self._max_field_size:
            raise InvalidChunk("a chunk-size line is too long")
        match = self._chunk_line.fullmatch(line)
        if match is None:
            raise InvalidChunk(f"invalid chunk-size line {line[:40]!r}")
        digits = match.group(1)
        if len(digits) > self._max_chunk_size_digits:
            raise ChunkTooLarge("a chunk size has too many digits")
        size = int(digits, 16)
        if size:
            self._remaining = size
            self._state = _CHUNK_DATA
        else:
            self._section_size = 0
            self._state = _TRAILERS
        return pos

    def _read_trailers(self, buf: Buf, pos: int) -> int:
        """The trailer section after the last chunk (RFC 9112 §7.1.2)."""
        while True:
            start = pos
            line, pos = self._next_line(buf, pos)
            if line is None:
                if self._section_size + len(buf) - pos > self._max_trailer_size + 1:
                    raise self._trailers_too_large()
                return pos
            self._section_size += pos - start
            if self._section_size > self._max_trailer_size:
                raise self._trailers_too_large()
            if not line:
                break
            self._add_field(line, self._max_trailer_size, head=False)
        fields = self._fields
        self._fields = None
        trailers = None
        if fields:
            trailers = CIMultiDictProxy(
                CIMultiDict(
                    [(n.decode("latin-1"), v.decode("latin-1")) for n, v in fields]
                )
            )
        self._message_complete(trailers)
        return pos

    def _trailers_too_large(self) -> HttpParserError:
        return LineTooLong(
            f"the trailer section is larger than {self._max_trailer_size} bytes",
            status=431,
        )

    # -- what requests and responses do differently -------------------------

    def _informational_seen(self) -> bool:
        return False

    def _line_too_long(self) -> HttpParserError:
        raise NotImplementedError

    def _check_start_prefix(self, buf: Buf, pos: int, end: int) -> None:
        raise NotImplementedError

    def _parse_start_line(self, line: bytes) -> tuple[object, ...]:
        raise NotImplementedError

    def _dispatch_head(
        self,
        pos: int,
        raw: RawHeaders,
        headers: CIMultiDictProxy[str],
        cl: Sequence[bytes],
        te: Sequence[bytes],
        conn: Sequence[bytes],
        upgrade: bool,
    ) -> int:
        raise NotImplementedError
