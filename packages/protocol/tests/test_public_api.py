"""The curated public surface of aioweb.protocol: a rename is a visible decision."""

from __future__ import annotations

import aioweb.protocol

EXPECTED = {
    "AiowebError",
    "BaseProtocol",
    "ContentLengthError",
    "DEFAULT_LIMIT",
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
    "StreamReader",
    "TransferEncodingError",
    "WebSocketError",
    "__version__",
    "hdrs",
}


def test_public_surface() -> None:
    assert set(aioweb.protocol.__all__) == EXPECTED
    assert len(aioweb.protocol.__all__) == len(EXPECTED)
    for name in EXPECTED:
        assert hasattr(aioweb.protocol, name), name
