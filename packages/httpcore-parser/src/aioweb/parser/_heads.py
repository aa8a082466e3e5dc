"""Parsed message heads, the pure-Python twin.

The compiled twin defines classes of the same names and attributes in
``_cparser.pyx``; ``aioweb.parser`` exports whichever twin is in use.
"""

from __future__ import annotations

from dataclasses import dataclass

from multidict import CIMultiDictProxy

from ._version import HttpVersion

__all__ = ("RequestHead", "ResponseHead")

RawHeaders = tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True, slots=True)
class RequestHead:
    """The head of a request: request line and header section.

    Attributes:
        method: The method token, case-sensitive (RFC 9110 §9.1).
        target: The request-target exactly as sent (RFC 9112 §3.2).
        version: The HTTP version of the request line.
        headers: The header fields; values decoded as latin-1.
        raw_headers: The header fields as received, name and value bytes.
        keep_alive: Whether the connection may carry another message after
            this one (RFC 9112 §9.3).
        upgrade: Whether the connection is handed over after this message
            (CONNECT, or ``Upgrade`` with ``Connection: upgrade``).
        chunked: Whether the body is chunked (RFC 9112 §7.1).
        content_length: The Content-Length value, or None.
    """

    method: str
    target: str
    version: HttpVersion
    headers: CIMultiDictProxy[str]
    raw_headers: RawHeaders
    keep_alive: bool
    upgrade: bool
    chunked: bool
    content_length: int | None


@dataclass(frozen=True, slots=True)
class ResponseHead:
    """The head of a response: status line and header section.

    Attributes:
        version: The HTTP version of the status line.
        status: The three-digit status code (RFC 9110 §15).
        reason: The reason phrase, decoded as latin-1 (may be empty).
        headers: The header fields; values decoded as latin-1.
        raw_headers: The header fields as received, name and value bytes.
        keep_alive: Whether the connection may carry another message after
            this one (RFC 9112 §9.3); False for a body read until close.
        upgrade: Whether the connection is handed over after this message
            (101, or a 2xx answer to CONNECT).
        chunked: Whether the body is chunked (RFC 9112 §7.1).
        content_length: The Content-Length value, or None.
    """

    version: HttpVersion
    status: int
    reason: str
    headers: CIMultiDictProxy[str]
    raw_headers: RawHeaders
    keep_alive: bool
    upgrade: bool
    chunked: bool
    content_length: int | None
