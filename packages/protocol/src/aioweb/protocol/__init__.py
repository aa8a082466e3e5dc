"""The asyncio layer shared by the aioweb client and server.

``__all__`` is grouped by module family; add a name to its group.
"""

from __future__ import annotations

from . import hdrs
from .base_protocol import BaseProtocol
from .codings import (
    ACCEPT_ENCODING,
    DEFAULT_MAX_RATIO,
    RATIO_FLOOR,
    SUPPORTED_ENCODINGS,
    ContentDecoder,
    ContentEncoder,
    get_decoder,
    get_encoder,
)
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
from .http_head import serialize_head, validate_field, validate_start_line
from .message_streams import HttpMessageStreams, MessageHead, MessageSink
from .streams import DEFAULT_LIMIT, EMPTY_PAYLOAD, EmptyStreamReader, StreamReader
from .writer import SENDFILE_CHUNK_SIZE, StreamWriter

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
    "BaseProtocol",
    "DEFAULT_LIMIT",
    "EMPTY_PAYLOAD",
    "EmptyStreamReader",
    "HttpMessageStreams",
    "MessageHead",
    "MessageSink",
    "StreamReader",
    "SENDFILE_CHUNK_SIZE",
    "StreamWriter",
    "serialize_head",
    "validate_field",
    "validate_start_line",
    # payloads, multipart, codings
    "ACCEPT_ENCODING",
    "DEFAULT_MAX_RATIO",
    "RATIO_FLOOR",
    "SUPPORTED_ENCODINGS",
    "ContentDecoder",
    "ContentEncoder",
    "get_decoder",
    "get_encoder",
    # headers, versions, auth, etag, cookies
    "hdrs",
    # WebSocket glue
)
