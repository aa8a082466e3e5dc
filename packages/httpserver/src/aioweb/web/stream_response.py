"""The streamed response: :class:`StreamResponse`.

How this works: a handler sets the status and headers, then
:meth:`~StreamResponse.prepare` sends ``on_response_prepare`` (receivers
may still change headers), settles the framing and sends the head;
:meth:`~StreamResponse.write` sends body pieces and
:meth:`~StreamResponse.write_eof` ends the body. Framing (RFC 9112 §6):
a known ``Content-Length`` is kept and enforced by the writer; otherwise an
HTTP/1.1 body is chunked, and an HTTP/1.0 one is read until the connection
closes. A response to ``HEAD``, and a 1xx, 204 or 304 response, has no body
(RFC 9110 §6.4.1): what a handler writes to one is dropped.
"""

from __future__ import annotations

import datetime
import enum
import math
import sys
import time
from collections.abc import Iterator, MutableMapping
from email.utils import formatdate
from http import HTTPStatus
from http.cookies import Morsel
from typing import TYPE_CHECKING, Any, Final

from multidict import CIMultiDict, istr

from aioweb.protocol import (
    ContentEncoder,
    ETag,
    StreamWriter,
    get_encoder,
    make_set_cookie,
    parse_etag,
)

from . import __version__ as _version
from .content_headers import (
    ContentHeadersMixin,
    charset_of,
    content_type_of,
    parse_http_date,
)

if TYPE_CHECKING:
    from .request import BaseRequest

__all__ = ("ContentCoding", "StreamResponse", "SERVER_SOFTWARE")

#: The default ``Server`` header.
SERVER_SOFTWARE: Final = (
    f"Python/{sys.version_info[0]}.{sys.version_info[1]} aioweb/{_version}"
)

_NO_BODY_STATUSES: Final = frozenset({204, 304})
_COOKIE_EPOCH: Final = "Thu, 01 Jan 1970 00:00:00 GMT"


class ContentCoding(enum.Enum):
    """The codings :meth:`StreamResponse.enable_compression` chooses from,
    in order of preference (as in aiohttp)."""

    deflate = "deflate"
    gzip = "gzip"
    identity = "identity"


class _DateCache:
    """The ``Date`` value, formatted once a second (RFC 9110 §6.6.1)."""

    __slots__ = ("_second", "_value")

    def __init__(self) -> None:
        self._second = -1
        self._value = ""

    def now(self) -> str:
        second = int(time.time())
        if second != self._second:
            self._second = second
            self._value = formatdate(second, usegmt=True)
        return self._value


_DATE: Final = _DateCache()


_REASONS: Final = {int(status): status.phrase for status in HTTPStatus}


def _reason_for(status: int) -> str:
    return _REASONS.get(status, "")


def _accepts(accept_encoding: str, coding: str) -> bool:
    """Whether ``Accept-Encoding`` allows ``coding`` (RFC 9110 §12.5.3)."""
    for item in accept_encoding.lower().split(","):
        name, *params = item.split(";")
        if name.strip() != coding:
            continue
        for param in params:
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    return float(value) > 0
                except ValueError:
                    return False
        return True
    return False


class StreamResponse(MutableMapping[Any, Any], ContentHeadersMixin):
    """A response whose body the handler writes piece by piece.

    Args:
        status: the status code.
        reason: the reason phrase; the status's standard one by default.
        headers: initial headers.
    """

    # One response is made per request: the attributes that start out the
    # same for every response are class defaults, set on the instance only
    # when they change.
    _chunked: bool = False
    _compression: bool = False
    _compression_force: ContentCoding | None = None
    _compression_strategy: int | None = None
    _encoder: ContentEncoder | None = None
    _keep_alive: bool | None = None
    _req: BaseRequest | None = None
    _payload_writer: StreamWriter | None = None
    _eof_sent: bool = False
    _must_be_empty_body: bool = False
    _body_length: int = 0

    def __init__(
        self,
        *,
        status: int = 200,
        reason: str | None = None,
        headers: Any = None,
    ) -> None:
        self._headers: CIMultiDict[str] = (
            CIMultiDict() if headers is None else CIMultiDict(headers)
        )
        self._cookies: dict[str, Morsel[str]] = {}
        self._state: dict[Any, Any] = {}
        if reason is None and type(status) is int and 100 <= status <= 999:
            self._status = status
            self._reason = _REASONS.get(status, "")
        else:
            self.set_status(status, reason)

    # -- status -------------------------------------------------------------

    @property
    def prepared(self) -> bool:
        """Whether the head was sent (or the body ended)."""
        return self._eof_sent or self._payload_writer is not None

    @property
    def task(self) -> Any:
        """The task handling the request, once prepared."""
        return None if self._req is None else self._req.task

    @property
    def status(self) -> int:
        """The status code."""
        return self._status

    @property
    def reason(self) -> str:
        """The reason phrase."""
        return self._reason

    def set_status(self, status: int, reason: str | None = None) -> None:
        """Change the status (and reason) before the head is sent.

        Raises:
            RuntimeError: the response is already prepared.
            ValueError: the status is not a three-digit code, or the reason
                holds CR or LF.
        """
        if self._eof_sent or self._payload_writer is not None:
            raise RuntimeError(
                "Cannot change the response status code after the headers have "
                "been sent"
            )
        status = int(status)
        if not 100 <= status <= 999:
            raise ValueError(f"status must be a three-digit code, not {status}")
        if reason is None:
            reason = _reason_for(status)
        elif "\r" in reason or "\n" in reason:
            raise ValueError("Reason cannot contain \\r or \\n")
        self._status = status
        self._reason = reason

    # -- connection -----------------------------------------------------------

    @property
    def keep_alive(self) -> bool | None:
        """Whether the connection stays open after this response (None: as
        the request allows)."""
        return self._keep_alive

    def force_close(self) -> None:
        """Close the connection after this response."""
        self._keep_alive = False

    @property
    def body_length(self) -> int:
        """Bytes sent for this response, head included, once it ended."""
        return self._body_length

    @property
    def chunked(self) -> bool:
        """Whether the body is sent chunked."""
        return self._chunked

    @property
    def compression(self) -> bool:
        """Whether compression was enabled."""
        return self._compression

    def enable_chunked_encoding(self) -> None:
        """Send the body chunked (RFC 9112 §7.1).

        Raises:
            RuntimeError: a Content-Length is set.
        """
        if "Content-Length" in self._headers:
            raise RuntimeError(
                "You can't enable chunked encoding when a content length is set"
            )
        self._chunked = True

    def enable_compression(
        self,
        force: ContentCoding | bool | None = None,
        strategy: int | None = None,
    ) -> None:
        """Compress the body with a coding the client accepts.

        Args:
            force: a coding to use regardless of ``Accept-Encoding``; None
                chooses from it (deflate, then gzip).
            strategy: a zlib strategy (``zlib.Z_DEFAULT_STRATEGY`` when None).
        """
        if isinstance(force, bool):  # aiohttp 2.x spelling: True means deflate
            force = ContentCoding.deflate if force else ContentCoding.identity
        self._compression = True
        self._compression_force = force
        self._compression_strategy = strategy

    # -- headers --------------------------------------------------------------

    @property
    def headers(self) -> CIMultiDict[str]:
        """The header fields to send."""
        return self._headers

    @property
    def cookies(self) -> dict[str, Morsel[str]]:
        """The cookies to set, by name."""
        return self._cookies

    def set_cookie(
        self,
        name: str,
        value: str,
        *,
        expires: str | None = None,
        domain: str | None = None,
        max_age: int | str | None = None,
        path: str = "/",
        secure: bool | None = None,
        httponly: bool | None = None,
        samesite: str | None = None,
        partitioned: bool | None = None,
    ) -> None:
        """Set a cookie (one ``Set-Cookie`` field per name).

        Raises:
            ValueError: a malformed name, or an attribute that would inject
                into the header.
        """
        self._cookies[name] = make_set_cookie(
            name,
            value,
            expires=expires,
            domain=domain,
            max_age=max_age,
            path=path,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
            partitioned=partitioned,
        )

    def del_cookie(
        self,
        name: str,
        *,
        domain: str | None = None,
        path: str = "/",
        secure: bool | None = None,
        httponly: bool | None = None,
        samesite: str | None = None,
    ) -> None:
        """Tell the client to drop a cookie (an expired, empty one)."""
        self._cookies.pop(name, None)
        self.set_cookie(
            name,
            "",
            max_age=0,
            expires=_COOKIE_EPOCH,
            domain=domain,
            path=path,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
        )

    @property
    def content_length(self) -> int | None:
        """The Content-Length header; None when absent."""
        raw = self._headers.get("Content-Length")
        return None if raw is None else int(raw)

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        if value is None:
            self._headers.pop("Content-Length", None)
            return
        value = int(value)
        if value < 0:
            raise ValueError("Content-Length cannot be negative")
        if self._chunked:
            raise RuntimeError(
                "You can't set content length when chunked encoding is enable"
            )
        self._headers["Content-Length"] = str(value)

    @property
    def content_type(self) -> str:
        """The media type, without parameters (``application/octet-stream``
        when unset)."""
        return content_type_of(self._headers)

    @content_type.setter
    def content_type(self, value: str) -> None:
        charset = self.charset
        self._headers["Content-Type"] = (
            f"{value}; charset={charset}" if charset else str(value)
        )

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of Content-Type, if any."""
        return charset_of(self._headers)

    @charset.setter
    def charset(self, value: str | None) -> None:
        content_type = self.content_type
        if content_type == "application/octet-stream":
            raise RuntimeError(
                "Setting charset for application/octet-stream doesn't make sense, "
                "setting content_type first"
            )
        if value is None:
            self._headers["Content-Type"] = content_type
        else:
            self._headers["Content-Type"] = f"{content_type}; charset={value.lower()}"

    @property
    def last_modified(self) -> datetime.datetime | None:
        """``Last-Modified`` as a UTC datetime; set from a datetime, a Unix
        time or a string."""
        return parse_http_date(self._headers.get("Last-Modified"))

    @last_modified.setter
    def last_modified(self, value: datetime.datetime | float | str | None) -> None:
        if value is None:
            self._headers.pop("Last-Modified", None)
        elif isinstance(value, (int, float)):
            self._headers["Last-Modified"] = formatdate(math.ceil(value), usegmt=True)
        elif isinstance(value, datetime.datetime):
            self._headers["Last-Modified"] = formatdate(value.timestamp(), usegmt=True)
        elif isinstance(value, str):
            self._headers["Last-Modified"] = value
        else:
            raise TypeError(f"Unsupported type for last_modified: {type(value)}")

    @property
    def etag(self) -> ETag | None:
        """The ``ETag``; set from an :class:`~aioweb.protocol.ETag` or a value
        (``"*"`` is not allowed, RFC 9110 §8.8.3)."""
        value = self._headers.get("ETag")
        if value is None:
            return None
        try:
            return parse_etag(value)
        except ValueError:
            return None

    @etag.setter
    def etag(self, value: ETag | str | None) -> None:
        if value is None:
            self._headers.pop("ETag", None)
            return
        if isinstance(value, str):
            value = ETag(value)
        if value.is_any:
            raise ValueError("ETag cannot be '*'")
        self._headers["ETag"] = str(value)

    # -- sending --------------------------------------------------------------

    async def prepare(self, request: BaseRequest) -> StreamWriter | None:
        """Send ``on_response_prepare``, then the head; once only.

        Returns:
            The writer, or None if the body was already ended.
        """
        if self._eof_sent:
            return None
        if self._payload_writer is not None:
            return self._payload_writer
        self._must_be_empty_body = request._method == "HEAD" or (
            self._status < 200 or self._status in _NO_BODY_STATUSES
        )
        await request._prepare_hook(self)
        return await self._start(request)

    def _send_at_once(self, request: BaseRequest) -> bool:
        """Send the whole response now, without awaiting, if it can be.

        The server tries this first for a response its handler returned
        unprepared; :class:`~aioweb.web.Response` sends its head and a bytes
        body in one write here. False means "prepare it and write the body
        the usual way".
        """
        return False

    async def _start(self, request: BaseRequest) -> StreamWriter:
        self._req = request
        request._response_started = True
        writer = self._payload_writer = request._payload_writer
        self._prepare_headers()
        version = request._message.version
        status_line = f"HTTP/{version[0]}.{version[1]} {self._status} {self._reason}"
        await writer.write_headers(status_line, self._headers)
        return writer

    def _prepare_headers(self) -> None:
        request = self._req
        writer = self._payload_writer
        assert request is not None and writer is not None
        headers = self._headers
        if self._keep_alive is None:
            self._keep_alive = request.keep_alive
        elif self._keep_alive and not request.keep_alive:
            self._keep_alive = False
        version = request._message.version
        for cookie in self._cookies.values():
            headers.add("Set-Cookie", cookie.OutputString())
        if self._compression:
            self._start_compression(request)
        if self._must_be_empty_body:
            # RFC 9110 §8.6: no Content-Length in a 1xx or 204; a HEAD or 304
            # answer may keep the one a GET would have had.
            if self._status < 200 or self._status == 204:
                headers.popall("Content-Length", None)
            headers.popall("Transfer-Encoding", None)
        elif self._chunked:
            if version != (1, 1):
                raise RuntimeError(
                    f"Using chunked encoding is forbidden for HTTP/{version[0]}."
                    f"{version[1]}"
                )
            headers["Transfer-Encoding"] = "chunked"
            headers.popall("Content-Length", None)
            writer.enable_chunking()
        else:
            raw_length = headers.get("Content-Length")
            if raw_length is not None:
                writer.length = int(raw_length)
            elif version >= (1, 1):
                self._chunked = True
                headers["Transfer-Encoding"] = "chunked"
                writer.enable_chunking()
            else:
                # An HTTP/1.0 body of unknown length ends with the connection.
                self._keep_alive = False
        if not self._must_be_empty_body or self._status >= 200:
            headers.setdefault("Content-Type", "application/octet-stream")
        headers.setdefault("Date", _DATE.now())
        headers.setdefault("Server", SERVER_SOFTWARE)
        if "Connection" not in headers:
            if self._keep_alive:
                if version == (1, 0):
                    headers["Connection"] = "keep-alive"
            elif version == (1, 1):
                headers["Connection"] = "close"

    def _start_compression(self, request: BaseRequest) -> None:
        coding = self._compression_force
        if coding is None:
            accept = request.headers.get("Accept-Encoding", "")
            for candidate in ContentCoding:
                if candidate.value != "identity" and _accepts(accept, candidate.value):
                    coding = candidate
                    break
        if coding is None or coding is ContentCoding.identity:
            return
        self._headers["Content-Encoding"] = coding.value
        self._headers.popall("Content-Length", None)
        self._encoder = get_encoder(coding.value, strategy=self._compression_strategy)
        # RFC 9110 §12.5.5: the response varies with Accept-Encoding.
        vary = self._headers.get("Vary", "")
        if "accept-encoding" not in vary.lower():
            self._headers["Vary"] = (
                f"{vary}, Accept-Encoding" if vary else istr("Accept-Encoding")
            )

    async def write(self, data: bytes | bytearray | memoryview) -> None:
        """Send a piece of the body.

        Raises:
            RuntimeError: not prepared yet, or the body already ended.
            TypeError: ``data`` is not bytes-like.
        """
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data argument must be byte-ish ({type(data)!r})")
        if self._eof_sent:
            raise RuntimeError("Cannot call write() after write_eof()")
        writer = self._payload_writer
        if writer is None:
            raise RuntimeError("Cannot call write() before prepare()")
        if self._must_be_empty_body:
            return
        if self._encoder is not None:
            data = self._encoder.compress(bytes(data))
            if not data:
                return
        await writer.write(data)

    async def drain(self) -> None:
        """Wait until the connection's buffer has room."""
        assert self._payload_writer is not None, "response has not been started"
        await self._payload_writer.drain()

    async def write_eof(self, data: bytes = b"") -> None:
        """End the body, sending ``data`` last; later calls do nothing.

        Raises:
            RuntimeError: not prepared yet.
        """
        if self._eof_sent:
            return
        writer = self._payload_writer
        if writer is None:
            raise RuntimeError("Response has not been started")
        if self._must_be_empty_body:
            writer.send_headers()
            writer.set_eof()
            await writer.drain()
        else:
            if self._encoder is not None:
                data = self._encoder.compress(bytes(data)) + self._encoder.flush()
            await writer.write_eof(data)
        self._eof_sent = True
        self._req = None
        self._body_length = writer.output_size
        self._payload_writer = None

    # -- state ----------------------------------------------------------------

    def __getitem__(self, key: Any) -> Any:
        return self._state[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._state[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._state[key]

    def __len__(self) -> int:
        return len(self._state)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._state)

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        if self._eof_sent:
            info = "eof"
        elif self.prepared:
            assert self._req is not None
            info = f"{self._req.method} {self._req.path} "
        else:
            info = "not prepared"
        return f"<{type(self).__name__} {self._reason} {info}>"
