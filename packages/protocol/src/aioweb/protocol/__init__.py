"""The asyncio layer shared by the aioweb client and server.

``__all__`` is grouped by module family; add a name to its group.
"""

from __future__ import annotations

from . import hdrs
from .auth import BasicAuth
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
from .content_disposition import (
    content_disposition_filename,
    content_disposition_header,
    parse_content_disposition,
)
from .cookie_dates import format_cookie_date, parse_cookie_date
from .cookies import (
    CookieMorsel,
    format_cookie_header,
    make_set_cookie,
    parse_cookie_header,
    parse_set_cookie,
    parse_set_cookie_headers,
    quote_cookie_value,
    unquote_cookie_value,
)
from .etag import (
    ETAG_ANY,
    ETag,
    etag_matches,
    parse_etag,
    parse_etag_list,
    validate_etag_value,
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
    WSMessageTypeError,
)
from .formdata import FormData
from .http_head import serialize_head, validate_field, validate_start_line
from .message_streams import (
    HttpMessageStreams,
    MessageHead,
    MessageQueue,
    MessageSink,
)
from .mimetypes import MimeType, parse_charset, parse_header_params, parse_mimetype
from .multipart_reader import (
    DEFAULT_MAX_FIELD_SIZE,
    DEFAULT_MAX_HEADER_SIZE,
    DEFAULT_MAX_PARTS,
    BodyPartReader,
    MultipartReader,
)
from .multipart_writer import MultipartWriter
from .payloads import (
    PAYLOAD_REGISTRY,
    AsyncIterablePayload,
    BufferedReaderPayload,
    BytesIOPayload,
    BytesPayload,
    IOBasePayload,
    JsonPayload,
    Order,
    Payload,
    PayloadRegistry,
    PayloadWriter,
    StringIOPayload,
    StringPayload,
    TextIOPayload,
    get_payload,
    payload_type,
)
from .streams import DEFAULT_LIMIT, EMPTY_PAYLOAD, EmptyStreamReader, StreamReader
from .versions import HttpVersion, HttpVersion10, HttpVersion11
from .writer import COMPRESS_IN_THREAD_SIZE, SENDFILE_CHUNK_SIZE, StreamWriter
from .ws_base import WebSocketBase
from .ws_reader import WebSocketReader
from .ws_types import (
    WS_CLOSED_MESSAGE,
    WS_CLOSING_MESSAGE,
    WSCloseCode,
    WSMessage,
    WSMsgType,
)
from .ws_writer import WebSocketWriter

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
    "WSMessageTypeError",
    # streams, base protocol, writer
    "BaseProtocol",
    "DEFAULT_LIMIT",
    "EMPTY_PAYLOAD",
    "EmptyStreamReader",
    "HttpMessageStreams",
    "MessageHead",
    "MessageSink",
    "MessageQueue",
    "StreamReader",
    "SENDFILE_CHUNK_SIZE",
    "COMPRESS_IN_THREAD_SIZE",
    "StreamWriter",
    "serialize_head",
    "validate_field",
    "validate_start_line",
    # payloads, multipart, codings
    "PAYLOAD_REGISTRY",
    "AsyncIterablePayload",
    "BufferedReaderPayload",
    "BytesIOPayload",
    "BytesPayload",
    "IOBasePayload",
    "JsonPayload",
    "Order",
    "Payload",
    "PayloadRegistry",
    "PayloadWriter",
    "StringIOPayload",
    "StringPayload",
    "TextIOPayload",
    "get_payload",
    "payload_type",
    "FormData",
    "MultipartWriter",
    "MultipartReader",
    "BodyPartReader",
    "DEFAULT_MAX_FIELD_SIZE",
    "DEFAULT_MAX_HEADER_SIZE",
    "DEFAULT_MAX_PARTS",
    "ACCEPT_ENCODING",
    "DEFAULT_MAX_RATIO",
    "RATIO_FLOOR",
    "SUPPORTED_ENCODINGS",
    "ContentDecoder",
    "ContentEncoder",
    "get_decoder",
    "get_encoder",
    "MimeType",
    "parse_charset",
    "parse_header_params",
    "parse_mimetype",
    "content_disposition_filename",
    "content_disposition_header",
    "parse_content_disposition",
    # headers, versions, auth, etag, cookies
    "hdrs",
    "HttpVersion",
    "HttpVersion10",
    "HttpVersion11",
    "BasicAuth",
    "ETAG_ANY",
    "ETag",
    "etag_matches",
    "parse_etag",
    "parse_etag_list",
    "validate_etag_value",
    "CookieMorsel",
    "format_cookie_date",
    "format_cookie_header",
    "make_set_cookie",
    "parse_cookie_date",
    "parse_cookie_header",
    "parse_set_cookie",
    "parse_set_cookie_headers",
    "quote_cookie_value",
    "unquote_cookie_value",
    # WebSocket glue
    "WSMsgType",
    "WSMessage",
    "WSCloseCode",
    "WS_CLOSED_MESSAGE",
    "WS_CLOSING_MESSAGE",
    "WebSocketBase",
    "WebSocketReader",
    "WebSocketWriter",
)
