"""The exception root shared by aioweb's client and server.

The client's and the server's own trees build on :class:`AiowebError`; errors
of the sans-I/O layers (``aioweb.parser``, ``aioweb.websocket``) are
translated into these at this layer's boundary with ``raise ... from exc``.

::

    AiowebError                      root; ``status`` is an HTTP status hint
     ├── PayloadError                a body could not be read as it was framed
     │    ├── ContentLengthError     the body ended before its Content-Length
     │    ├── TransferEncodingError  a broken chunked body
     │    ├── DecompressionError     a content coding failed to decode
     │    └── PayloadTooLargeError   a body, decoded or not, passed its limit (413)
     ├── LineTooLongError            a line passed the reader's limit
     ├── HeaderInjectionError        CR, LF or NUL in a header, method, target
     │                               or reason given to the writer (also ValueError)
     ├── MultipartError              a multipart body broke a rule or a limit
     ├── WebSocketError              a WebSocket failed; ``code`` is the close code
     └── WSMessageTypeError          ``receive_str()`` and the like got another
                                     type of message (also TypeError)

Every error carries a message fit for a log line; ``status`` says what a
server would answer (``None`` where no HTTP answer applies).
"""

from __future__ import annotations


class AiowebError(Exception):
    """Root of aioweb's asyncio-level errors.

    Args:
        message: what went wrong, for people.
        status: the HTTP status a server would answer, if any.
    """

    status: int | None = None

    def __init__(self, message: str = "", *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), self.message, self.__dict__))


def _rebuild(
    cls: type[AiowebError], message: str, state: dict[str, object]
) -> AiowebError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class PayloadError(AiowebError):
    """A body could not be read as it was framed."""

    status = 400


class ContentLengthError(PayloadError):
    """The body ended before the length its Content-Length announced."""


class TransferEncodingError(PayloadError):
    """A chunked body was malformed or cut short."""


class DecompressionError(PayloadError):
    """A content coding (gzip, deflate, br, zstd) could not be decoded."""


class PayloadTooLargeError(PayloadError):
    """A body, before or after decoding, passed its configured limit."""

    status = 413


class LineTooLongError(AiowebError):
    """A line read from a stream passed the reader's maximum length."""

    status = 400


class HeaderInjectionError(AiowebError, ValueError):
    """CR, LF or NUL in a header name or value, method, target or reason.

    Raised by the writer before a single byte is written.
    """


class MultipartError(AiowebError):
    """A multipart body broke the syntax or one of the reader's limits."""

    status = 400


class WebSocketError(AiowebError):
    """A WebSocket connection failed.

    Args:
        code: the close code sent, or to send, to the peer.
        message: what went wrong.
    """

    def __init__(self, code: int, message: str = "") -> None:
        super().__init__(message)
        self.code = code

    def __str__(self) -> str:
        return self.message


class WSMessageTypeError(AiowebError, TypeError):
    """A WebSocket message was not of the type asked for.

    ``receive_str()`` got a binary message, say; aiohttp raises its
    ``WSMessageTypeError`` (a ``TypeError``) in the same place.
    """


__all__ = (
    "AiowebError",
    "PayloadError",
    "ContentLengthError",
    "TransferEncodingError",
    "DecompressionError",
    "PayloadTooLargeError",
    "LineTooLongError",
    "HeaderInjectionError",
    "MultipartError",
    "WebSocketError",
    "WSMessageTypeError",
)
