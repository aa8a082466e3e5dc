"""The asyncio layer shared by the aioweb client and server.

``__all__`` is grouped by module family; add a name to its group.
"""

from __future__ import annotations

from . import hdrs
from .exceptions import (
    AiowebError,
    ContentLengthError,
    DecompressionError,
    HeaderInjectionError,
    LineTooLongError,
    MultipartError,
    PayloadError,
    PayloadTooLargeError,
    TransferEncodingError,
    WebSocketError,
)

__version__ = "0.1.0"

__all__ = (
    "__version__",
    # errors
    "AiowebError",
    "ContentLengthError",
    "DecompressionError",
    "HeaderInjectionError",
    "LineTooLongError",
    "MultipartError",
    "PayloadError",
    "PayloadTooLargeError",
    "TransferEncodingError",
    "WebSocketError",
    # streams, base protocol, writer
    # payloads, multipart, codings
    # headers, versions, auth, etag, cookies
    "hdrs",
    # WebSocket glue
)
