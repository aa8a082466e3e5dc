"""Errors raised by the parsers.

Every error is an :class:`HttpParserError`. Each carries ``status``: the HTTP
status code a server should answer with when it meets the error in a request
(a client reading a response uses the class, not the status). After any error
the parser is dead: a further ``feed_data`` or ``feed_eof`` raises
:class:`ParserClosed`.

::

    HttpParserError (400)
    ├── BadStartLine (400)
    │   ├── BadRequestLine (400)
    │   └── BadStatusLine (400)
    ├── UnsupportedVersion (505)
    ├── LineTooLong (414 request line, 431 field line)
    ├── TooManyHeaders (431)
    ├── InvalidHeader (400)
    │   ├── InvalidContentLength (400)
    │   ├── InvalidTransferEncoding (400)
    │   └── ConflictingFraming (400)        Content-Length with Transfer-Encoding
    ├── UnsupportedTransferEncoding (501)
    ├── InvalidChunk (400)
    ├── BodyTooLarge (413)
    │   └── ChunkTooLarge (413)
    ├── DataAfterClose (400)
    ├── IncompleteMessage (400)
    └── ParserClosed (500)                  misuse: fed after an error or a hand-over

An exception raised by a handler callback is not wrapped: it propagates from
``feed_data`` as it was raised (and the parser is dead afterwards).
"""

from __future__ import annotations

__all__ = (
    "HttpParserError",
    "BadStartLine",
    "BadRequestLine",
    "BadStatusLine",
    "UnsupportedVersion",
    "LineTooLong",
    "TooManyHeaders",
    "InvalidHeader",
    "InvalidContentLength",
    "InvalidTransferEncoding",
    "ConflictingFraming",
    "UnsupportedTransferEncoding",
    "InvalidChunk",
    "BodyTooLarge",
    "ChunkTooLarge",
    "DataAfterClose",
    "IncompleteMessage",
    "ParserClosed",
)


class HttpParserError(Exception):
    """Root of every parser error.

    Attributes:
        status: The HTTP status code a server should answer with.
    """

    status: int = 400

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status

    @property
    def message(self) -> str:
        """The human-readable description of the error."""
        return str(self.args[0]) if self.args else ""


class BadStartLine(HttpParserError):
    """The request line or status line is malformed (RFC 9112 §3, §4)."""


class BadRequestLine(BadStartLine):
    """The request line is malformed: method, target or version (RFC 9112 §3)."""


class BadStatusLine(BadStartLine):
    """The status line is malformed: version, code or reason (RFC 9112 §4)."""


class UnsupportedVersion(HttpParserError):
    """A well-formed HTTP version other than 1.0 and 1.1 (RFC 9110 §15.6.6)."""

    status = 505


class LineTooLong(HttpParserError):
    """A start line or field line is longer than its limit.

    ``status`` is 414 for a request line (RFC 9110 §15.5.15) and 431 for a
    field line (RFC 6585 §5).
    """

    status = 431


class TooManyHeaders(HttpParserError):
    """More field lines than ``max_headers`` (RFC 6585 §5)."""

    status = 431


class InvalidHeader(HttpParserError):
    """A field line is malformed: name, separator or value (RFC 9112 §5)."""


class InvalidContentLength(InvalidHeader):
    """Content-Length is not a single run of digits (RFC 9110 §8.6)."""


class InvalidTransferEncoding(InvalidHeader):
    """Transfer-Encoding does not let the body length be found (RFC 9112 §6.3)."""


class ConflictingFraming(InvalidHeader):
    """Content-Length and Transfer-Encoding together (RFC 9112 §6.3, item 3)."""


class UnsupportedTransferEncoding(HttpParserError):
    """A transfer coding other than ``chunked`` (RFC 9112 §6.1)."""

    status = 501


class InvalidChunk(HttpParserError):
    """Chunked framing is malformed: size, extension or CRLF (RFC 9112 §7.1)."""


class BodyTooLarge(HttpParserError):
    """A length too large to handle (RFC 9110 §15.5.14)."""

    status = 413


class ChunkTooLarge(BodyTooLarge):
    """A chunk size with more hex digits than ``max_chunk_size_digits``."""


class DataAfterClose(HttpParserError):
    """Bytes after a message that closes the connection (RFC 9112 §9.6)."""


class IncompleteMessage(HttpParserError):
    """The input ended in the middle of a message (RFC 9112 §8)."""


class ParserClosed(HttpParserError):
    """The parser was fed after an error or after handing the connection over."""

    status = 500
