"""The user's entry point: :class:`ClientSession`.

How this works: a session holds what its requests share: the connector
(the pool), the cookie jar, default headers and auth, timeouts, tracing
and middlewares. :meth:`ClientSession._request` turns one call into one
or more :class:`ClientRequest` (one per redirect hop). Each hop goes
through the middlewares to :meth:`ClientSession._send_with_retry`, which takes a
connection from the pool under the ``connect`` timeout, sends, and waits
for the head; a reused connection that the server had closed meanwhile is
replaced once for an idempotent request (RFC 9110 §9.2.2). The whole call
runs under the ``total`` timeout, which keeps running while the body is
read.
"""

from __future__ import annotations

import asyncio
import json
import re
import warnings
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, Final

from multidict import CIMultiDict, istr
from yarl import URL

# Spelled in full in annotations: the name alone is ambiguous in the docs.
import aioweb.protocol
from aioweb.protocol import BasicAuth, HttpVersion11, JsonPayload, hdrs

from .client_request import ClientRequest
from .client_response import ClientResponse
from .connector import BaseConnector
from .cookiejar import AbstractCookieJar, CookieJar
from .exceptions import (
    ClientConnectionResetError,
    ClientOSError,
    InvalidUrlClientError,
    NonHttpUrlClientError,
    ServerDisconnectedError,
    TooManyRedirects,
)
from .hop_credentials import choose_auth, choose_proxy
from .middlewares import ClientMiddlewareType, build_client_middlewares
from .redirects import (
    REDIRECT_STATUSES,
    is_cross_origin,
    redirect_method,
    redirect_target,
    strip_for_cross_origin,
)
from .request_context import _RequestContextManager, _SessionRequestContextManager
from .tcp_connector import TCPConnector
from .timeout import (
    DEFAULT_TIMEOUT,
    ClientTimeout,
    SharedDeadlines,
    TimeoutHandle,
    connect_timeout,
)
from .tracing import Trace, TraceConfig

__all__ = ("ClientSession", "request")

_SENTINEL: Any = object()
_HTTP_SCHEMES: Final = frozenset({"http", "https"})
_WS_SCHEMES: Final = frozenset({"ws", "wss"})
# RFC 9110 §9.2.2: these may be sent again when a reused connection fails
# before any answer.
_IDEMPOTENT: Final = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
_CONTROL_CHARS: Final = re.compile(r"[\x00-\x1f\x7f]")
_URL_CACHE_SIZE: Final = 128
_RETRYABLE: Final = (ServerDisconnectedError, ClientConnectionResetError, ClientOSError)

RaiseForStatus = bool | Callable[[ClientResponse], Awaitable[None]]


class ClientSession:
    """A set of requests sharing a connection pool, cookies and settings.

    Arguments are aiohttp's; see the client reference for each. A session
    must be closed (``async with`` or :meth:`close`); one left open warns.
    """

    def __init__(
        self,
        base_url: str | URL | None = None,
        *,
        connector: BaseConnector | None = None,
        cookies: Any = None,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        proxy: str | URL | None = None,
        proxy_auth: BasicAuth | None = None,
        skip_auto_headers: Iterable[str] | None = None,
        auth: BasicAuth | None = None,
        json_serialize: Callable[[Any], str] = json.dumps,
        request_class: type[ClientRequest] = ClientRequest,
        response_class: type[ClientResponse] = ClientResponse,
        version: aioweb.protocol.HttpVersion = HttpVersion11,
        cookie_jar: AbstractCookieJar | None = None,
        connector_owner: bool = True,
        raise_for_status: RaiseForStatus = False,
        timeout: ClientTimeout = _SENTINEL,
        auto_decompress: bool = True,
        trust_env: bool = False,
        requote_redirect_url: bool = True,
        trace_configs: list[TraceConfig] | None = None,
        read_bufsize: int = 2**16,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
        fallback_charset_resolver: Callable[[ClientResponse, bytes], str] = (
            lambda response, body: "utf-8"
        ),
        middlewares: Sequence[ClientMiddlewareType] = (),
        ssl_shutdown_timeout: float | None = None,
    ) -> None:
        self._connector: BaseConnector | None = None
        if base_url is None or isinstance(base_url, URL):
            self._base_url: URL | None = base_url
        else:
            self._base_url = URL(base_url)
        if self._base_url is not None:
            if not self._base_url.absolute:
                raise ValueError("Only absolute URLs are supported")
            if self._base_url.path and not self._base_url.path.endswith("/"):
                raise ValueError("base_url must have a trailing '/'")
        loop = asyncio.get_running_loop()
        if connector is None:
            # As aiohttp: the session's TLS closing limit goes to the
            # connector it makes (a connector given is configured already).
            connector = TCPConnector(ssl_shutdown_timeout=ssl_shutdown_timeout)
        self._loop = loop
        self._connector = connector
        self._connector_owner = connector_owner
        self._cookie_jar = cookie_jar if cookie_jar is not None else CookieJar()
        if cookies:
            self._cookie_jar.update_cookies(cookies)
        self._default_headers: CIMultiDict[str] = CIMultiDict(headers or ())
        self._skip_auto_headers = frozenset(istr(h) for h in (skip_auto_headers or ()))
        self._default_auth = auth
        self._default_proxy = URL(proxy) if proxy is not None else None
        self._default_proxy_auth = proxy_auth
        self._json_serialize = json_serialize
        self._request_class = request_class
        self._response_class = response_class
        self._version = version
        self._raise_for_status = raise_for_status
        if timeout is _SENTINEL or timeout is None:
            timeout = DEFAULT_TIMEOUT
        if not isinstance(timeout, ClientTimeout):
            raise ValueError(
                f"timeout parameter cannot be of {type(timeout)} type, "
                "please use 'timeout=ClientTimeout(...)'"
            )
        self._timeout = timeout
        self._auto_decompress = auto_decompress
        self._trust_env = trust_env
        self._requote_redirect_url = requote_redirect_url
        self._trace_configs = list(trace_configs or ())
        for trace_config in self._trace_configs:
            trace_config.freeze()
        self._read_bufsize = read_bufsize
        self._max_line_size = max_line_size
        self._max_field_size = max_field_size
        self._max_headers = max_headers
        self._resolve_charset = fallback_charset_resolver
        self._middlewares = tuple(middlewares)
        self._urls: dict[str, URL] = {}
        self._deadlines = SharedDeadlines(loop)
        # What most requests read their response with: made once.
        self._read_settings: dict[str, Any] = {
            "read_timeout": timeout.sock_read,
            "timeout_ceil_threshold": timeout.ceil_threshold,
            "read_bufsize": read_bufsize,
            "auto_decompress": auto_decompress,
            "max_line_size": max_line_size,
            "max_field_size": max_field_size,
            "max_headers": max_headers,
        }

    # -- properties -----------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether the session is closed (or its connector is)."""
        return self._connector is None or self._connector.closed

    @property
    def connector(self) -> BaseConnector | None:
        """The connection pool."""
        return self._connector

    @property
    def cookie_jar(self) -> AbstractCookieJar:
        """The cookie jar."""
        return self._cookie_jar

    @property
    def version(self) -> aioweb.protocol.HttpVersion:
        """The HTTP version of requests."""
        return self._version

    @property
    def requote_redirect_url(self) -> bool:
        """Whether redirect targets are requoted."""
        return self._requote_redirect_url

    @property
    def timeout(self) -> ClientTimeout:
        """The default timeouts."""
        return self._timeout

    @property
    def headers(self) -> CIMultiDict[str]:
        """The default headers."""
        return self._default_headers

    @property
    def skip_auto_headers(self) -> frozenset[istr]:
        """Automatic headers not added."""
        return self._skip_auto_headers

    @property
    def auth(self) -> BasicAuth | None:
        """The default credentials."""
        return self._default_auth

    @property
    def json_serialize(self) -> Callable[[Any], str]:
        """The JSON serialiser of ``json=`` bodies."""
        return self._json_serialize

    @property
    def connector_owner(self) -> bool:
        """Whether closing the session closes the connector."""
        return self._connector_owner

    @property
    def raise_for_status(self) -> RaiseForStatus:
        """The default ``raise_for_status``."""
        return self._raise_for_status

    @property
    def auto_decompress(self) -> bool:
        """Whether bodies are decoded."""
        return self._auto_decompress

    @property
    def trust_env(self) -> bool:
        """Whether proxies and ``.netrc`` are read from the environment."""
        return self._trust_env

    @property
    def trace_configs(self) -> list[TraceConfig]:
        """The tracing configurations."""
        return self._trace_configs

    @property
    def middlewares(self) -> tuple[ClientMiddlewareType, ...]:
        """The session's middlewares."""
        return self._middlewares

    # -- lifetime -------------------------------------------------------------

    async def close(self) -> None:
        """Close the connector if the session owns it."""
        if not self.closed and self._connector is not None and self._connector_owner:
            await self._connector.close()
        self._connector = None

    def detach(self) -> None:
        """Forget the connector without closing it."""
        self._connector = None

    async def __aenter__(self) -> ClientSession:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __del__(self, _warnings: Any = warnings) -> None:
        if not self.closed:
            _warnings.warn(
                f"Unclosed client session {self!r}", ResourceWarning, source=self
            )

    # -- request verbs ----------------------------------------------------------

    def request(
        self, method: str, url: str | URL, **kwargs: Any
    ) -> _RequestContextManager:
        """Send a request; ``await`` it or use it with ``async with``."""
        return _RequestContextManager(self._request(method, url, **kwargs))

    def get(self, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        """Send a GET."""
        return _RequestContextManager(self._request(hdrs.METH_GET, url, **kwargs))

    def options(self, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        """Send an OPTIONS."""
        return _RequestContextManager(self._request(hdrs.METH_OPTIONS, url, **kwargs))

    def head(self, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        """Send a HEAD (redirects are not followed unless asked)."""
        kwargs.setdefault("allow_redirects", False)
        return _RequestContextManager(self._request(hdrs.METH_HEAD, url, **kwargs))

    def post(self, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        """Send a POST."""
        return _RequestContextManager(self._request(hdrs.METH_POST, url, **kwargs))

    def put(self, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        """Send a PUT."""
        return _RequestContextManager(self._request(hdrs.METH_PUT, url, **kwargs))

    def patch(self, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        """Send a PATCH."""
        return _RequestContextManager(self._request(hdrs.METH_PATCH, url, **kwargs))

    def delete(self, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        """Send a DELETE."""
        return _RequestContextManager(self._request(hdrs.METH_DELETE, url, **kwargs))

    def ws_connect(self, url: str | URL, **kwargs: Any) -> Any:
        """Open a WebSocket; see :func:`aioweb.client.ws_connect.ws_connect`."""
        from .ws_connect import ws_connect

        return ws_connect(self, url, **kwargs)

    # -- the request ----------------------------------------------------------

    def _build_url(self, str_or_url: str | URL) -> URL:
        if isinstance(str_or_url, str):
            # The same URLs come back again and again: the parsed URL (and
            # every property yarl caches on it: host, port, path...) is kept.
            url = self._urls.get(str_or_url)
            if url is None:
                url = self._parse_url(str_or_url)
                if len(self._urls) >= _URL_CACHE_SIZE:
                    self._urls.clear()
                self._urls[str_or_url] = url
            return url
        return self._parse_url(str_or_url)

    def _parse_url(self, str_or_url: str | URL) -> URL:
        if isinstance(str_or_url, str) and _CONTROL_CHARS.search(str_or_url):
            # yarl would silently drop a CR or LF; a caller who put one there
            # is more likely injecting than mistyping.
            raise InvalidUrlClientError(str_or_url, "the URL holds a control character")
        try:
            url = URL(str_or_url)
        except (ValueError, TypeError) as exc:
            raise InvalidUrlClientError(str_or_url) from exc
        if self._base_url is not None and not url.absolute:
            url = self._base_url.join(url)
        return url

    def _prepare_headers(
        self, headers: Mapping[str, str] | Iterable[tuple[str, str]] | None
    ) -> CIMultiDict[str]:
        result = CIMultiDict(self._default_headers)
        if headers:
            given: CIMultiDict[str] = CIMultiDict(headers)
            for name in given:
                result.popall(name, None)
            result.extend(given)
        return result

    # Not keyword-only, though always called with keywords: a coroutine
    # function's keyword-only defaults are looked up one by one at each
    # call, positional ones copied at once.
    async def _request(
        self,
        method: str,
        str_or_url: str | URL,
        params: Any = None,
        data: Any = None,
        json: Any = None,
        cookies: Any = None,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        skip_auto_headers: Iterable[str] | None = None,
        auth: BasicAuth | None = None,
        allow_redirects: bool = True,
        max_redirects: int = 10,
        compress: str | bool | None = None,
        chunked: bool | None = None,
        expect100: bool = False,
        raise_for_status: RaiseForStatus | None = None,
        read_until_eof: bool = True,
        proxy: str | URL | None = None,
        proxy_auth: BasicAuth | None = None,
        timeout: ClientTimeout | None = _SENTINEL,
        ssl: Any = True,
        server_hostname: str | None = None,
        proxy_headers: Mapping[str, str] | None = None,
        trace_request_ctx: Any = None,
        read_bufsize: int | None = None,
        auto_decompress: bool | None = None,
        max_line_size: int | None = None,
        max_field_size: int | None = None,
        max_headers: int | None = None,
        middlewares: Sequence[ClientMiddlewareType] | None = None,
    ) -> ClientResponse:
        connector = self._connector
        if connector is None or connector._closed:
            raise RuntimeError("Session is closed")
        if data is not None and json is not None:
            raise ValueError(
                "data and json parameters can not be used at the same time"
            )
        if json is not None:
            data = JsonPayload(json, dumps=self._json_serialize)
        url = self._build_url(str_or_url)
        if not url.absolute:
            raise InvalidUrlClientError(url)
        if url.scheme not in _HTTP_SCHEMES and url.scheme not in _WS_SCHEMES:
            raise NonHttpUrlClientError(url)
        if not url.host:
            raise InvalidUrlClientError(url)
        headers_ = self._prepare_headers(headers)
        skip = self._skip_auto_headers
        if skip_auto_headers:
            skip = skip.union(istr(h) for h in skip_auto_headers)
        if timeout is _SENTINEL or timeout is None:
            real_timeout = self._timeout
        elif isinstance(timeout, ClientTimeout):
            real_timeout = timeout
        else:
            raise ValueError("timeout must be a ClientTimeout")
        if proxy is None and self._default_proxy is not None:
            proxy, proxy_auth = (
                self._default_proxy,
                proxy_auth or self._default_proxy_auth,
            )
        if (
            real_timeout is self._timeout
            and read_bufsize is None
            and auto_decompress is None
            and max_line_size is None
            and max_field_size is None
            and max_headers is None
        ):
            read_settings = self._read_settings
        else:
            read_settings = {
                "read_timeout": real_timeout.sock_read,
                "timeout_ceil_threshold": real_timeout.ceil_threshold,
                "read_bufsize": read_bufsize or self._read_bufsize,
                "auto_decompress": (
                    self._auto_decompress
                    if auto_decompress is None
                    else auto_decompress
                ),
                "max_line_size": max_line_size or self._max_line_size,
                "max_field_size": max_field_size or self._max_field_size,
                "max_headers": max_headers or self._max_headers,
            }
        chain = self._middlewares if middlewares is None else tuple(middlewares)
        handler = (
            build_client_middlewares(self._send_with_retry, chain)
            if chain
            else self._send_with_retry
        )

        tm = TimeoutHandle(
            self._loop,
            real_timeout.total,
            real_timeout.ceil_threshold,
            self._deadlines,
        )
        arm: Callable[[], object] | None = None
        if chain or self._trace_configs:
            handle = tm.start()
        else:
            # No middleware and no tracing: _send_with_retry is the handler
            # and arms the timer just before its first wait, which for a
            # pooled connection comes after the request is written. Nothing
            # can time out before a wait.
            total = real_timeout.total
            handle = tm if total is not None and total > 0 else None
            arm = tm.start if handle is not None else None
        traces: Sequence[Trace] = (
            Trace.for_request(self, self._trace_configs, trace_request_ctx)
            if self._trace_configs
            else ()
        )
        for trace in traces:
            await trace.send_request_start(method, url.update_query(params), headers_)
        timer = tm.timer()
        history: list[ClientResponse] = []
        try:
            with timer:
                while True:
                    if (
                        auth is None
                        and self._default_auth is None
                        and not self._trust_env
                        and not url.raw_user
                        and not url.raw_password
                    ):
                        req_auth = None  # no credentials anywhere
                    else:
                        url, req_auth = choose_auth(
                            url,
                            auth,
                            headers_,
                            default_auth=self._default_auth,
                            base_url=self._base_url,
                            trust_env=self._trust_env,
                        )
                    jar = self._cookie_jar
                    all_cookies: list[tuple[str, Any]] = (
                        []  # an empty jar of this class has nothing to filter
                        if type(jar) is CookieJar and not jar._cookies
                        else list(jar.filter_cookies(url).items())
                    )
                    if cookies:
                        request_jar = CookieJar(
                            quote_cookie=self._cookie_jar.quote_cookie
                        )
                        request_jar.update_cookies(cookies)
                        all_cookies.extend(request_jar.filter_cookies(url).items())
                    if proxy is None and not self._trust_env:
                        proxy_url, req_proxy_auth = None, proxy_auth
                    else:
                        proxy_url, req_proxy_auth = choose_proxy(
                            url, proxy, proxy_auth, trust_env=self._trust_env
                        )
                    if self._request_class is ClientRequest:
                        # The same arguments, by position (see _init).
                        req = ClientRequest.__new__(ClientRequest)
                        req._init(
                            method,
                            url,
                            params,
                            headers_,
                            skip,
                            data,
                            all_cookies,
                            req_auth,
                            self._version,
                            compress,
                            chunked,
                            expect100,
                            self._loop,
                            self._response_class,
                            proxy_url,
                            req_proxy_auth,
                            proxy_headers,
                            timer,
                            self,
                            ssl,
                            server_hostname,
                            traces,
                            self._trust_env,
                            read_until_eof,
                        )
                    else:
                        req = self._request_class(
                            method,
                            url,
                            params=params,
                            headers=headers_,
                            skip_auto_headers=skip,
                            data=data,
                            cookies=all_cookies,
                            auth=req_auth,
                            version=self._version,
                            compress=compress,
                            chunked=chunked,
                            expect100=expect100,
                            loop=self._loop,
                            response_class=self._response_class,
                            proxy=proxy_url,
                            proxy_auth=req_proxy_auth,
                            timer=timer,
                            session=self,
                            ssl=ssl,
                            server_hostname=server_hostname,
                            proxy_headers=proxy_headers,
                            traces=traces,
                            trust_env=self._trust_env,
                            read_until_eof=read_until_eof,
                        )
                    req.read_settings = read_settings
                    req.timeout = real_timeout  # type: ignore[attr-defined]
                    # The first hop arms the total timer (see above).
                    req._arm_timer, arm = arm, None
                    resp = await handler(req)

                    if resp.status not in REDIRECT_STATUSES or not allow_redirects:
                        break
                    for trace in traces:
                        await trace.send_request_redirect(
                            method, url.update_query(params), headers_, resp
                        )
                    history.append(resp)
                    if max_redirects and len(history) >= max_redirects:
                        resp.close()
                        raise TooManyRedirects(history[0].request_info, tuple(history))
                    location = resp.headers.get(hdrs.LOCATION) or resp.headers.get(
                        hdrs.URI
                    )
                    if location is None:
                        history.pop()
                        break
                    method, drop_body = redirect_method(resp.status, resp.method)
                    if drop_body:
                        data = None
                        headers_.popall(hdrs.CONTENT_LENGTH, None)
                        headers_.popall(hdrs.CONTENT_TYPE, None)
                    try:
                        target = redirect_target(
                            location, url, requote=self._requote_redirect_url
                        )
                    except BaseException:
                        resp.close()
                        raise
                    if is_cross_origin(url, target):
                        auth = None
                        cookies = None
                        strip_for_cross_origin(headers_)
                    resp.release()
                    url = target
                    params = None
        except BaseException as exc:
            tm.close()
            for trace in traces:
                await trace.send_request_exception(
                    method, url.update_query(params), headers_, exc
                )
            raise

        if history:
            resp._history = tuple(history)
        if raise_for_status is None:
            raise_for_status = self._raise_for_status
        try:
            if callable(raise_for_status):
                await raise_for_status(resp)
            elif raise_for_status:
                resp.raise_for_status()
        except BaseException:
            tm.close()
            resp.release()
            raise
        if handle is not None:
            connection = resp._connection
            if connection is not None:
                # Closing the handle also stops its timer.
                connection.add_callback(tm.close)
            else:
                tm.close()
        for trace in traces:
            await trace.send_request_end(
                method, url.update_query(params), headers_, resp
            )
        return resp

    async def _send_with_retry(self, req: ClientRequest) -> ClientResponse:
        """Send, replacing once a reused connection the server had closed.

        A pooled connection the server closed while it was idle fails the
        request before any answer: an idempotent request whose body can be
        sent again is retried once, on a new connection.
        """
        connector = self._connector
        if connector is None:
            raise RuntimeError("Session is closed")
        timeout: ClientTimeout = getattr(req, "timeout", self._timeout)
        # The session's total timer, when left for this method to arm
        # before it first waits (see _request).
        arm, req._arm_timer = req._arm_timer, None
        allow_reuse = True
        while True:
            # A pooled connection is taken at once, without the connect
            # timeout (nothing to wait for) or a coroutine; a connector
            # whose connect() is its own is always asked through it.
            conn = (
                connector.connect_idle(req)
                if not req.traces and type(connector).connect is _CONNECT
                else None
            )
            if conn is None and arm is not None:
                arm()
                arm = None
            if conn is not None:
                pass
            elif timeout.connect:
                async with connect_timeout(timeout):
                    conn = await connector.connect(req, req.traces, timeout)
            else:
                conn = await connector.connect(req, req.traces, timeout)
            protocol = conn.protocol
            assert protocol is not None
            reused = allow_reuse and protocol.requests_sent > 0
            try:
                sent = req._send_head_only(conn) if type(req).send is _SEND else None
                if arm is not None:
                    arm()
                    arm = None
                resp = sent if sent is not None else await req.send(conn)
                try:
                    if type(resp).start is _START:
                        # ClientResponse._start, inlined: inside _request's
                        # total timer already.
                        waiter = resp._begin(conn)
                        try:
                            head, payload = await waiter
                        except BaseException as exc:
                            resp._head_failed(exc)
                        resp._got_head(head, payload)
                    else:
                        await resp.start(conn)
                except BaseException:
                    resp.close()
                    raise
            except _RETRYABLE:
                conn.close()
                if (
                    not reused
                    or req.method not in _IDEMPOTENT
                    or (req.body is not None and not _rewindable(req.body))
                ):
                    raise
                allow_reuse = False
                continue
            except BaseException:
                conn.close()
                req.terminate()
                raise
            if hdrs.SET_COOKIE in resp.headers:
                self._cookie_jar.update_cookies_from_headers(
                    resp.headers.getall(hdrs.SET_COOKIE), resp.url
                )
            return resp


_START: Final = ClientResponse.start
_SEND: Final = ClientRequest.send
_CONNECT: Final = BaseConnector.connect


def _rewindable(body: Any) -> bool:
    from aioweb.protocol import AsyncIterablePayload

    return not isinstance(body, AsyncIterablePayload)


def request(
    method: str,
    url: str | URL,
    *,
    connector: BaseConnector | None = None,
    **kwargs: Any,
) -> _SessionRequestContextManager:
    """Send one request with a session of its own.

    ``async with aioweb.client.request("GET", url) as resp: ...``; awaited
    directly, the body is read before the session closes.
    """
    session_kwargs = {
        name: kwargs.pop(name)
        for name in ("cookies", "version", "timeout", "trust_env", "loop")
        if name in kwargs
    }
    session_kwargs.pop("loop", None)
    connector_owner = connector is None
    session = ClientSession(
        connector=connector, connector_owner=connector_owner, **session_kwargs
    )
    return _SessionRequestContextManager(
        session._request(method, url, **kwargs), session
    )
