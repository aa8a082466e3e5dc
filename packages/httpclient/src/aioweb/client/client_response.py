"""The response as the caller sees it: :class:`ClientResponse`.

How this works: :meth:`ClientResponse.start` waits for the head on the
connection and fills in status, reason, headers and cookies; the body
stays on the connection as :attr:`ClientResponse.content`, a
:class:`~aioweb.protocol.StreamReader` that the caller reads at its pace.
When the body ends the connection goes back to the pool at once; a body
left unread when the response is released makes the connection unusable,
so it is closed instead.

Charset: the ``charset`` of Content-Type when it names a codec Python
knows; UTF-8 for JSON (RFC 8259 §8.1); otherwise the session's
``fallback_charset_resolver`` decides (UTF-8 by default), so no heavy
detection library is needed.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import json
from collections.abc import Callable, Iterator
from http.cookies import SimpleCookie
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy
from yarl import URL

# Spelled in full in annotations: the name alone is ambiguous in the docs.
import aioweb.protocol
from aioweb.protocol import (
    EMPTY_PAYLOAD,
    PayloadError,
    StreamReader,
    content_disposition_filename,
    hdrs,
    parse_content_disposition,
    parse_mimetype,
    parse_set_cookie_headers,
)

from .exceptions import (
    ClientConnectionError,
    ClientPayloadError,
    ClientResponseError,
    ContentTypeError,
)
from .response_handler import HeadError

if TYPE_CHECKING:
    from aioweb.parser import ResponseHead

    from .client_request import ClientRequest
    from .connection import Connection
    from .request_info import RequestInfo
    from .tracing import Trace

__all__ = ("ClientResponse", "ContentDisposition")

_JSON_TYPES = ("application/json",)


class ContentDisposition(NamedTuple):
    """A parsed Content-Disposition: its type, parameters and file name."""

    type: str | None
    parameters: MappingProxyType[str, str]
    filename: str | None


def _default_fallback(response: ClientResponse, body: bytes) -> str:
    return "utf-8"


_NO_HEADERS: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict())


class ClientResponse:
    """A response to a request sent by a session.

    Made by :meth:`ClientRequest.send`; not meant to be built by hand.
    """

    # Slots: a response in flight is one of many (see ClientRequest). A
    # subclass gets a dict of its own.
    __slots__ = (
        "__weakref__",
        "_body",
        "_closed",
        "_connection",
        "_continue",
        "_cookies",
        "_headers",
        "_history",
        "_loop",
        "_raw_headers",
        "_real_url",
        "_released",
        "_request",
        "_request_info",
        "_resolve_charset",
        "_session",
        "_timer",
        "_traces",
        "_url",
        "_writer",
        "content",
        "method",
        "reason",
        "status",
        "version",
    )

    version: aioweb.protocol.HttpVersion | None
    status: int
    reason: str | None
    content: StreamReader

    def __init__(
        self,
        method: str,
        url: URL,
        *,
        writer: asyncio.Task[None] | None,
        continue100: asyncio.Future[bool] | None,
        timer: Any,
        request_info: RequestInfo | None,
        traces: Any,
        loop: asyncio.AbstractEventLoop,
        session: Any,
        request: ClientRequest | None = None,
    ) -> None:
        self._init(
            method,
            url,
            writer,
            continue100,
            timer,
            request_info,
            traces,
            loop,
            session,
            request,
        )

    def _init(
        self,
        method: str,
        url: URL,
        writer: asyncio.Task[None] | None,
        continue100: asyncio.Future[bool] | None,
        timer: Any,
        request_info: RequestInfo | None,
        traces: Any,
        loop: asyncio.AbstractEventLoop,
        session: Any,
        request: ClientRequest | None,
    ) -> None:
        # The constructor's body, its arguments by position: a request
        # making this exact class calls it directly (see ClientRequest._init).
        self.version = None
        self.status = None  # type: ignore[assignment]  # until the head came
        self.reason = None
        self.content = EMPTY_PAYLOAD
        self._body: bytes | None = None
        self._headers: CIMultiDictProxy[str] = _NO_HEADERS
        self._raw_headers: tuple[tuple[bytes, bytes], ...] = ()
        self.method = method
        self._real_url = url
        self._url = url.with_fragment(None) if url.raw_fragment else url
        self._writer = writer
        self._continue = continue100
        # The session's ``total`` timer; none when made outside a session.
        self._timer = timer if timer is not None else contextlib.nullcontext()
        # Made from ``request`` when first asked for: most responses never are.
        self._request_info = request_info
        self._request = request
        self._traces: tuple[Trace, ...] = tuple(traces) if traces else ()
        self._loop = loop
        self._session = session
        self._history: tuple[ClientResponse, ...] = ()
        self._connection: Connection | None = None
        self._closed = True
        self._released = False
        self._cookies: SimpleCookie | None = None
        self._resolve_charset: Callable[[ClientResponse, bytes], str] = (
            session._resolve_charset if session is not None else _default_fallback
        )
        if writer is not None:
            writer.add_done_callback(self._writer_done)

    # -- starting -------------------------------------------------------------

    async def start(self, connection: Connection) -> ClientResponse:
        """Wait for the head of the response on ``connection``.

        Raises:
            ClientResponseError: the head is malformed (``status`` is the
                parser's hint, 400 for a bad status line).
            ServerDisconnectedError: the connection closed first.
        """
        with self._timer:
            return await self._start(connection)

    async def _start(self, connection: Connection) -> ClientResponse:
        # start() without its timer: a session calls this inside the
        # request's own total timer (and inlines it: _begin, the head, _got_head).
        waiter = self._begin(connection)
        try:
            head, payload = await waiter
        except BaseException as exc:
            self._head_failed(exc)
        self._got_head(head, payload)
        return self

    def _begin(
        self, connection: Connection
    ) -> asyncio.Future[tuple[ResponseHead, StreamReader]]:
        """Take ``connection``; the future of the head to await."""
        self._closed = False
        self._connection = connection
        protocol = connection._protocol
        assert protocol is not None
        return protocol.read_head()

    def _head_failed(self, exc: BaseException) -> NoReturn:
        """Raise what waiting for the head raised, a malformed head translated."""
        if isinstance(exc, HeadError):
            raise ClientResponseError(
                self.request_info,
                self._history,
                status=exc.error.status,
                message=exc.error.message,
            ) from exc.error
        self._closed = True
        raise exc

    def _got_head(self, head: ResponseHead, payload: StreamReader) -> None:
        """The head arrived: keep it, and give the connection back at the body's end."""
        self.version = head.version
        self.status = head.status
        self.reason = head.reason
        self._headers = head.headers
        self._raw_headers = tuple(head.raw_headers)
        self.content = payload
        if hdrs.SET_COOKIE in self._headers:
            cookies = self.cookies
            for name, morsel in parse_set_cookie_headers(
                self._headers.getall(hdrs.SET_COOKIE)
            ):
                cookies[name] = morsel
        if payload.is_eof() or payload is EMPTY_PAYLOAD or self.method == "HEAD":
            self._response_eof()
        else:
            payload.on_eof(self._response_eof)

    def _response_eof(self) -> None:
        if self._closed:
            return
        connection = self._connection
        protocol = connection._protocol if connection is not None else None
        if protocol is not None and protocol.upgraded_tail is not None:
            return  # the connection is taken over (WebSocket, tunnel)
        self._closed = True
        self._release_connection()

    def _writer_done(self, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None and self.content is not EMPTY_PAYLOAD:
            self.content.set_exception(exc)

    # -- attributes -----------------------------------------------------------

    @property
    def url(self) -> URL:
        """The URL requested (for the last response of redirects, the last)."""
        return self._url

    @property
    def real_url(self) -> URL:
        """The URL requested, fragment included."""
        return self._real_url

    @property
    def host(self) -> str:
        """The host requested."""
        return self._url.host or ""

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        """The response's header fields."""
        return self._headers

    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        """The header fields as received."""
        return self._raw_headers

    @property
    def request_info(self) -> RequestInfo:
        """The request this answers."""
        info = self._request_info
        if info is None:
            assert self._request is not None, "made without a request"
            info = self._request_info = self._request.request_info
            self._request = None
        return info

    @property
    def cookies(self) -> SimpleCookie:
        """The cookies the response set (its ``Set-Cookie`` fields)."""
        cookies = self._cookies
        if cookies is None:
            cookies = self._cookies = SimpleCookie()
        return cookies

    @cookies.setter
    def cookies(self, value: SimpleCookie) -> None:
        self._cookies = value

    @property
    def history(self) -> tuple[ClientResponse, ...]:
        """The redirect responses that led here, oldest first."""
        return self._history

    @property
    def connection(self) -> Connection | None:
        """The connection, until the response is released."""
        return self._connection

    @property
    def ok(self) -> bool:
        """``True`` when the status is below 400."""
        return self.status < 400

    @property
    def closed(self) -> bool:
        """Whether the response was released or closed."""
        return self._closed

    @property
    def content_type(self) -> str:
        """The media type of Content-Type (``application/octet-stream`` if none)."""
        raw = self._headers.get(hdrs.CONTENT_TYPE)
        if raw is None:
            return "application/octet-stream"
        mime = parse_mimetype(raw)
        return f"{mime.type}/{mime.subtype}"

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of Content-Type, if any."""
        raw = self._headers.get(hdrs.CONTENT_TYPE)
        if raw is None:
            return None
        return parse_mimetype(raw).parameters.get("charset")

    @property
    def content_length(self) -> int | None:
        """The Content-Length, if any."""
        value = self._headers.get(hdrs.CONTENT_LENGTH)
        return int(value) if value is not None else None

    @property
    def content_disposition(self) -> ContentDisposition | None:
        """The parsed Content-Disposition, or ``None``."""
        raw = self._headers.get(hdrs.CONTENT_DISPOSITION)
        if raw is None:
            return None
        kind, params = parse_content_disposition(raw)
        return ContentDisposition(
            kind, MappingProxyType(params), content_disposition_filename(params)
        )

    @property
    def links(self) -> MultiDictProxy[MultiDictProxy[str | URL]]:
        """The ``Link`` header (RFC 8288), keyed by ``rel`` (or the URL)."""
        links: MultiDict[MultiDictProxy[str | URL]] = MultiDict()
        for value in self._headers.getall("Link", ()):
            for part in _split_links(value):
                target, _, params_text = part.partition(">")
                link: MultiDict[str | URL] = MultiDict()
                for param in params_text.split(";"):
                    name, eq, val = param.strip().partition("=")
                    if eq:
                        link.add(name.strip().lower(), val.strip().strip('"'))
                url = target.strip().lstrip("<")
                link.add("url", self._url.join(URL(url)))
                key = link.get("rel", url)
                links.add(str(key), MultiDictProxy(link))
        return MultiDictProxy(links)

    # -- body -----------------------------------------------------------------

    async def read(self) -> bytes:
        """The whole body (kept: later calls return it again).

        Raises:
            ClientPayloadError: the body was cut short or malformed.
            ClientConnectionError: the connection was closed first.
        """
        if self._body is None:
            if self._released and self.content is not EMPTY_PAYLOAD:
                raise ClientConnectionError("Connection closed")
            content = self.content
            if (
                content.is_eof()
                and content.exception() is None
                and not getattr(self._timer, "timed_out", False)
            ):
                # All of it is here already (a small body comes with its
                # head): nothing to wait for, so nothing to time.
                self._body = content.read_nowait()
            else:
                self._body = await self._read_body(content)
            for trace in self._traces:
                await trace.send_response_chunk_received(
                    self.method, self._url, self._body
                )
        return self._body

    async def _read_body(self, content: StreamReader) -> bytes:
        try:
            with self._timer:
                return await content.read()
        except PayloadError as exc:
            if isinstance(exc, ClientPayloadError):
                raise
            raise ClientPayloadError(
                f"Response payload is not completed: {exc!r}"
            ) from exc
        except BaseException:
            self.close()
            raise

    def get_encoding(self) -> str:
        """The charset to decode the body with (see the module's docstring)."""
        raw = self._headers.get(hdrs.CONTENT_TYPE, "")
        mime = parse_mimetype(raw)
        encoding = mime.parameters.get("charset")
        if encoding:
            try:
                codecs.lookup(encoding)
            except LookupError:
                encoding = None
            else:
                return encoding
        if mime.type == "application" and (
            mime.subtype == "json" or mime.suffix == "json" or mime.subtype == "rdap"
        ):
            return "utf-8"
        if self._body is None:
            raise RuntimeError(
                "Cannot compute fallback encoding of a not yet read body"
            )
        return self._resolve_charset(self, self._body)

    async def text(self, encoding: str | None = None, errors: str = "strict") -> str:
        """The body decoded (with :meth:`get_encoding` unless given)."""
        body = await self.read()
        return body.decode(encoding or self.get_encoding(), errors=errors)

    async def json(
        self,
        *,
        encoding: str | None = None,
        loads: Callable[[str], Any] = json.loads,
        content_type: str | None = "application/json",
    ) -> Any:
        """The body parsed as JSON.

        Args:
            encoding: the charset; found out when omitted.
            loads: the JSON parser.
            content_type: the media type required (``None`` accepts any).

        Raises:
            ContentTypeError: the media type is not ``content_type`` (nor a
                ``+json`` one).
        """
        body = await self.read()
        if content_type:
            ctype = self.content_type
            if not (
                ctype == content_type
                or (content_type == "application/json" and ctype.endswith("+json"))
                or content_type in ctype
            ):
                raise ContentTypeError(
                    self.request_info,
                    self._history,
                    status=self.status,
                    message=(
                        "Attempt to decode JSON with unexpected mimetype: "
                        f"{self._headers.get(hdrs.CONTENT_TYPE, '')}"
                    ),
                    headers=self._headers,
                )
        stripped = body.strip()
        if not stripped:
            return None
        return loads(stripped.decode(encoding or self.get_encoding()))

    def raise_for_status(self) -> None:
        """Raise :class:`ClientResponseError` for a status of 400 or more.

        The connection is released first.
        """
        if self.ok:
            return
        reason = self.reason
        self.release()
        raise ClientResponseError(
            self.request_info,
            self._history,
            status=self.status,
            message=reason or "",
            headers=self._headers,
        )

    # -- releasing ------------------------------------------------------------

    def _release_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            if self._writer is not None and not self._writer.done():
                # The body is still going out: the connection cannot be reused.
                connection.close()
            else:
                connection.release()

    def release(self) -> Any:
        """Give the connection back; an unread body makes it close instead.

        Returns an awaitable for aiohttp compatibility (``await r.release()``).
        """
        self._released = True
        self._closed = True
        self._cleanup_writer()
        self._release_connection()
        return _DONE

    def close(self) -> None:
        """Close the connection without reading the rest of the body."""
        self._released = True
        self._closed = True
        self._cleanup_writer()
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _cleanup_writer(self) -> None:
        writer = self._writer
        if writer is not None and not writer.done():
            writer.cancel()
        self._writer = None

    async def wait_for_close(self) -> None:
        """Wait until the body was sent and read, then release."""
        writer = self._writer
        if writer is not None:
            try:
                await writer
            finally:
                self._writer = None
        self.release()

    async def __aenter__(self) -> ClientResponse:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self.release()
        if self._writer is not None:
            await self.wait_for_close()

    def __repr__(self) -> str:
        return f"<ClientResponse({self._url}) [{self.status} {self.reason}]>"

    def __del__(self) -> None:
        # A response dropped without release must not keep its slot; after
        # the loop closed there is nothing left to give back.
        if self._connection is not None and not self._loop.is_closed():
            self._connection.close()


class _Done:
    """An awaitable that is already done: ``await resp.release()`` works, and
    a call that is not awaited leaves no coroutine behind."""

    __slots__ = ()

    def __await__(self) -> Iterator[None]:
        return iter(())


_DONE = _Done()


def _split_links(value: str) -> list[str]:
    parts, depth, start = [], 0, 0
    quoted = False
    for index, char in enumerate(value):
        if char == '"':
            quoted = not quoted
        elif char == "<" and not quoted:
            depth += 1
        elif char == ">" and not quoted:
            depth -= 1
        elif char == "," and not quoted and depth == 0:
            parts.append(value[start:index])
            start = index + 1
    parts.append(value[start:])
    return [part.strip() for part in parts if part.strip()]
