"""Opening a WebSocket from a session: ``session.ws_connect(url)``.

How this works: the opening handshake (RFC 6455 §4.1) is an ordinary GET
sent through the session (so cookies, auth, proxies, TLS and redirects
apply), with the headers from :func:`aioweb.websocket.request_headers`. The
answer is checked with :func:`aioweb.websocket.validate_response`; a
refusal raises :class:`~aioweb.client.WSServerHandshakeError` carrying the
status. On success the response parser has stopped after the ``101`` head,
and every byte received from then on, the ones that came with the head
included, goes to the WebSocket reader of a
:class:`ClientWebSocketResponse`, which speaks the framing of
:class:`aioweb.protocol.WebSocketBase` with aiohttp's client behaviour.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar

from multidict import CIMultiDict
from yarl import URL

from aioweb.protocol import BasicAuth, WebSocketBase, WebSocketReader, hdrs
from aioweb.websocket import (
    DeflateOptions,
    HandshakeError,
    Role,
    generate_key,
    request_headers,
    validate_response,
)

from .exceptions import ServerTimeoutError, WSServerHandshakeError
from .timeout import DEFAULT_WS_CLIENT_TIMEOUT, ClientWSTimeout

if TYPE_CHECKING:
    from .client_response import ClientResponse
    from .session import ClientSession

__all__ = ("ClientWebSocketResponse", "ws_connect")

#: aiohttp's default limit on a received message.
DEFAULT_WS_MAX_MSG_SIZE = 4 * 1024 * 1024


class ClientWebSocketResponse(WebSocketBase):
    """The client end of an open WebSocket (aiohttp's class of that name).

    Made by :meth:`ClientSession.ws_connect`; send with ``send_str``,
    ``send_bytes``, ``send_json``, ``ping``; read with ``receive`` or
    ``async for``; end with ``close``.
    """

    # aiohttp's client keeps returning CLOSED, marks a receive timeout as an
    # abnormal closure, and reports a missed heartbeat as ServerTimeoutError.
    _CLOSED_RECEIVE_LIMIT: ClassVar[int | None] = None
    _TIMEOUT_IS_ABNORMAL: ClassVar[bool] = True

    __slots__ = ("_client_notakeover", "_compress", "_response")

    def __init__(
        self,
        response: ClientResponse,
        *,
        timeout: ClientWSTimeout,
        autoclose: bool,
        autoping: bool,
        heartbeat: float | None,
        max_msg_size: int,
        compress: int,
        client_notakeover: bool,
    ) -> None:
        super().__init__(
            timeout=timeout.ws_close or 10.0,
            receive_timeout=timeout.ws_receive,
            autoclose=autoclose,
            autoping=autoping,
            heartbeat=heartbeat,
            max_msg_size=max_msg_size,
        )
        self._response = response
        self._compress = compress
        self._client_notakeover = client_notakeover

    @property
    def compress(self) -> int:
        """The negotiated deflate window bits, ``0`` without compression."""
        return self._compress

    @property
    def client_notakeover(self) -> bool:
        """Whether the client resets its compressor after each message."""
        return self._client_notakeover

    def _close_transport(self) -> None:
        self._response.close()

    def _pong_timeout_error(self) -> BaseException:
        timeout = self._heartbeat.pong_timeout if self._heartbeat else 0.0
        return ServerTimeoutError(f"No PONG received after {timeout} seconds")


class _ReaderFeed:
    """Hands the connection's bytes to the WebSocket reader."""

    __slots__ = ("_reader",)

    def __init__(self, reader: WebSocketReader) -> None:
        self._reader = reader

    def __call__(self, data: bytes) -> None:
        self._reader.feed_data(data)

    def eof(self, exc: BaseException | None) -> None:
        self._reader.feed_eof()


async def _connect(
    session: ClientSession,
    url: str | URL,
    *,
    method: str = hdrs.METH_GET,
    protocols: Iterable[str] = (),
    timeout: ClientWSTimeout = DEFAULT_WS_CLIENT_TIMEOUT,
    receive_timeout: float | None = None,
    autoclose: bool = True,
    autoping: bool = True,
    heartbeat: float | None = None,
    auth: BasicAuth | None = None,
    origin: str | None = None,
    params: Any = None,
    headers: Mapping[str, str] | None = None,
    proxy: str | URL | None = None,
    proxy_auth: BasicAuth | None = None,
    ssl: Any = True,
    server_hostname: str | None = None,
    proxy_headers: Mapping[str, str] | None = None,
    compress: int = 0,
    max_msg_size: int = DEFAULT_WS_MAX_MSG_SIZE,
) -> ClientWebSocketResponse:
    if receive_timeout is not None:
        timeout = ClientWSTimeout(ws_receive=receive_timeout, ws_close=timeout.ws_close)
    offered = list(protocols)
    key = generate_key()
    deflate = None
    if compress:
        deflate = DeflateOptions(
            client_max_window_bits=compress if compress < 15 else None
        )
    sent: CIMultiDict[str] = CIMultiDict(headers or {})
    for name, value in request_headers(key, subprotocols=offered, deflate=deflate):
        sent[name] = value
    if origin is not None:
        sent[hdrs.ORIGIN] = origin
    resp = await session.request(
        method,
        url,
        params=params,
        headers=sent,
        auth=auth,
        proxy=proxy,
        proxy_auth=proxy_auth,
        ssl=ssl,
        server_hostname=server_hostname,
        proxy_headers=proxy_headers,
        read_until_eof=False,
    )
    try:
        result = validate_response(
            resp.status,
            list(resp.headers.items()),
            key=key,
            subprotocols=offered,
            deflate=deflate,
        )
    except HandshakeError as exc:
        resp.close()
        raise WSServerHandshakeError(
            resp.request_info,
            resp.history,
            status=resp.status,
            message=str(exc),
            headers=resp.headers,
        ) from exc
    connection = resp.connection
    protocol = connection.protocol if connection is not None else None
    if protocol is None or protocol.transport is None:
        resp.close()
        raise WSServerHandshakeError(
            resp.request_info,
            resp.history,
            status=resp.status,
            message="the connection closed during the handshake",
            headers=resp.headers,
        )
    negotiated = 0
    notakeover = False
    for extension in result.extensions:
        negotiated = extension.parameters.client_max_window_bits or 15
        notakeover = extension.parameters.client_no_context_takeover
    ws = ClientWebSocketResponse(
        resp,
        timeout=timeout,
        autoclose=autoclose,
        autoping=autoping,
        heartbeat=heartbeat,
        max_msg_size=max_msg_size,
        compress=negotiated,
        client_notakeover=notakeover,
    )
    reader = ws._attach(
        protocol.transport,
        protocol,
        Role.CLIENT,
        extensions=result.extensions,
        subprotocol=result.subprotocol,
    )
    protocol.take_over(_ReaderFeed(reader))
    return ws


class _WSRequestContextManager:
    """What ``ws_connect`` returns: awaitable, and closes the WebSocket on exit."""

    __slots__ = ("_coro", "_ws")

    def __init__(self, coro: Any) -> None:
        self._coro = coro
        self._ws: ClientWebSocketResponse | None = None

    def __await__(self) -> Generator[Any, None, ClientWebSocketResponse]:
        result: ClientWebSocketResponse = yield from self._coro.__await__()
        return result

    async def __aenter__(self) -> ClientWebSocketResponse:
        self._ws = await self._coro
        return self._ws

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._ws is not None
        await self._ws.close()


def ws_connect(
    session: ClientSession, url: str | URL, **kwargs: Any
) -> _WSRequestContextManager:
    """Open a WebSocket to ``url`` through ``session`` (aiohttp's arguments)."""
    return _WSRequestContextManager(_connect(session, url, **kwargs))
