"""The opening handshake helpers (RFC 6455 section 4) on plain header lists."""

from __future__ import annotations

import base64

import pytest

from aioweb.websocket import (
    DeflateOptions,
    HandshakeError,
    accept_request,
    compute_accept,
    generate_key,
    request_headers,
    validate_response,
)

KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # RFC 6455 section 1.3


def request(**replace: str | None) -> list[tuple[str, str]]:
    headers = {
        "Host": "example.com",
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": KEY,
        "Sec-WebSocket-Version": "13",
    }
    headers.update(replace)  # type: ignore[arg-type]
    return [(k, v) for k, v in headers.items() if v is not None]


def test_accept_matches_rfc_example() -> None:
    assert compute_accept(KEY) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_generated_keys_are_16_random_bytes() -> None:
    keys = {generate_key() for _ in range(10)}
    assert len(keys) == 10
    assert all(len(base64.b64decode(k)) == 16 for k in keys)


def test_server_accepts_a_valid_request() -> None:
    result = accept_request("GET", "HTTP/1.1", request())
    assert result.headers == [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
    ]
    assert result.subprotocol is None
    assert result.extensions == []


def test_header_names_and_tokens_are_case_insensitive() -> None:
    headers = [
        ("host", "x"),
        ("UPGRADE", "WebSocket"),
        ("connection", "keep-alive, UPGRADE"),
        ("sec-websocket-key", KEY),
        ("SEC-WEBSOCKET-VERSION", "13"),
    ]
    assert accept_request("GET", "HTTP/1.1", headers).headers[2][1] == compute_accept(
        KEY
    )


@pytest.mark.parametrize(
    ("method", "version", "headers", "status", "message"),
    [
        ("POST", "HTTP/1.1", request(), 405, "GET"),
        ("GET", "HTTP/1.0", request(), 400, "cannot upgrade"),
        ("GET", "HTTP/1.1", request(Host=None), 400, "Host"),
        ("GET", "HTTP/1.1", request(Upgrade="h2c"), 400, "Upgrade"),
        ("GET", "HTTP/1.1", request(Upgrade=None), 400, "Upgrade"),
        ("GET", "HTTP/1.1", request(Connection="keep-alive"), 400, "Connection"),
        ("GET", "HTTP/1.1", request(**{"Sec-WebSocket-Version": "8"}), 426, "Version"),
        ("GET", "HTTP/1.1", request(**{"Sec-WebSocket-Version": None}), 426, "Version"),
        ("GET", "HTTP/1.1", request(**{"Sec-WebSocket-Key": None}), 400, "missing"),
        ("GET", "HTTP/1.1", request(**{"Sec-WebSocket-Key": "short"}), 400, "16 bytes"),
        (
            "GET",
            "HTTP/1.1",
            request(**{"Sec-WebSocket-Key": base64.b64encode(b"x" * 15).decode()}),
            400,
            "16 bytes",
        ),
        (
            "GET",
            "HTTP/1.1",
            request(**{"Sec-WebSocket-Key": "é" * 24}),
            400,
            "16 bytes",
        ),
    ],
)
def test_server_refuses(
    method: str, version: str, headers: list[tuple[str, str]], status: int, message: str
) -> None:
    with pytest.raises(HandshakeError, match=message) as info:
        accept_request(method, version, headers)
    assert info.value.status == status
    if status == 426:
        assert info.value.headers == [("Sec-WebSocket-Version", "13")]


def test_repeated_key_refused() -> None:
    headers = [*request(), ("Sec-WebSocket-Key", KEY)]
    with pytest.raises(HandshakeError, match="repeated"):
        accept_request("GET", "HTTP/1.1", headers)


def test_subprotocol_selection_follows_client_order() -> None:
    headers = [
        *request(),
        ("Sec-WebSocket-Protocol", "v2.chat, v1.chat"),
        ("Sec-WebSocket-Protocol", "x"),
    ]
    result = accept_request(
        "GET", "HTTP/1.1", headers, subprotocols=["v1.chat", "v2.chat"]
    )
    assert result.subprotocol == "v2.chat"
    assert ("Sec-WebSocket-Protocol", "v2.chat") in result.headers
    none = accept_request("GET", "HTTP/1.1", headers, subprotocols=["V2.CHAT"])
    assert none.subprotocol is None


def test_server_negotiates_deflate_only_when_configured() -> None:
    headers = [
        *request(),
        ("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"),
    ]
    assert accept_request("GET", "HTTP/1.1", headers).extensions == []
    result = accept_request("GET", "HTTP/1.1", headers, deflate=DeflateOptions())
    assert ("Sec-WebSocket-Extensions", "permessage-deflate") in result.headers
    assert len(result.extensions) == 1


def test_full_handshake_both_sides() -> None:
    key = generate_key()
    deflate = DeflateOptions(client_no_context_takeover=True)
    sent = [
        ("Host", "h"),
        *request_headers(key, subprotocols=["chat", "superchat"], deflate=deflate),
    ]
    assert ("Sec-WebSocket-Protocol", "chat, superchat") in sent
    server = accept_request(
        "GET", "HTTP/1.1", sent, subprotocols=["superchat"], deflate=DeflateOptions()
    )
    client = validate_response(
        101,
        server.headers,
        key=key,
        subprotocols=["chat", "superchat"],
        deflate=deflate,
    )
    assert client.subprotocol == server.subprotocol == "superchat"
    assert client.extensions[0].parameters == server.extensions[0].parameters
    assert client.extensions[0].parameters.client_no_context_takeover


def response(key: str = KEY, **extra: str) -> list[tuple[str, str]]:
    headers = [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Accept", compute_accept(key)),
    ]
    return headers + list(extra.items())


@pytest.mark.parametrize(
    ("status", "headers", "message"),
    [
        (200, response(), "answered 200"),
        (101, response()[1:], "Upgrade"),
        (101, [response()[0], response()[2]], "Connection"),
        (101, response()[:2], "Sec-WebSocket-Accept is missing"),
        (101, response(key=generate_key()), "does not match"),
        (101, response(**{"Sec-WebSocket-Protocol": "other"}), "did not offer"),
        (
            101,
            response(**{"Sec-WebSocket-Extensions": "permessage-deflate"}),
            "did not offer",
        ),
    ],
)
def test_client_refuses(
    status: int, headers: list[tuple[str, str]], message: str
) -> None:
    with pytest.raises(HandshakeError, match=message) as info:
        validate_response(status, headers, key=KEY, subprotocols=["chat"])
    assert info.value.status == status


def test_client_refuses_bad_deflate_response_with_status() -> None:
    headers = response(**{"Sec-WebSocket-Extensions": "permessage-deflate; x=1"})
    with pytest.raises(HandshakeError, match="unknown parameter") as info:
        validate_response(101, headers, key=KEY, deflate=DeflateOptions())
    assert info.value.status == 101
