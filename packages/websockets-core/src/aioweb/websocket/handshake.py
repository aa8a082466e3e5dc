"""The opening handshake (RFC 6455 section 4), on plain header lists.

Headers go in and come out as lists of ``(name, value)`` string pairs, so any
HTTP stack can drive these functions: names compare case-insensitively and a
header may appear on several lines.

Client::

    key = generate_key()
    headers = request_headers(key, subprotocols=["chat"], deflate=DeflateOptions())
    # ... send "GET /path HTTP/1.1", Host and these headers; read the response
    result = validate_response(status, response_headers, key=key,
                               subprotocols=["chat"], deflate=DeflateOptions())
    protocol = WebSocketProtocol(Role.CLIENT, extensions=result.extensions)

Server::

    try:
        result = accept_request("GET", "HTTP/1.1", request_headers,
                                subprotocols=["chat"], deflate=DeflateOptions())
    except HandshakeError as exc:
        ...  # answer exc.status with exc.headers
    # ... send "HTTP/1.1 101 Switching Protocols" and result.headers
    protocol = WebSocketProtocol(Role.SERVER, extensions=result.extensions)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ._extension_header import parse_extensions
from .deflate import DeflateOptions, PerMessageDeflate
from .exceptions import HandshakeError

__all__ = (
    "HandshakeResult",
    "accept_request",
    "compute_accept",
    "generate_key",
    "request_headers",
    "validate_response",
)

#: RFC 6455 section 1.3: the GUID appended to the key before hashing.
_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#: RFC 6455 section 4.1: the only version this protocol speaks.
WEBSOCKET_VERSION = "13"

Headers = Sequence[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class HandshakeResult:
    """What a successful handshake agreed.

    Attributes:
        headers: for a server, the headers of its 101 response; for a client,
            empty.
        subprotocol: the selected subprotocol, or ``None``.
        extensions: the negotiated extensions, ready for
            :class:`~aioweb.websocket.WebSocketProtocol`.
    """

    headers: list[tuple[str, str]] = field(default_factory=list)
    subprotocol: str | None = None
    extensions: list[PerMessageDeflate] = field(default_factory=list)


def generate_key() -> str:
    """A fresh ``Sec-WebSocket-Key``: 16 random bytes, base64 (section 4.1)."""
    return base64.b64encode(os.urandom(16)).decode()


def compute_accept(key: str) -> str:
    """The ``Sec-WebSocket-Accept`` answering ``key`` (RFC 6455 section 4.2.2)."""
    digest = hashlib.sha1((key + _GUID).encode(), usedforsecurity=False).digest()
    return base64.b64encode(digest).decode()


def _values(headers: Headers, name: str) -> list[str]:
    name = name.lower()
    return [value for key, value in headers if key.lower() == name]


def _tokens(headers: Headers, name: str) -> list[str]:
    """The comma-separated tokens of every ``name`` line (RFC 7230 section 7)."""
    return [
        token.strip().lower()
        for value in _values(headers, name)
        for token in value.split(",")
        if token.strip()
    ]


def _single(headers: Headers, name: str, *, status: int = 400) -> str:
    values = _values(headers, name)
    if len(values) != 1:
        state = "missing" if not values else "repeated"
        raise HandshakeError(f"{name} is {state}", status=status)
    return values[0].strip()


def _check_upgrade(headers: Headers, status: int) -> None:
    # RFC 6455 section 4.2.1 items 3 and 4 (and 4.1 for the response).
    if "websocket" not in _tokens(headers, "Upgrade"):
        raise HandshakeError(
            "the Upgrade header does not name websocket", status=status
        )
    if "upgrade" not in _tokens(headers, "Connection"):
        raise HandshakeError(
            "the Connection header lacks the upgrade token", status=status
        )


def request_headers(
    key: str,
    *,
    subprotocols: Iterable[str] = (),
    deflate: DeflateOptions | None = None,
) -> list[tuple[str, str]]:
    """The headers a client adds to its GET to open a WebSocket (section 4.1).

    ``Host`` (and ``Origin`` for a browser-like client) are the caller's.

    Args:
        key: from :func:`generate_key`; keep it to validate the response.
        subprotocols: the subprotocols to offer, preferred first.
        deflate: offer permessage-deflate with these options.
    """
    headers = [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", key),
        ("Sec-WebSocket-Version", WEBSOCKET_VERSION),
    ]
    protocols = list(subprotocols)
    if protocols:
        headers.append(("Sec-WebSocket-Protocol", ", ".join(protocols)))
    if deflate is not None:
        headers.append(("Sec-WebSocket-Extensions", deflate.offer()))
    return headers


def accept_request(
    method: str,
    http_version: str,
    headers: Headers,
    *,
    subprotocols: Iterable[str] = (),
    deflate: DeflateOptions | None = None,
) -> HandshakeResult:
    """Validate a client's opening handshake and make the 101 response headers.

    Args:
        method: the request method; only ``GET`` opens a WebSocket.
        http_version: ``"HTTP/1.1"`` (or later); 1.0 cannot upgrade.
        headers: the request's headers.
        subprotocols: the subprotocols the server speaks; the first one the
            client listed that is among them is selected (as aiohttp does).
        deflate: accept permessage-deflate with these options, or ``None`` to
            decline every extension.

    Returns:
        The response headers (``Upgrade``, ``Connection``,
        ``Sec-WebSocket-Accept`` and what was negotiated), the subprotocol
        and the extensions.

    Raises:
        HandshakeError: the request cannot open a WebSocket. ``status`` is
            400, or 426 with a ``Sec-WebSocket-Version: 13`` header when the
            client asked for another version (section 4.4); 405 for a method
            other than GET.
    """
    if method != "GET":
        raise HandshakeError("a WebSocket opens with a GET request", status=405)
    major, _, minor = http_version.removeprefix("HTTP/").partition(".")
    if not (major.isdigit() and minor.isdigit()) or (int(major), int(minor)) < (1, 1):
        raise HandshakeError(f"{http_version} cannot upgrade to a WebSocket")
    if not _values(headers, "Host"):
        raise HandshakeError("the Host header is missing")  # section 4.2.1 item 2
    _check_upgrade(headers, 400)
    versions = _values(headers, "Sec-WebSocket-Version")
    if [v.strip() for v in versions] != [WEBSOCKET_VERSION]:
        # Section 4.4: answer with the versions we do speak.
        raise HandshakeError(
            "unsupported Sec-WebSocket-Version",
            status=426,
            headers=[("Sec-WebSocket-Version", WEBSOCKET_VERSION)],
        )
    key = _single(headers, "Sec-WebSocket-Key")
    try:
        raw = base64.b64decode(key.encode(), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raw = b""
    if len(raw) != 16:
        # Section 4.2.1 item 5: a base64-encoded 16-byte value.
        raise HandshakeError("Sec-WebSocket-Key is not 16 bytes in base64")
    response = [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Accept", compute_accept(key)),
    ]
    subprotocol = None
    wanted = set(subprotocols)
    for offered in _tokens_keep_case(headers, "Sec-WebSocket-Protocol"):
        if offered in wanted:
            subprotocol = offered
            response.append(("Sec-WebSocket-Protocol", offered))
            break
    extensions: list[PerMessageDeflate] = []
    offers = parse_extensions(_values(headers, "Sec-WebSocket-Extensions"))
    if deflate is not None and offers:
        accepted = deflate.accept_offers(offers)
        if accepted is not None:
            value, extension = accepted
            response.append(("Sec-WebSocket-Extensions", value))
            extensions.append(extension)
    return HandshakeResult(response, subprotocol, extensions)


def _tokens_keep_case(headers: Headers, name: str) -> list[str]:
    # Subprotocol names are case-sensitive tokens (section 4.1, item 10).
    return [
        token.strip()
        for value in _values(headers, name)
        for token in value.split(",")
        if token.strip()
    ]


def validate_response(
    status: int,
    headers: Headers,
    *,
    key: str,
    subprotocols: Iterable[str] = (),
    deflate: DeflateOptions | None = None,
) -> HandshakeResult:
    """Check the server's answer to our opening handshake (section 4.1).

    Args:
        status: the response status code; only 101 opens the WebSocket.
        headers: the response's headers.
        key: the ``Sec-WebSocket-Key`` we sent.
        subprotocols: the subprotocols we offered.
        deflate: the permessage-deflate options we offered, if any.

    Returns:
        The subprotocol and the extensions the server chose (``headers`` is
        empty).

    Raises:
        HandshakeError: the server refused, or answered something RFC 6455
            section 4.1 tells a client to fail on; ``status`` is the
            response's status.
    """
    if status != 101:
        raise HandshakeError(f"the server answered {status}, not 101", status=status)
    _check_upgrade(headers, status)
    accept = _single(headers, "Sec-WebSocket-Accept", status=status)
    if accept != compute_accept(key):
        raise HandshakeError(
            "Sec-WebSocket-Accept does not match our key", status=status
        )
    chosen = _tokens_keep_case(headers, "Sec-WebSocket-Protocol")
    subprotocol = None
    if chosen:
        if len(chosen) != 1 or chosen[0] not in set(subprotocols):
            raise HandshakeError(
                f"the server chose a subprotocol we did not offer: {', '.join(chosen)}",
                status=status,
            )
        subprotocol = chosen[0]
    values = _values(headers, "Sec-WebSocket-Extensions")
    extensions: list[PerMessageDeflate] = []
    if deflate is None:
        if parse_extensions(values):
            raise HandshakeError(
                "the server accepted extensions we did not offer", status=status
            )
    else:
        try:
            extension = deflate.accept_response(values)
        except HandshakeError as exc:
            raise HandshakeError(str(exc), status=status) from exc
        if extension is not None:
            extensions.append(extension)
    return HandshakeResult([], subprotocol, extensions)
