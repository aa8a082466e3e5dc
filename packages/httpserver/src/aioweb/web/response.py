"""The response with a body known in advance: :class:`Response` and
:func:`json_response`.

The body is bytes or a :class:`~aioweb.protocol.Payload` (a file, an async
iterable, JSON...). Bytes go out with a ``Content-Length``; a payload of
unknown size is chunked. With compression enabled, a bytes body is
compressed whole before the head is sent, so the ``Content-Length`` is the
compressed size (in a thread when larger than ``zlib_executor_size``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any, Final

from aioweb.protocol import PAYLOAD_REGISTRY, Payload, StreamWriter, serialize_head

from .stream_response import _DATE, _NO_BODY_STATUSES, StreamResponse

if TYPE_CHECKING:
    from .request import BaseRequest

__all__ = ("Response", "json_response")

_Sentinel: Final[Any] = object()

#: Heads of responses whose only field before sending was Content-Type (or
#: none): (version, status, reason, Content-Type, length, keep-alive, Date)
#: to the head's bytes and the fields the server added. Only Date changes
#: from second to second, so a handful of keys serve most answers.
_PLAIN_HEADS: Final[
    dict[tuple[Any, ...], tuple[bytes, tuple[tuple[str, str], ...]]]
] = {}
_PLAIN_HEADS_CACHED: Final = 64
#: content_type -> "content_type; charset=utf-8", for text given a type.
_UTF8_TYPES: Final[dict[str, str]] = {}
#: json.dumps's own settings (all defaults): what json_response sends.
_JSON: Final = json.JSONEncoder()


class Response(StreamResponse):
    """A response whose whole body is given up front.

    Args:
        body: bytes, or anything the payload registry turns into a
            :class:`~aioweb.protocol.Payload`.
        status: the status code.
        reason: the reason phrase.
        text: the body as text (exclusive with ``body``).
        headers: initial headers.
        content_type: the media type; ``text/plain`` with ``text``.
        charset: the charset of ``text``; ``utf-8`` by default.
        zlib_executor_size: compress bodies larger than this in a thread.
        zlib_executor: the executor for that (the loop's default if None).

    Raises:
        ValueError: ``body`` with ``text``; ``content_type`` or ``charset``
            with a Content-Type in ``headers``; ``charset`` in
            ``content_type`` and as an argument.
        TypeError: ``text`` is not a ``str``.
    """

    _body: bytes | Payload | None = None
    _compressed_body: bytes | None = None
    _zlib_executor_size: int | None = None
    _zlib_executor: Executor | None = None

    def __init__(
        self,
        *,
        body: Any = None,
        status: int = 200,
        reason: str | None = None,
        text: str | None = None,
        headers: Any = None,
        content_type: str | None = None,
        charset: str | None = None,
        zlib_executor_size: int | None = None,
        zlib_executor: Executor | None = None,
    ) -> None:
        if body is not None and text is not None:
            raise ValueError("body and text are not allowed together")
        super().__init__(status=status, reason=reason, headers=headers)
        real = self._headers
        if (content_type or charset) and "Content-Type" in real:
            raise ValueError(
                "passing both Content-Type header and content_type or charset "
                "params is forbidden"
            )
        if content_type is not None and "charset" in content_type and charset:
            raise ValueError("charset must not be in content_type argument")
        if zlib_executor_size is not None:
            self._zlib_executor_size = zlib_executor_size
        if zlib_executor is not None:
            self._zlib_executor = zlib_executor
        if text is not None:
            if not isinstance(text, str):
                raise TypeError(f"text argument must be str ({type(text)!r})")
            if "Content-Type" not in real:
                if content_type is None and charset is None:
                    real["Content-Type"] = "text/plain; charset=utf-8"
                    body = text.encode()
                elif charset is None and content_type:
                    # The common content_type="..." alone: UTF-8, and the
                    # same field value object each time (its hash is kept).
                    value = _UTF8_TYPES.get(content_type)
                    if value is None:
                        if len(_UTF8_TYPES) >= 64:
                            _UTF8_TYPES.clear()
                        value = _UTF8_TYPES[content_type] = (
                            f"{content_type}; charset=utf-8"
                        )
                    real["Content-Type"] = value
                    body = text.encode()
                else:
                    content_type = content_type or "text/plain"
                    charset = charset or "utf-8"
                    real["Content-Type"] = f"{content_type}; charset={charset}"
                    # The codec looked up by name costs more than the default.
                    body = text.encode() if charset == "utf-8" else text.encode(charset)
            else:
                body = text.encode(self.charset or "utf-8")
        elif content_type is not None or charset is not None:
            content_type = content_type or "application/octet-stream"
            real["Content-Type"] = (
                f"{content_type}; charset={charset}" if charset else content_type
            )
        if body is None or type(body) is bytes:
            self._body = body  # what the setter would do, without its checks
        else:
            self.body = body

    @property
    def body(self) -> bytes | Payload | None:
        """The body: bytes, a payload, or None."""
        return self._body

    @body.setter
    def body(self, body: Any) -> None:
        if body is None:
            self._body = None
        elif isinstance(body, (bytes, bytearray)):
            self._body = bytes(body)
        else:
            try:
                payload = PAYLOAD_REGISTRY.get(body)
            except LookupError as exc:
                raise ValueError(f"Unsupported body type {type(body)!r}") from exc
            self._body = payload
            if "Content-Type" not in self._headers:
                self._headers["Content-Type"] = payload.content_type
            for name, value in payload.headers.items():
                if name.lower() != "content-type":
                    self._headers.setdefault(name, value)
        self._compressed_body = None

    @property
    def text(self) -> str | None:
        """The body decoded with its charset (UTF-8 by default)."""
        body = self._body
        if body is None:
            return None
        if isinstance(body, Payload):
            return body.decode(self.charset or "utf-8")
        return body.decode(self.charset or "utf-8")

    @text.setter
    def text(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"text argument must be str ({type(text)!r})")
        if self.content_type == "application/octet-stream":
            self.content_type = "text/plain"
        if self.charset is None:
            self.charset = "utf-8"
        self._body = text.encode(self.charset or "utf-8")
        self._compressed_body = None

    @property
    def content_length(self) -> int | None:
        """The Content-Length the response will send."""
        if self._chunked:
            return None
        if "Content-Length" in self._headers:
            return int(self._headers["Content-Length"])
        if self._compressed_body is not None:
            return len(self._compressed_body)
        body = self._body
        if isinstance(body, Payload):
            return body.size
        if body is not None:
            return len(body)
        return 0

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        raise RuntimeError("Content length is set automatically")

    async def _start(self, request: BaseRequest) -> StreamWriter:
        if self._compression and isinstance(self._body, bytes):
            await self._compress_body(request)
        elif not self._chunked and "Content-Length" not in self._headers:
            body = self._body
            size = (
                len(body)
                if isinstance(body, bytes)
                else 0
                if body is None
                else body.size
            )
            if size is not None and not (
                self._must_be_empty_body and (self._status < 200 or self._status == 204)
            ):
                self._headers["Content-Length"] = str(size)
        return await super()._start(request)

    def _send_at_once(self, request: BaseRequest) -> bool:
        # The common answer (a bytes body or none, nothing to compress, no
        # on_response_prepare receiver to await) leaves in one write, without
        # the coroutines of prepare() and write_eof(). A subclass may
        # override those, so only this very class takes the shortcut.
        body = self._body
        if (
            type(self) is not Response
            or self._compression
            or self._chunked
            or self._eof_sent
            or self._payload_writer is not None
            or not (body is None or type(body) is bytes)
            or request._has_prepare_receivers()
        ):
            return False
        status = self._status
        empty = self._must_be_empty_body = request._method == "HEAD" or (
            status < 200 or status in _NO_BODY_STATUSES
        )
        headers = self._headers
        writer = request._payload_writer
        count = len(headers)
        if count < 2 and not empty and not self._cookies:
            # Only Content-Type set, or nothing: what the server adds and the
            # head it makes depend on the key below alone, so both were made
            # once (by the general code that follows) and are reused.
            content_type = headers.get("Content-Type")
            if content_type is not None or not count:
                message = request._message
                keep_alive = self._keep_alive
                if keep_alive is None:
                    keep_alive = self._keep_alive = message.keep_alive
                elif keep_alive and not message.keep_alive:
                    keep_alive = self._keep_alive = False
                length = 0 if body is None else len(body)
                key = (
                    message.version,
                    status,
                    self._reason,
                    content_type,
                    length,
                    keep_alive,
                    _DATE.now(),
                )
                known = _PLAIN_HEADS.get(key)
                if known is not None:
                    self._req = request
                    request._response_started = True
                    self._payload_writer = writer
                    headers.extend(known[1])
                    writer.length = length
                    writer.write_message(known[0], body or b"")
                    self._eof_sent = True
                    self._req = None
                    self._body_length = writer.output_size
                    self._payload_writer = None
                    return True
                return self._send_whole(request, writer, body, key, count)
        if "Content-Length" in headers:
            return False  # set by hand: the writer checks the body against it
        return self._send_whole(request, writer, body, None, count)

    def _send_whole(
        self,
        request: BaseRequest,
        writer: StreamWriter,
        body: bytes | None,
        key: tuple[Any, ...] | None,
        count: int,
    ) -> bool:
        # The general one-write path; with a key, the fields it adds and the
        # head are kept for the next response of the same key.
        status = self._status
        empty = self._must_be_empty_body
        headers = self._headers
        if not (empty and (status < 200 or status == 204)):
            headers["Content-Length"] = str(0 if body is None else len(body))
        self._req = request
        request._response_started = True
        self._payload_writer = writer
        self._prepare_headers()
        version = request._message.version
        head = serialize_head(
            f"HTTP/{version[0]}.{version[1]} {status} {self._reason}",
            headers.items(),
        )
        if key is not None and headers.get("Date") == key[-1]:
            if len(_PLAIN_HEADS) >= _PLAIN_HEADS_CACHED:
                _PLAIN_HEADS.clear()
            _PLAIN_HEADS[key] = (head, tuple(headers.items())[count:])
        writer.write_message(head, b"" if empty or body is None else body)
        self._eof_sent = True
        self._req = None
        self._body_length = writer.output_size
        self._payload_writer = None
        return True

    async def _compress_body(self, request: BaseRequest) -> None:
        self._start_compression(request)
        encoder, self._encoder = self._encoder, None
        self._compression = False  # done here, not again while streaming
        body = self._body
        assert isinstance(body, bytes)
        if encoder is None:
            self._headers["Content-Length"] = str(len(body))
            return

        def compress() -> bytes:
            return encoder.compress(body) + encoder.flush()

        if self._zlib_executor_size is not None and len(body) > (
            self._zlib_executor_size
        ):
            loop = asyncio.get_running_loop()
            compressed = await loop.run_in_executor(self._zlib_executor, compress)
        else:
            compressed = compress()
        self._compressed_body = compressed
        self._headers["Content-Length"] = str(len(compressed))

    async def write_eof(self, data: bytes = b"") -> None:
        """Send the body and end the response."""
        if self._eof_sent:
            return
        body = (
            self._compressed_body if self._compressed_body is not None else (self._body)
        )
        if self._must_be_empty_body or body is None:
            await super().write_eof()
        elif isinstance(body, Payload):
            writer = self._payload_writer
            assert writer is not None
            try:
                await body.write(_ResponseBodyWriter(self))
            finally:
                await body.close()
            await super().write_eof()
        else:
            await super().write_eof(body)


class _ResponseBodyWriter:
    """Lets a payload write through the response (coding, framing)."""

    __slots__ = ("_response",)

    def __init__(self, response: StreamResponse) -> None:
        self._response = response

    async def write(self, chunk: bytes) -> None:
        await self._response.write(chunk)


def json_response(
    data: Any = _Sentinel,
    *,
    text: str | None = None,
    body: bytes | None = None,
    status: int = 200,
    reason: str | None = None,
    headers: Any = None,
    content_type: str = "application/json",
    dumps: Callable[[Any], str] = json.dumps,
) -> Response:
    """A :class:`Response` with ``data`` serialised by ``dumps``.

    Raises:
        ValueError: ``data`` together with ``text`` or ``body``.
    """
    if data is not _Sentinel:
        if text or body:
            raise ValueError("only one of data, text, or body should be specified")
        # The same text as json.dumps, without its frame and keyword checks.
        text = _JSON.encode(data) if dumps is json.dumps else dumps(data)
    return Response(
        text=text,
        body=body,
        status=status,
        reason=reason,
        headers=headers,
        content_type=content_type,
    )
