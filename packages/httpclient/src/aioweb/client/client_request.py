"""The request as it is sent: :class:`ClientRequest`.

How this works: the constructor settles everything that can fail before a
byte is sent: the method, URL and header fields are checked for CR, LF and
other forbidden characters (the header-injection guard), the body is wrapped
in a :class:`~aioweb.protocol.Payload`, and the automatic headers (Host,
User-Agent, Accept, Accept-Encoding, Content-Type, Content-Length or
Transfer-Encoding, Authorization) are added unless the caller gave them or
listed them in ``skip_auto_headers``.

:meth:`ClientRequest.send` writes the head, and a body held in memory in the
same ``write`` (one packet for most requests); a streamed body is written by
a task, so that the response can be read while the body is still going out
(a server may answer early, with an error). With ``expect100`` the body
waits for ``100 Continue`` (RFC 9110 §10.1.1).

A request can be sent more than once (a redirect, a retry, a middleware):
bytes, text, file and form bodies are rewound each time.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

# Spelled in full in annotations: the name alone is ambiguous in the docs.
import aioweb.protocol
from aioweb.protocol import (
    ACCEPT_ENCODING,
    BasicAuth,
    BytesPayload,
    FormData,
    HeaderInjectionError,
    HttpVersion10,
    HttpVersion11,
    Payload,
    StreamWriter,
    format_cookie_header,
    get_payload,
    hdrs,
    validate_field,
)

from .client_response import ClientResponse
from .connection_key import ConnectionKey
from .exceptions import ClientConnectionError, ClientOSError, InvalidUrlClientError
from .fingerprint import Fingerprint
from .request_head import AutoFields, auto_fields, host_value, kept_head
from .request_info import RequestInfo

if TYPE_CHECKING:
    import ssl

    from .connection import Connection
    from .response_handler import ResponseHandler
    from .tracing import Trace

__all__ = ("ClientRequest", "DEFAULT_USER_AGENT")

from . import __version__ as _version

DEFAULT_USER_AGENT: Final = (
    f"Python/{sys.version_info[0]}.{sys.version_info[1]} aioweb/{_version}"
)
# RFC 9110 §5.6.2: a method is a token.
_TOKEN_RE: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_FORBIDDEN_URL_CHARS: Final = re.compile(r"[\x00-\x20\x7f]")
_DEFAULT_PORTS: Final = {"http": 80, "https": 443, "ws": 80, "wss": 443}
_SECURE: Final = frozenset({"https", "wss"})
_NO_BODY_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "CONNECT"})
# The methods nearly every request uses: known tokens, already upper case.
_KNOWN_METHODS: Final = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}
)
# Header names seen to be tokens (they repeat on every request).
_good_names: set[str] = set()
# URLs already checked (a client asks for the same ones again and again),
# and the Host field of each.
_good_urls: set[URL] = set()
_host_values: dict[URL, str] = {}
# The connection key of a request to a URL without proxy or TLS settings.
_plain_keys: dict[URL, ConnectionKey] = {}
_NO_SKIP: Final[CIMultiDictProxy[None]] = CIMultiDictProxy(CIMultiDict())


class ClientRequest:
    """One HTTP request, ready to be sent on a connection.

    Args:
        method: the method (a token; upper-cased).
        url: the absolute URL (its query extended by ``params``).
        params: query parameters to add.
        headers: header fields.
        skip_auto_headers: names of automatic headers not to add.
        data: the body: bytes, str, a file, an async iterable of bytes, a
            :class:`~aioweb.protocol.FormData`, a dict (sent as a form) or a
            :class:`~aioweb.protocol.Payload`.
        cookies: cookies to send (merged into ``Cookie``).
        auth: credentials for ``Authorization: Basic``.
        version: the HTTP version.
        compress: a content coding for the body (``True`` for deflate).
        chunked: send the body chunked.
        expect100: send ``Expect: 100-continue`` and wait before the body.
        loop: the event loop.
        response_class: the response class to make.
        proxy: the proxy URL.
        proxy_auth: the proxy's credentials.
        proxy_headers: extra headers for the proxy.
        timer: the ``total`` timer the response reads under.
        session: the session sending it.
        ssl: the TLS setting.
        server_hostname: the name for SNI and the certificate check.
        traces: the tracing of this request.
        trust_env: read credentials from ``.netrc``.

    Raises:
        ValueError: the method is not a token.
        InvalidUrlClientError: the URL is not absolute or holds a CR or LF.
        HeaderInjectionError: a header name or value is forbidden.
    """

    # Slots: a request in flight is one of many, and a dict of thirty
    # attributes is most of its size. A subclass gets a dict of its own.
    __slots__ = (
        "__weakref__",
        "_arm_timer",
        "_auto_fields",
        "_loop",
        "_request_info",
        "_url_auth",
        "_writer_task",
        "auth",
        "body",
        "chunked",
        "compress",
        "expect100",
        "headers",
        "method",
        "original_url",
        "proxy",
        "proxy_auth",
        "proxy_headers",
        "read_settings",
        "read_until_eof",
        "response_class",
        "server_hostname",
        "session",
        "skip_auto_headers",
        "ssl",
        "timeout",
        "timer",
        "traces",
        "trust_env",
        "url",
        "version",
    )

    DEFAULT_HEADERS: Final = {
        hdrs.ACCEPT: "*/*",
        hdrs.ACCEPT_ENCODING: ACCEPT_ENCODING,
    }

    body: Any
    auth: BasicAuth | None
    _auto_fields: AutoFields | None

    def __init__(
        self,
        method: str,
        url: URL,
        *,
        params: Any = None,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        skip_auto_headers: Iterable[str] | None = None,
        data: Any = None,
        cookies: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        auth: BasicAuth | None = None,
        version: aioweb.protocol.HttpVersion = HttpVersion11,
        compress: str | bool | None = None,
        chunked: bool | None = None,
        expect100: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        response_class: type[ClientResponse] | None = None,
        proxy: URL | None = None,
        proxy_auth: BasicAuth | None = None,
        proxy_headers: Mapping[str, str] | None = None,
        timer: Any = None,
        session: Any = None,
        ssl: ssl.SSLContext | bool | Fingerprint = True,
        server_hostname: str | None = None,
        traces: Sequence[Trace] | None = None,
        trust_env: bool = False,
        read_until_eof: bool = True,
    ) -> None:
        self._init(
            method,
            url,
            params,
            headers,
            skip_auto_headers,
            data,
            cookies,
            auth,
            version,
            compress,
            chunked,
            expect100,
            loop,
            response_class,
            proxy,
            proxy_auth,
            proxy_headers,
            timer,
            session,
            ssl,
            server_hostname,
            traces,
            trust_env,
            read_until_eof,
        )

    # The constructor's body, its arguments by position. Two dozen keyword
    # arguments cost more to match than the rest of the constructor, so a
    # session building this exact class calls it directly on
    # ``ClientRequest.__new__(ClientRequest)``; a subclass is built through
    # its own ``__init__``.
    def _init(
        self,
        method: str,
        url: URL,
        params: Any,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None,
        skip_auto_headers: Iterable[str] | None,
        data: Any,
        cookies: Mapping[str, str] | Iterable[tuple[str, str]] | None,
        auth: BasicAuth | None,
        version: aioweb.protocol.HttpVersion,
        compress: str | bool | None,
        chunked: bool | None,
        expect100: bool,
        loop: asyncio.AbstractEventLoop | None,
        response_class: type[ClientResponse] | None,
        proxy: URL | None,
        proxy_auth: BasicAuth | None,
        proxy_headers: Mapping[str, str] | None,
        timer: Any,
        session: Any,
        ssl: ssl.SSLContext | bool | Fingerprint,
        server_hostname: str | None,
        traces: Sequence[Trace] | None,
        trust_env: bool,
        read_until_eof: bool,
    ) -> None:
        if method not in _KNOWN_METHODS:
            if not _TOKEN_RE.fullmatch(method):
                raise ValueError(
                    f"Method cannot contain non-token characters {method!r} "
                    "(found at least one)"
                )
            method = method.upper()
        if url not in _good_urls:
            if _FORBIDDEN_URL_CHARS.search(str(url)):
                raise InvalidUrlClientError(url, "the URL holds a control character")
            if url.host is None or not url.absolute:
                raise InvalidUrlClientError(url)
            if len(_good_urls) >= 256:
                _good_urls.clear()
            _good_urls.add(url)
        self._loop = loop or asyncio.get_running_loop()
        self.method = method
        self.original_url = url
        self.url = url.with_fragment(None) if url.raw_fragment else url
        if params:
            self.url = self.url.extend_query(params)
        self.version = version
        self.compress = compress
        self.chunked = chunked
        self.expect100 = expect100
        self.response_class = response_class
        self.proxy = proxy
        self.proxy_auth = proxy_auth
        self.proxy_headers: CIMultiDict[str] | None = (
            CIMultiDict(proxy_headers) if proxy_headers else None
        )
        self.timer = timer
        self.session = session
        if ssl is None:  # aiohttp 2.x spelling
            raise TypeError("ssl should be True, False, an SSLContext or a Fingerprint")
        self.ssl = ssl
        self.server_hostname = server_hostname
        self.traces: Sequence[Trace] = traces or ()
        self.trust_env = trust_env
        self.read_until_eof = read_until_eof
        self._writer_task: asyncio.Task[None] | None = None
        self._request_info: RequestInfo | None = None
        #: Set by a session for its send method to call before it first
        #: waits: the start of the request's total timer.
        self._arm_timer: Callable[[], object] | None = None
        #: How the response is read (``sock_read``, buffer size, limits...);
        #: keyword arguments of ``ResponseHandler.start_response``.
        self.read_settings: dict[str, Any] = {}

        self._credentials_from_url()
        self.auth = auth or self._url_auth
        self.headers: CIMultiDict[str]
        self.skip_auto_headers: CIMultiDict[None] | CIMultiDictProxy[None]
        if not headers and not skip_auto_headers and type(self) is ClientRequest:
            # Only the automatic fields: a copy of the ones kept for this
            # URL, and a head kept with them (see request_head).
            self.skip_auto_headers = _NO_SKIP
            self.headers, self._auto_fields = auto_fields(
                self.url, self.DEFAULT_HEADERS, DEFAULT_USER_AGENT
            )
        else:
            self._auto_fields = None
            # A mapping or pairs alike; every field kept, repeated names too.
            self.headers = CIMultiDict(headers or ())
            self.skip_auto_headers = (
                CIMultiDict((name, None) for name in skip_auto_headers)
                if skip_auto_headers
                else _NO_SKIP
            )
            self._update_host()
            self._update_auto_headers()
        if cookies:
            self.update_cookies(cookies)
        if self.auth is not None and hdrs.AUTHORIZATION not in self.headers:
            self.headers[hdrs.AUTHORIZATION] = self.auth.encode()
        self.body: Payload | None = None
        self.update_body_from_data(data)
        # The fields this class adds from a checked URL and its constants
        # (Host, Accept, Accept-Encoding, User-Agent, Content-Length of a
        # request without a body) cannot inject anything; the caller's
        # headers, cookies, credentials and a body's own fields are checked.
        if headers or cookies or data is not None or self.auth is not None:
            _check_fields(self.headers)

    # -- URL and connection -------------------------------------------------

    def _credentials_from_url(self) -> None:
        self._url_auth: BasicAuth | None = None
        if self.url.raw_user or self.url.raw_password:
            self._url_auth = BasicAuth(self.url.user or "", self.url.password or "")
            self.url = self.url.with_user(None)

    def _update_host(self) -> None:
        if hdrs.HOST in self.headers or hdrs.HOST in self.skip_auto_headers:
            return
        url = self.url
        host = _host_values.get(url)
        if host is None:
            host = host_value(url)
            if len(_host_values) >= 256:
                _host_values.clear()
            _host_values[url] = host
        # add(): the field is known to be absent, nothing to replace.
        self.headers.add(hdrs.HOST, host)

    @property
    def host(self) -> str:
        """The host connected to."""
        return self.url.raw_host or ""

    @property
    def port(self) -> int | None:
        """The port connected to."""
        return self.url.port or _DEFAULT_PORTS.get(self.url.scheme)

    def is_ssl(self) -> bool:
        """Whether the connection speaks TLS."""
        return self.url.scheme in _SECURE

    @property
    def connection_key(self) -> ConnectionKey:
        """What a pooled connection must match to carry this request."""
        if (
            self.proxy is None
            and self.ssl is True
            and self.server_hostname is None
            and self.proxy_auth is None
            and not self.proxy_headers
        ):
            # The usual request: its key follows from the URL alone.
            key = _plain_keys.get(self.url)
            if key is None:
                key = self._connection_key()
                if len(_plain_keys) >= 256:
                    _plain_keys.clear()
                _plain_keys[self.url] = key
            return key
        return self._connection_key()

    def _connection_key(self) -> ConnectionKey:
        proxy_headers_hash = None
        if self.proxy_headers:
            proxy_headers_hash = hash(tuple(self.proxy_headers.items()))
        # tuple.__new__: NamedTuple's own __new__ is Python code.
        return tuple.__new__(
            ConnectionKey,
            (
                self.host,
                self.port,
                self.is_ssl(),
                self.ssl,
                self.proxy,
                self.proxy_auth,
                proxy_headers_hash,
                self.server_hostname,
            ),
        )

    @property
    def request_info(self) -> RequestInfo:
        """The frozen view of this request that errors and responses keep."""
        info = self._request_info
        if info is None or info.url is not self.url or info.method != self.method:
            info = self._request_info = RequestInfo(
                self.url, self.method, CIMultiDictProxy(self.headers), self.original_url
            )
        return info

    # -- headers --------------------------------------------------------------

    def _update_auto_headers(self) -> None:
        headers, skip = self.headers, self.skip_auto_headers
        for name, value in self.DEFAULT_HEADERS.items():
            if name not in headers and name not in skip:
                headers.add(name, value)
        if hdrs.USER_AGENT not in headers and hdrs.USER_AGENT not in skip:
            headers.add(hdrs.USER_AGENT, DEFAULT_USER_AGENT)

    def update_cookies(
        self, cookies: Mapping[str, Any] | Iterable[tuple[str, Any]]
    ) -> None:
        """Add cookies to the ``Cookie`` field (after those already there)."""
        items = cookies.items() if isinstance(cookies, Mapping) else cookies
        pairs: list[Any] = []
        for name, value in items:
            pairs.append(value if hasattr(value, "coded_value") else (name, str(value)))
        if not pairs:
            return
        added = format_cookie_header(pairs)
        existing = self.headers.get(hdrs.COOKIE)
        self.headers[hdrs.COOKIE] = f"{existing}; {added}" if existing else added

    # -- body -----------------------------------------------------------------

    def update_body_from_data(self, data: Any) -> None:
        """Wrap ``data`` as the body and set the body's headers.

        Raises:
            TypeError: no payload type takes ``data``.
        """
        if data is None:
            self.body = None
            if self.method not in _NO_BODY_METHODS and not self.chunked:
                # RFC 9110 §8.6: a request that may have content says it has none.
                self.headers.setdefault(hdrs.CONTENT_LENGTH, "0")
            return
        if isinstance(data, (dict, list, tuple)) and not isinstance(data, Payload):
            data = FormData(data)
        if isinstance(data, FormData):
            data = data()
        try:
            body = get_payload(data)
        except LookupError as exc:
            raise TypeError(
                f"data must be bytes, str, a file, an async iterable, FormData "
                f"or a Payload, not {type(data).__name__}"
            ) from exc
        self.body = body
        if (
            hdrs.CONTENT_TYPE not in self.headers
            and hdrs.CONTENT_TYPE not in self.skip_auto_headers
        ):
            self.headers[hdrs.CONTENT_TYPE] = body.content_type
        for name, value in body.headers.items():
            if name != hdrs.CONTENT_TYPE and name not in self.headers:
                self.headers[name] = value
        self._update_transfer_encoding()

    def _update_transfer_encoding(self) -> None:
        if self.compress:
            coding = "deflate" if self.compress is True else str(self.compress)
            if hdrs.CONTENT_ENCODING in self.headers:
                raise ValueError(
                    "compress can not be set if Content-Encoding header is set"
                )
            self.headers[hdrs.CONTENT_ENCODING] = coding
            self.chunked = True
        te = self.headers.get(hdrs.TRANSFER_ENCODING, "").lower()
        if "chunked" in te:
            if self.chunked is False:
                raise ValueError(
                    "chunked can not be set if Transfer-Encoding: chunked is set"
                )
            self.chunked = True
        elif self.chunked and hdrs.CONTENT_LENGTH in self.headers:
            raise ValueError("chunked can not be set if Content-Length header is set")
        if self.chunked:
            self.headers.popall(hdrs.CONTENT_LENGTH, None)
            if "chunked" not in te:
                self.headers[hdrs.TRANSFER_ENCODING] = "chunked"
            return
        size = self.body.size if self.body is not None else 0
        if size is not None:
            if hdrs.CONTENT_LENGTH not in self.headers:
                self.headers[hdrs.CONTENT_LENGTH] = str(size)
        elif hdrs.CONTENT_LENGTH not in self.headers:
            self.chunked = True
            self.headers[hdrs.TRANSFER_ENCODING] = "chunked"

    # -- sending --------------------------------------------------------------

    def _target(self) -> str:
        if self.method == "CONNECT":
            return f"{self.url.host_subcomponent}:{self.port}"
        if self.proxy is not None and not self.is_ssl():
            return str(self.url)
        path = self.url.raw_path_qs
        if self.url.raw_path == "" or not path.startswith("/"):
            path = "/" + path if path else "/"
        return path

    async def send(self, conn: Connection) -> ClientResponse:
        """Write the request on ``conn`` and return its (unstarted) response.

        Raises:
            HeaderInjectionError: a header is forbidden (nothing is sent).
            ClientOSError: the connection failed while writing.
        """
        response = self._send_head_only(conn)
        if response is not None:
            return response
        protocol, target = self._prepare_send(conn)
        writer = StreamWriter(
            protocol,
            self._loop,
            on_chunk_sent=self._on_chunk_sent if self.traces else None,
            on_headers_sent=self._on_headers_sent if self.traces else None,
        )
        if self.compress:
            writer.enable_compression(
                "deflate" if self.compress is True else str(self.compress)
            )
        if self.chunked:
            writer.enable_chunking()
        headers = self.headers
        if self.proxy is not None and not self.is_ssl():
            # Forwarded by the proxy itself: its headers and credentials go
            # in the request; through a tunnel they went in the CONNECT.
            headers = CIMultiDict(headers)
            if self.proxy_headers:
                headers.extend(self.proxy_headers)
            if self.proxy_auth is not None:
                headers[hdrs.PROXY_AUTHORIZATION] = self.proxy_auth.encode()
        if self.expect100 and self.body is not None:
            headers = CIMultiDict(headers)
            headers[hdrs.EXPECT] = "100-continue"
        elif headers.get(hdrs.EXPECT, "").lower() == "100-continue":
            self.expect100 = True
        protocol.begin_response(self.method, self.read_settings, self.read_until_eof)
        status_line = f"{self.method} {target} HTTP/{self.version[0]}.{self.version[1]}"
        await writer.write_headers(status_line, headers)
        continue_waiter = protocol.wait_continue() if self.expect100 else None
        body = self.body
        if continue_waiter is None and (body is None or isinstance(body, BytesPayload)):
            # Head and a body held in memory leave in one write.
            try:
                if body is not None:
                    await body.write(writer)
                await writer.write_eof()
            except OSError as exc:
                raise _write_error(exc) from exc
            protocol.start_reading()
        else:
            writer.send_headers()
            protocol.start_reading()
            self._writer_task = self._loop.create_task(
                self._write_body(writer, conn, continue_waiter)
            )
        return self._make_response(continue_waiter)

    def _prepare_send(self, conn: Connection) -> tuple[ResponseHandler, str]:
        """The connection's protocol and the request-target, checked.

        Raises:
            ClientConnectionError: the connection is closed.
            HeaderInjectionError: the target holds a forbidden character.
        """
        protocol = conn._protocol
        if protocol is None or protocol.transport is None:
            raise ClientConnectionError("Connection closed")
        target = self._target()
        # A target made from a URL checked whole needs no check of its own.
        if self.url not in _good_urls and _FORBIDDEN_URL_CHARS.search(target):
            raise HeaderInjectionError(f"forbidden character in the target {target!r}")
        if hdrs.CONNECTION not in self.headers:
            # As aiohttp: say what the connector will do with the connection
            # where the version's default says otherwise (RFC 9112 §9.3).
            if conn._connector._force_close:
                if self.version == HttpVersion11:
                    self.headers[hdrs.CONNECTION] = "close"
            elif self.version == HttpVersion10:
                self.headers[hdrs.CONNECTION] = "keep-alive"
        return protocol, target

    def _send_head_only(self, conn: Connection) -> ClientResponse | None:
        """A request without a body: the head in one write, no writer needed.

        ``None`` (nothing done) for a request :meth:`send` writes otherwise:
        one with a body, tracing, chunking, compression, ``expect100`` or
        an HTTP proxy. A session calls this before :meth:`send`, which
        saves a coroutine for most requests. The fields were checked when
        they were set (:func:`_check_fields`).
        """
        if (
            self.body is not None
            or self.traces
            or self.chunked
            or self.compress
            or self.expect100
            or (self.proxy is not None and not self.is_ssl())
        ):
            return None
        protocol, target = self._prepare_send(conn)
        head = kept_head(
            self.method, target, self.version, self.headers, self._auto_fields
        )
        transport = protocol.transport
        if transport is None or transport.is_closing():
            exc = ConnectionResetError("Cannot write to closing transport")
            raise _write_error(exc) from exc
        # Nothing can arrive before this task yields: the response is set up
        # after the write, while the server works on the request.
        transport.write(head)
        protocol.begin_response(self.method, self.read_settings, self.read_until_eof)
        protocol.start_reading()
        return self._make_response(None)

    def _make_response(
        self, continue_waiter: asyncio.Future[bool] | None
    ) -> ClientResponse:
        # Not kept on the request: the response refers to the request (for
        # its request_info), and a cycle would wait for the collector.
        response_class = self.response_class
        if response_class is None or response_class is ClientResponse:
            response = ClientResponse.__new__(ClientResponse)
            response._init(
                self.method,
                self.original_url,
                self._writer_task,
                continue_waiter,
                self.timer,
                None,
                self.traces,
                self._loop,
                self.session,
                self,
            )
            return response
        return response_class(
            self.method,
            self.original_url,
            writer=self._writer_task,
            continue100=continue_waiter,
            timer=self.timer,
            request_info=None,
            traces=self.traces,
            loop=self._loop,
            session=self.session,
            request=self,
        )

    async def _write_body(
        self,
        writer: StreamWriter,
        conn: Connection,
        continue_waiter: asyncio.Future[bool] | None,
    ) -> None:
        protocol = conn.protocol
        try:
            if continue_waiter is not None and not await continue_waiter:
                # RFC 9110 §10.1.1: a final status came instead of 100
                # Continue; the body is not sent, and the server may still
                # expect it, so the connection carries nothing more.
                if protocol is not None:
                    protocol.force_close()
                return
            if self.body is not None:
                await self.body.write(writer)
            await writer.write_eof()
        except OSError as exc:
            if protocol is not None:
                protocol.force_close()
                protocol.close()
            if not isinstance(exc, ConnectionResetError):
                raise _write_error(exc) from exc
        except asyncio.CancelledError:
            if protocol is not None:
                protocol.close()
            raise
        except BaseException:
            if protocol is not None:
                protocol.close()
            raise

    async def _on_chunk_sent(self, chunk: bytes) -> None:
        for trace in self.traces:
            await trace.send_request_chunk_sent(self.method, self.url, chunk)

    async def _on_headers_sent(self, headers: Mapping[str, str]) -> None:
        sent = CIMultiDict(headers)
        for trace in self.traces:
            await trace.send_request_headers(self.method, self.url, sent)

    async def close(self) -> None:
        """Wait for the body task, if any (after the response was read)."""
        task, self._writer_task = self._writer_task, None
        if task is not None and not task.done():
            # A failure was reported through the response already.
            with contextlib.suppress(Exception):
                await task

    def terminate(self) -> None:
        """Stop writing the body now."""
        task, self._writer_task = self._writer_task, None
        if task is not None and not task.done():
            task.cancel()

    def __repr__(self) -> str:
        return f"<ClientRequest({self.method} {self.url})>"


def _check_fields(headers: CIMultiDict[str]) -> None:
    """Refuse a field that would inject a header (the serialiser trusts them).

    One C-speed pass over the values; only a value holding a tab, a control
    character or unprintable Unicode takes the exact, slower check.
    """
    if not _good_names.issuperset(headers.keys()):
        for name in headers:
            validate_field(name, "")
            if len(_good_names) < 1024:
                _good_names.add(name)
    if not "".join(headers.values()).isprintable():
        for name, value in headers.items():
            validate_field(name, value)


def _write_error(exc: OSError) -> ClientOSError:
    return ClientOSError(exc.errno, f"Can not write request body for {exc}")
