"""The curated public surface of aioweb.protocol: a rename is a visible decision."""

from __future__ import annotations

import aioweb.protocol

EXPECTED = {
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
    "ACCEPT_ENCODING",
    "AiowebError",
    "BaseProtocol",
    "ContentDecoder",
    "ContentEncoder",
    "ContentLengthError",
    "DEFAULT_LIMIT",
    "DEFAULT_MAX_RATIO",
    "DecompressionError",
    "EMPTY_PAYLOAD",
    "EmptyStreamReader",
    "HeaderInjectionError",
    "HttpMessageStreams",
    "LineTooLongError",
    "MessageHead",
    "MessageSink",
    "MultipartError",
    "PayloadError",
    "PayloadTooLargeError",
    "RATIO_FLOOR",
    "SENDFILE_CHUNK_SIZE",
    "SUPPORTED_ENCODINGS",
    "StreamReader",
    "StreamWriter",
    "TransferEncodingError",
    "WebSocketError",
    "__version__",
    "get_decoder",
    "get_encoder",
    "hdrs",
    "serialize_head",
    "validate_field",
    "validate_start_line",
}


def test_public_surface() -> None:
    assert set(aioweb.protocol.__all__) == EXPECTED
    assert len(aioweb.protocol.__all__) == len(EXPECTED)
    for name in EXPECTED:
        assert hasattr(aioweb.protocol, name), name
