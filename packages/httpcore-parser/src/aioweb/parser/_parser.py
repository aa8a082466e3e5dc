"""The pure-Python request and response parsers.

The state machine they share is in :mod:`._base`; this module holds what
differs: the start line, and how a head becomes a message.
"""

from __future__ import annotations

from collections.abc import Sequence

from multidict import CIMultiDictProxy

from . import _early, _framing
from ._abnf import HTTP_VERSION_RE, REQUEST_LINE_RE, STATUS_LINE_RE
from ._base import Buf, Parser
from ._heads import RawHeaders, RequestHead, ResponseHead
from ._version import HttpVersion, HttpVersion10, HttpVersion11
from .exceptions import (
    BadRequestLine,
    BadStatusLine,
    HttpParserError,
    LineTooLong,
    UnsupportedVersion,
)

__all__ = ("RequestParser", "ResponseParser", "parse_version")

_VERSIONS = {b"HTTP/1.1": HttpVersion11, b"HTTP/1.0": HttpVersion10}


def parse_version(token: bytes, error: type[HttpParserError]) -> HttpVersion:
    """The version of a start line; 505 for a well-formed unsupported one."""
    known = _VERSIONS.get(token)
    if known is not None:
        return known
    match = HTTP_VERSION_RE.fullmatch(token)
    if match is None:  # pragma: no cover - the line regexes admit only this form
        raise error(f"invalid HTTP version {token!r}")
    raise UnsupportedVersion(f"unsupported HTTP version {token.decode('ascii')}")


class RequestParser(Parser):
    """Parses the requests a server receives.

    Args:
        handler: Receives the events; see :class:`ParserHandler`.
        max_line_size: Longest request line in bytes (414 above it).
        max_field_size: Longest field line in bytes (431 above it); also
            bounds a chunk-size line.
        max_headers: Most field lines in the header section (431).
        max_trailer_size: Largest trailer section in bytes (431).
        max_chunk_size_digits: Most hex digits in a chunk size, 1 to 16 (413).
        lenient: Relax the rules listed in the documentation; meant for
            reading traffic from peers known to be sloppy, never for a server
            behind or in front of another HTTP processor.
    """

    __slots__ = ()

    _bad_start = BadRequestLine

    def _line_too_long(self) -> HttpParserError:
        return LineTooLong(
            f"the request line is longer than {self._max_line_size} bytes", status=414
        )

    def _check_start_prefix(self, buf: Buf, pos: int, end: int) -> None:
        # Reject garbage (a TLS handshake, say) before a whole line arrives.
        _early.check_request_line(buf, pos, end)

    def _parse_start_line(self, line: bytes) -> tuple[object, ...]:
        match = REQUEST_LINE_RE.fullmatch(line)
        if match is None:
            _early.check_request_line(line, 0, len(line))  # the precise error
            raise BadRequestLine(f"invalid request line {line[:100]!r}")
        method, target, version = match.groups()
        return (
            method.decode("ascii"),
            target.decode("ascii"),
            parse_version(version, BadRequestLine),
        )

    def _dispatch_head(
        self,
        pos: int,
        raw: RawHeaders,
        headers: CIMultiDictProxy[str],
        cl: Sequence[bytes],
        te: Sequence[bytes],
        conn: Sequence[bytes],
        upgrade: bool,
    ) -> int:
        assert self._start is not None
        method, target, version = self._start
        assert isinstance(method, str) and isinstance(target, str)
        assert isinstance(version, HttpVersion)
        kind, length, close = _framing.request_framing(version, cl, te, self._lenient)
        tokens = _framing.connection_tokens(conn)
        keep_alive = _framing.keep_alive(version, tokens) and not close
        if method == "CONNECT":
            # RFC 9110 §9.3.6: the tunnel starts after the header section.
            upgrade, kind = True, _framing.NO_BODY
        else:
            # RFC 9110 §7.8: Upgrade counts only with the "upgrade" connection
            # option, and is ignored in an HTTP/1.0 request.
            upgrade = upgrade and b"upgrade" in tokens and version == HttpVersion11
        self._keep_alive = keep_alive
        self._upgrade = upgrade
        head = RequestHead(
            method,
            target,
            version,
            headers,
            raw,
            keep_alive,
            upgrade,
            kind == _framing.CHUNKED,
            length,
        )
        self._on_headers_complete(head)
        return self._begin_body(kind, length, pos)


class ResponseParser(Parser):
    """Parses the responses a client receives.

    The framing of a response depends on the request it answers: call
    :meth:`expect_response` with the method of each request sent, in order
    (pipelined requests queue up). Without one, ``GET`` is assumed.

    Args: as for :class:`RequestParser`; ``max_line_size`` bounds the status
    line.
    """

    __slots__ = ()

    _bad_start = BadStatusLine

    def expect_response(self, method: str) -> None:
        """Queue the method of a request whose response is still to come.

        Args:
            method: The request method, e.g. ``"HEAD"`` (no body follows) or
                ``"CONNECT"`` (a 2xx answer hands the connection over).
        """
        if self._next_method is None:
            self._next_method = method
        elif self._more_methods is None:
            self._more_methods = [method]
        else:
            self._more_methods.append(method)

    def _informational_seen(self) -> bool:
        return self._interim

    def _line_too_long(self) -> HttpParserError:
        return LineTooLong(
            f"the status line is longer than {self._max_line_size} bytes", status=400
        )

    def _check_start_prefix(self, buf: Buf, pos: int, end: int) -> None:
        _early.check_status_line(buf, pos, end)

    def _parse_start_line(self, line: bytes) -> tuple[object, ...]:
        match = STATUS_LINE_RE.fullmatch(line)
        if match is None:
            _early.check_status_line(line, 0, len(line))  # the precise error
            raise BadStatusLine(f"invalid status line {line[:100]!r}")
        version, status, reason = match.groups()
        return (
            parse_version(version, BadStatusLine),
            int(status),
            (reason or b"").decode("latin-1"),
        )

    def _dispatch_head(
        self,
        pos: int,
        raw: RawHeaders,
        headers: CIMultiDictProxy[str],
        cl: Sequence[bytes],
        te: Sequence[bytes],
        conn: Sequence[bytes],
        upgrade: bool,
    ) -> int:
        assert self._start is not None
        version, status, reason = self._start
        assert isinstance(version, HttpVersion) and isinstance(status, int)
        assert isinstance(reason, str)
        tokens = _framing.connection_tokens(conn)
        if status < 200 and status != 101:
            # RFC 9110 §15.2: an interim response; the final one follows.
            head = ResponseHead(
                version, status, reason, headers, raw, True, False, False, None
            )
            self._start = None
            self._begun = False
            self._interim = True
            self._handler.on_informational(head)
            return pos
        method = self._next_method
        if method is None:
            method = "GET"
        elif self._more_methods:
            # Pipelined requests: the queue is short, and gone once empty.
            self._next_method = self._more_methods.pop(0)
            if not self._more_methods:
                self._more_methods = None
        else:
            self._next_method = None
        kind, length, close = _framing.response_framing(
            status, method, version, cl, te, self._lenient
        )
        keep_alive = _framing.keep_alive(version, tokens) and not close
        upgrade = status == 101 or (method == "CONNECT" and 200 <= status < 300)
        self._keep_alive = keep_alive
        self._upgrade = upgrade
        self._interim = False
        head = ResponseHead(
            version,
            status,
            reason,
            headers,
            raw,
            keep_alive,
            upgrade,
            kind == _framing.CHUNKED,
            length,
        )
        self._on_headers_complete(head)
        return self._begin_body(kind, length, pos)
