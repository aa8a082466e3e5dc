"""The request a handler receives: :class:`BaseRequest` and :class:`Request`.

A request is built by the connection's :class:`~aioweb.web.RequestHandler`
from the parser's :class:`~aioweb.parser.RequestHead` and the body's
:class:`~aioweb.protocol.StreamReader`. Everything is read lazily from the
head; the body is read only when asked (``read()``, ``text()``, ``json()``,
``post()``, ``multipart()`` or ``content`` directly), within
``client_max_size`` (see :mod:`.request_body`).

Where the request came from: ``scheme`` is ``https`` on a TLS connection,
``remote`` is the peer's address and ``host`` is the ``Host`` header (or
the authority of an absolute-form target, RFC 9112 §3.2.2). ``Forwarded``
and ``X-Forwarded-*`` are never applied by themselves (see
:mod:`.forwarded`); a middleware that trusts its proxies applies them with
``request.clone(scheme=..., host=..., remote=...)``.

:class:`BaseRequest` is what the low-level :class:`~aioweb.web.Server`
hands its handler; :class:`Request` adds what an
:class:`~aioweb.web.Application` sets: ``match_info``, ``app`` and
``config_dict``.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, BinaryIO, Final, TypeVar

from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy
from yarl import URL

from aioweb.parser import RequestHead
from aioweb.protocol import (
    EmptyStreamReader,
    MultipartReader,
    StreamReader,
    StreamWriter,
    parse_cookie_header,
)

from .chain_map import ChainMapProxy, config_dict
from .content_headers import ContentHeadersMixin
from .forwarded import parse_forwarded
from .http_exceptions import HTTPBadRequest
from .request_body import (
    FileField,
    parse_urlencoded,
    read_limited,
    read_multipart_form,
)
from .request_conditions import ConditionalHeadersMixin

if TYPE_CHECKING:
    from .app import Application
    from .request_handler import RequestHandler
    from .routing.match_info import UrlMappingMatchInfo
    from .stream_response import StreamResponse

__all__ = ("BaseRequest", "Request", "DEFAULT_CLIENT_MAX_SIZE")

#: The default ``client_max_size``: 1 MiB, as in aiohttp.
DEFAULT_CLIENT_MAX_SIZE: Final = 1024**2

# RFC 9110 §9.3: the methods whose body post() reads as a form (aiohttp's set).
_POST_METHODS: Final = frozenset({"PATCH", "POST", "PUT", "TRACE", "DELETE"})
_FORM_TYPES: Final = frozenset(
    {"", "application/x-www-form-urlencoded", "multipart/form-data"}
)

_Sentinel: Final[Any] = object()
_RequestT = TypeVar("_RequestT", bound="BaseRequest")


def _target_url(target: str) -> tuple[URL, str | None]:
    """The relative URL of a request-target, and the authority it names.

    RFC 9112 §3.2: origin-form (``/path?query``), absolute-form (a proxy's
    ``http://host/path``), authority-form (``host:port``, CONNECT only) and
    asterisk-form (``*``, OPTIONS only).
    """
    if target.startswith("/"):
        # Origin-form: "//x" is a path here, not a network location.
        path, _, query = target.partition("?")
        return URL.build(path=path, query_string=query, encoded=True), None
    if target == "*":
        return URL.build(path="*", encoded=True), None
    if "://" in target:
        try:
            url = URL(target, encoded=True)
        except ValueError as exc:
            raise HTTPBadRequest(text="malformed absolute-form target") from exc
        relative = URL.build(
            path=url.raw_path or "/", query_string=url.raw_query_string, encoded=True
        )
        return relative, url.raw_authority or None
    return URL.build(path="/", encoded=True), target


class BaseRequest(
    MutableMapping[Any, Any], ContentHeadersMixin, ConditionalHeadersMixin
):
    """An HTTP request as the low-level server hands it over.

    Args:
        message: the parsed head.
        payload: the body stream.
        protocol: the connection's request handler.
        payload_writer: the writer the response goes out through.
        task: the task that handles the request.
        loop: the event loop.
        client_max_size: the largest body ``read()``, ``text()``, ``json()``
            and ``post()`` accept (0: no limit).
        client_max_fields: the most fields ``post()`` parses (0: no limit).
        state: the initial state mapping (``clone`` shares it).
        scheme: overrides the scheme found from the connection.
        host: overrides the ``Host`` header.
        remote: overrides the peer's address.
    """

    POST_METHODS = _POST_METHODS

    # One request is made per HTTP request: what starts out the same for
    # every one is a class default, set on the instance when it changes.
    #: Parsed from the target on first use (many handlers never look).
    _url_parts: tuple[URL, str | None] | None = None
    _read_bytes: bytes | None = None
    _post: MultiDictProxy[str | bytes | FileField] | None = None
    #: The files of uploaded form fields, closed after the response.
    _files: list[BinaryIO] | None = None
    #: Set when a response to this request began (its head is out or
    #: pending); after that no other answer can be sent.
    _response_started: bool = False
    _scheme: str | None = None
    _host: str | None = None
    _remote: str | None = None

    def __init__(
        self,
        message: RequestHead,
        payload: StreamReader,
        protocol: RequestHandler,
        payload_writer: StreamWriter,
        task: asyncio.Task[None] | None,
        loop: asyncio.AbstractEventLoop,
        *,
        client_max_size: int = DEFAULT_CLIENT_MAX_SIZE,
        client_max_fields: int = 1000,
        state: dict[Any, Any] | None = None,
        scheme: str | None = None,
        host: str | None = None,
        remote: str | None = None,
    ) -> None:
        self._message = message
        self._protocol = protocol
        self._payload_writer = payload_writer
        self._payload = payload
        self._headers: CIMultiDictProxy[str] = message.headers
        self._method = message.method
        self._loop = loop
        self._task = task
        self._client_max_size = client_max_size
        self._client_max_fields = client_max_fields
        self._state: dict[Any, Any] = {} if state is None else state
        if scheme is not None:
            self._scheme = scheme
        if host is not None:
            self._host = host
        if remote is not None:
            self._remote = remote
        # A test's stand-in protocol may not have them.
        self._peername = getattr(protocol, "peername", None)
        self._sslcontext = getattr(protocol, "sslcontext", None)

    def clone(
        self: _RequestT,
        *,
        method: str = _Sentinel,
        rel_url: URL | str = _Sentinel,
        headers: Mapping[str, str] = _Sentinel,
        scheme: str = _Sentinel,
        host: str = _Sentinel,
        remote: str = _Sentinel,
        client_max_size: int = _Sentinel,
    ) -> _RequestT:
        """A copy with some attributes changed; body and state are shared.

        Raises:
            RuntimeError: the body was already read (``read()`` and friends).
        """
        if self._read_bytes is not None:
            raise RuntimeError("Cannot clone request after reading its content")
        message = self._message
        changes: dict[str, Any] = {}
        if method is not _Sentinel:
            changes["method"] = method
        if rel_url is not _Sentinel:
            url = URL(rel_url)
            if url.absolute:
                raise ValueError("rel_url must be relative")
            changes["target"] = str(url)
        if headers is not _Sentinel:
            new = CIMultiDictProxy(CIMultiDict(headers))
            changes["headers"] = new
            changes["raw_headers"] = tuple(
                (k.encode("latin-1"), v.encode("latin-1")) for k, v in new.items()
            )
        if changes:
            fields = {
                name: getattr(message, name)
                for name in (
                    "method",
                    "target",
                    "version",
                    "headers",
                    "raw_headers",
                    "keep_alive",
                    "upgrade",
                    "chunked",
                    "content_length",
                )
            }
            fields.update(changes)
            message = type(message)(**fields)
        clone = self._make_clone(
            message,
            client_max_size=self._client_max_size
            if client_max_size is _Sentinel
            else client_max_size,
            scheme=self._scheme if scheme is _Sentinel else scheme,
            host=self._host if host is _Sentinel else host,
            remote=self._remote if remote is _Sentinel else remote,
        )
        assert isinstance(clone, type(self))
        return clone

    def _make_clone(self, message: RequestHead, **kwargs: Any) -> BaseRequest:
        return type(self)(
            message,
            self._payload,
            self._protocol,
            self._payload_writer,
            self._task,
            self._loop,
            client_max_fields=self._client_max_fields,
            state=self._state,
            **kwargs,
        )

    # -- the connection ---------------------------------------------------------

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The task handling this request."""
        return self._task

    @property
    def protocol(self) -> RequestHandler:
        """The connection's request handler."""
        return self._protocol

    @property
    def transport(self) -> asyncio.Transport | None:
        """The connection's transport; None once it is closed."""
        return self._protocol.transport

    @property
    def writer(self) -> StreamWriter:
        """The writer the response goes out through."""
        return self._payload_writer

    @property
    def client_max_size(self) -> int:
        """The largest body read into memory, in bytes."""
        return self._client_max_size

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """Transport information (``peername``, ``sslcontext``, ``socket``...)."""
        transport = self._protocol.transport
        if transport is None:
            return default
        return transport.get_extra_info(name, default)

    @property
    def message(self) -> RequestHead:
        """The parsed head."""
        return self._message

    # -- the request line -------------------------------------------------------

    @property
    def method(self) -> str:
        """The method, as sent (methods are case-sensitive, RFC 9110 §9.1)."""
        return self._method

    @property
    def version(self) -> tuple[int, int]:
        """The HTTP version, e.g. ``HttpVersion(1, 1)``."""
        return self._message.version

    @property
    def scheme(self) -> str:
        """``https`` on a TLS connection, ``http`` otherwise (or the override)."""
        if self._scheme is not None:
            return self._scheme
        return "https" if self._sslcontext is not None else "http"

    @property
    def secure(self) -> bool:
        """Whether ``scheme`` is ``https``."""
        return self.scheme == "https"

    @property
    def host(self) -> str:
        """The target host: the override, an absolute-form target's authority,
        the ``Host`` header, or this machine's name."""
        if self._host is not None:
            return self._host
        authority = self._target_parts()[1]
        if authority is not None:
            return authority
        host = self._headers.get("Host")
        if host is not None:
            return host
        return socket.getfqdn()

    @property
    def remote(self) -> str | None:
        """The peer's address (or the override); None when unknown."""
        if self._remote is not None:
            return self._remote
        peer = self._peername
        if isinstance(peer, (list, tuple)):
            return str(peer[0])
        return None if peer is None else str(peer)

    @property
    def forwarded(self) -> tuple[Mapping[str, str], ...]:
        """The ``Forwarded`` elements (RFC 7239), nearest client first; not
        trusted by aioweb itself (see :mod:`aioweb.web.forwarded`)."""
        return parse_forwarded(self._headers.getall("Forwarded", ()))

    @property
    def url(self) -> URL:
        """The absolute URL: scheme, host and the target.

        Raises:
            HTTPBadRequest: the host is not a valid authority.
        """
        try:
            return URL.build(scheme=self.scheme, authority=self.host).join(
                self._target_parts()[0]
            )
        except ValueError as exc:
            raise HTTPBadRequest(text="invalid Host") from exc

    def _target_parts(self) -> tuple[URL, str | None]:
        parts = self._url_parts
        if parts is None:
            parts = self._url_parts = _target_url(self._message.target)
        return parts

    def _route_path(self) -> str:
        """The raw path the router matches, without building a URL if it can."""
        if self._url_parts is None:
            target = self._message.target
            if target.startswith("/"):  # origin-form, RFC 9112 §3.2.1
                return target.partition("?")[0]
        return self._target_parts()[0].raw_path

    @property
    def rel_url(self) -> URL:
        """The target as a relative URL (path and query)."""
        return self._target_parts()[0]

    @property
    def raw_path(self) -> str:
        """The request-target exactly as sent, query included."""
        return self._message.target

    @property
    def path(self) -> str:
        """The decoded path."""
        return self._target_parts()[0].path

    @property
    def path_qs(self) -> str:
        """The path and query, as in the target."""
        return str(self._target_parts()[0])

    @property
    def query(self) -> MultiDictProxy[str]:
        """The decoded query parameters."""
        return self._target_parts()[0].query

    @property
    def query_string(self) -> str:
        """The decoded query string."""
        return self._target_parts()[0].query_string

    # -- headers ----------------------------------------------------------------

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        """The header fields, values decoded as latin-1."""
        return self._headers

    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        """The header fields as received."""
        return self._message.raw_headers

    @property
    def keep_alive(self) -> bool:
        """Whether the client allows the connection to stay open."""
        return self._message.keep_alive

    @property
    def cookies(self) -> Mapping[str, str]:
        """The cookies of the ``Cookie`` headers."""
        pairs: dict[str, str] = {}
        for value in self._headers.getall("Cookie", ()):
            for name, cookie in parse_cookie_header(value):
                pairs.setdefault(name, cookie)
        return MappingProxyType(pairs)

    # -- the body ---------------------------------------------------------------

    @property
    def content(self) -> StreamReader:
        """The body stream."""
        return self._payload

    @property
    def body_exists(self) -> bool:
        """Whether the request has a body at all (even an empty chunked one)."""
        message = self._message
        if isinstance(self._payload, EmptyStreamReader):
            return False
        # RFC 9112 §6.3: a request without Content-Length or chunked framing
        # has no body (its stream merely ends at once).
        return message.chunked or message.content_length is not None

    @property
    def can_read_body(self) -> bool:
        """Whether some of the body is still unread."""
        return not self._payload.at_eof()

    @property
    def has_body(self) -> bool:
        """Same as :attr:`can_read_body` (aiohttp's older name)."""
        return self.can_read_body

    async def release(self) -> None:
        """Read and drop the rest of the body."""
        while not self._payload.at_eof():
            await self._payload.readany()

    async def read(self) -> bytes:
        """The whole body (read once, then remembered).

        Raises:
            HTTPRequestEntityTooLarge: it passes ``client_max_size``.
        """
        if self._read_bytes is None:
            self._read_bytes = await read_limited(
                self._payload, self._client_max_size, self._message.content_length
            )
        return self._read_bytes

    async def text(self) -> str:
        """The body decoded with its charset (UTF-8 by default).

        Raises:
            HTTPBadRequest: the body is not text in that charset.
        """
        body = await self.read()
        encoding = self.charset or "utf-8"
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise HTTPBadRequest(text=f"body is not {encoding} text") from exc

    async def json(self, *, loads: Callable[[str], Any] = json.loads) -> Any:
        """The body parsed as JSON with ``loads``."""
        return loads(await self.text())

    async def multipart(self) -> MultipartReader:
        """A reader over a ``multipart/*`` body, part by part."""
        return MultipartReader(self._headers, self._payload)

    async def post(self) -> MultiDictProxy[str | bytes | FileField]:
        """The form fields of a urlencoded or ``multipart/form-data`` body.

        Other methods than POST, PUT, PATCH, TRACE and DELETE, and other
        content types, give an empty mapping (as in aiohttp).

        Raises:
            HTTPRequestEntityTooLarge: the body passes ``client_max_size``.
            HTTPBadRequest: too many fields or undecodable text.
        """
        if self._post is not None:
            return self._post
        if self._method not in self.POST_METHODS:
            self._post = MultiDictProxy(MultiDict())
            return self._post
        content_type = self.content_type
        raw_type = self._headers.get("Content-Type", "")
        if not raw_type:
            content_type = ""
        if content_type not in _FORM_TYPES:
            self._post = MultiDictProxy(MultiDict())
            return self._post
        if content_type == "multipart/form-data":
            form = await read_multipart_form(
                await self.multipart(),
                self._client_max_size,
                self._client_max_fields,
                self._open_files(),
            )
        else:
            form = parse_urlencoded(
                await self.read(), self.charset or "utf-8", self._client_max_fields
            )
        self._post = MultiDictProxy(form)
        return self._post

    # -- state ------------------------------------------------------------------

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

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        path = self.path.encode("ascii", "backslashreplace").decode("ascii")
        return f"<{type(self).__name__} {self._method} {path} >"

    # -- the server's hooks -----------------------------------------------------

    async def _prepare_hook(self, response: StreamResponse) -> None:
        """Called as a response is prepared (Request sends on_response_prepare)."""

    def _has_prepare_receivers(self) -> bool:
        """Whether :meth:`_prepare_hook` has anything to await."""
        return False

    def _finish(self) -> None:
        """Close the files of uploaded form fields."""
        files = self._files
        if files:
            for file in files:
                file.close()
            files.clear()

    def _open_files(self) -> list[BinaryIO]:
        if self._files is None:
            self._files = []
        return self._files

    def _cancel(self, exc: BaseException) -> None:
        """Fail a body read in progress: the connection is gone."""
        self._payload.set_exception(exc)


class Request(BaseRequest):
    """A request routed by an :class:`~aioweb.web.Application`."""

    # A class default instead of an __init__: one request per HTTP request
    # is built, and forwarding the constructor's arguments would cost more.
    _match_info: UrlMappingMatchInfo | None = None

    def _make_clone(self, message: RequestHead, **kwargs: Any) -> Request:
        clone = super()._make_clone(message, **kwargs)
        assert isinstance(clone, Request)
        clone._match_info = self._match_info
        return clone

    @property
    def match_info(self) -> UrlMappingMatchInfo:
        """The result of routing: the path's variables and the route."""
        match_info = self._match_info
        assert match_info is not None, "the request was not routed yet"
        return match_info

    @match_info.setter
    def match_info(self, value: UrlMappingMatchInfo) -> None:
        self._match_info = value

    @property
    def app(self) -> Application:
        """The application whose code is running for this request."""
        return self.match_info.current_app

    @property
    def config_dict(self) -> ChainMapProxy:
        """The state of ``app`` and the applications enclosing it."""
        match_info = self.match_info
        return config_dict(match_info.apps, match_info.current_app)

    def _has_prepare_receivers(self) -> bool:
        match_info = self._match_info
        if match_info is None:
            return False
        # The attributes behind the apps and on_response_prepare properties:
        # no tuple and no property calls per request.
        for app in match_info._apps:  # noqa: SIM110 - no generator per request
            if app._on_response_prepare:
                return True
        return False

    async def _prepare_hook(self, response: StreamResponse) -> None:
        match_info = self._match_info
        if match_info is None:
            return
        for app in match_info.apps:
            signal = app.on_response_prepare
            if signal:  # most applications have no receivers
                await signal.send(self, response)
