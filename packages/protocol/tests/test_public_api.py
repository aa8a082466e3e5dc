"""The curated public surface of aioweb.protocol: a rename is a visible decision."""

from __future__ import annotations

import aioweb.protocol

EXPECTED = {
    "ACCEPT_ENCODING",
    "AiowebError",
    "BaseProtocol",
    "BasicAuth",
    "ContentDecoder",
    "ContentEncoder",
    "ContentLengthError",
    "CookieMorsel",
    "DEFAULT_LIMIT",
    "DEFAULT_MAX_RATIO",
    "DecompressionError",
    "EMPTY_PAYLOAD",
    "ETAG_ANY",
    "ETag",
    "EmptyStreamReader",
    "HeaderInjectionError",
    "HttpMessageStreams",
    "HttpVersion",
    "HttpVersion10",
    "HttpVersion11",
    "LineTooLongError",
    "MessageHead",
    "MessageSink",
    "MimeType",
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
    "content_disposition_filename",
    "content_disposition_header",
    "etag_matches",
    "format_cookie_date",
    "format_cookie_header",
    "get_decoder",
    "get_encoder",
    "hdrs",
    "make_set_cookie",
    "parse_charset",
    "parse_content_disposition",
    "parse_cookie_date",
    "parse_cookie_header",
    "parse_etag",
    "parse_etag_list",
    "parse_header_params",
    "parse_mimetype",
    "parse_set_cookie",
    "parse_set_cookie_headers",
    "quote_cookie_value",
    "serialize_head",
    "unquote_cookie_value",
    "validate_etag_value",
    "validate_field",
    "validate_start_line",
}


def test_public_surface() -> None:
    assert set(aioweb.protocol.__all__) == EXPECTED
    assert len(aioweb.protocol.__all__) == len(EXPECTED)
    for name in EXPECTED:
        assert hasattr(aioweb.protocol, name), name
