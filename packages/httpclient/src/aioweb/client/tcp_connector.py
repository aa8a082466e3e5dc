"""Connectors that open connections: :class:`TCPConnector`, :class:`UnixConnector`.

How this works: :class:`TCPConnector` resolves the host (through a
:class:`~aioweb.client.dns_cache.HostResolver`: IP literals, the DNS cache,
coalesced lookups), races the addresses with happy eyeballs (RFC 8305, via
``aiohappyeyeballs``) under the ``sock_connect`` timeout, and wraps the
winning socket in TLS when the URL asks for it. TLS is verified by default
(a default context: CA certificates and host name); ``ssl=False`` turns
checks off and a :class:`~aioweb.client.Fingerprint` pins the certificate.

Through a proxy, a plain-HTTP request goes to the proxy itself with an
absolute target; an HTTPS one opens a tunnel with ``CONNECT`` (RFC 9110
§9.3.6) and then starts TLS to the origin inside it, see
:mod:`aioweb.client.proxy_tunnel`.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import ssl as ssl_module
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import aiohappyeyeballs

from .connector import BaseConnector
from .dns_cache import HostResolver
from .exceptions import (
    ClientConnectorCertificateError,
    ClientConnectorDNSError,
    ClientConnectorError,
    ClientConnectorSSLError,
    ClientProxyConnectionError,
    UnixClientConnectorError,
)
from .fingerprint import Fingerprint
from .resolver import AbstractResolver, DefaultResolver
from .response_handler import ResponseHandler
from .timeout import ClientTimeout, sock_connect_timeout

if TYPE_CHECKING:
    from .client_request import ClientRequest
    from .connection_key import ConnectionKey
    from .tracing import Trace

__all__ = ("TCPConnector", "UnixConnector", "default_ssl_context")

SocketFactory = Callable[[aiohappyeyeballs.AddrInfoType], socket.socket]


@functools.cache
def default_ssl_context() -> ssl_module.SSLContext:
    """The verifying context shared by connections that use the defaults."""
    return ssl_module.create_default_context()


@functools.cache
def _unverified_context() -> ssl_module.SSLContext:
    context = ssl_module.SSLContext(ssl_module.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl_module.CERT_NONE
    context.options |= ssl_module.OP_NO_COMPRESSION
    context.set_default_verify_paths()
    return context


def ssl_context_for(
    value: ssl_module.SSLContext | bool | Fingerprint,
) -> ssl_module.SSLContext:
    """The context to use for a request's ``ssl`` argument."""
    if isinstance(value, ssl_module.SSLContext):
        return value
    if value is True:
        return default_ssl_context()
    return _unverified_context()


def translate_connect_error(
    key: ConnectionKey, exc: OSError, proxy: bool = False
) -> ClientConnectorError:
    """The client error for an error met while connecting to ``key``."""
    if isinstance(exc, ssl_module.SSLCertVerificationError):
        return ClientConnectorCertificateError(key, exc)
    if isinstance(exc, ssl_module.SSLError):
        return ClientConnectorSSLError(key, exc)
    if proxy:
        return ClientProxyConnectionError(key, exc)
    return ClientConnectorError(key, exc)


def _is_our_timeout(exc: OSError) -> bool:
    # asyncio.TimeoutError is an OSError from 3.11; a timeout of ours (no
    # errno) passes through, a socket's ETIMEDOUT is a connection error.
    return exc.errno is None and isinstance(exc, asyncio.TimeoutError)


class TCPConnector(BaseConnector):
    """Connects over TCP, with DNS caching, happy eyeballs and TLS.

    Args:
        ssl: ``True`` to verify certificates (the default), ``False`` not to,
            an :class:`ssl.SSLContext`, or a :class:`~aioweb.client.Fingerprint`.
        use_dns_cache: cache lookups and coalesce concurrent ones.
        ttl_dns_cache: seconds a lookup is cached; ``None`` for ever.
        family: ``0`` for any, or ``socket.AF_INET`` / ``AF_INET6``.
        local_addr: ``(host, port)`` to bind before connecting.
        resolver: the resolver; a :class:`~aioweb.client.DefaultResolver`
            by default.
        happy_eyeballs_delay: seconds before trying the next address (RFC
            8305); ``None`` tries them one after another.
        interleave: how many addresses of the first family to try before one
            of the other.
        socket_factory: makes the socket for an address (to set options).
        ssl_shutdown_timeout: seconds a TLS connection may take to close
            (the closing handshake, RFC 8446 §6.1). ``None`` (the default)
            leaves asyncio's own limit (30 s) and :meth:`close` waits a short
            grace before aborting what is left; a positive number is passed to
            the loop (Python 3.11 or newer; earlier ones ignore it with a
            :class:`RuntimeWarning`) and is the grace :meth:`close` gives; ``0``
            makes :meth:`close` abort TLS connections at once, as aiohttp's
            default does.
        **kwargs: see :class:`~aioweb.client.BaseConnector`.

    Raises:
        ValueError: a negative ``ssl_shutdown_timeout``.
    """

    def __init__(
        self,
        *,
        ssl: ssl_module.SSLContext | bool | Fingerprint = True,
        use_dns_cache: bool = True,
        ttl_dns_cache: float | None = 10,
        family: int = 0,
        local_addr: tuple[str, int] | None = None,
        resolver: AbstractResolver | None = None,
        happy_eyeballs_delay: float | None = 0.25,
        interleave: int | None = None,
        socket_factory: SocketFactory | None = None,
        ssl_shutdown_timeout: float | None = None,
        **kwargs: Any,
    ) -> None:
        if ssl_shutdown_timeout is not None:
            if ssl_shutdown_timeout < 0:
                raise ValueError(
                    f"ssl_shutdown_timeout must not be negative: {ssl_shutdown_timeout}"
                )
            if ssl_shutdown_timeout > 0 and sys.version_info < (3, 11):
                warnings.warn(
                    "ssl_shutdown_timeout is ignored before Python 3.11",
                    RuntimeWarning,
                    stacklevel=2,
                )
        super().__init__(**kwargs)
        self._ssl_shutdown_timeout = ssl_shutdown_timeout
        if ssl_shutdown_timeout is not None:
            self._close_grace = ssl_shutdown_timeout
        if ssl is None:
            raise TypeError("ssl should be True, False, an SSLContext or a Fingerprint")
        self._ssl = ssl
        if resolver is None:
            resolver = DefaultResolver()
        self._resolver = resolver
        self._host_resolver = HostResolver(
            resolver,
            use_dns_cache=use_dns_cache,
            ttl_dns_cache=ttl_dns_cache,
            family=family,
        )
        self._family = family
        self._local_addr_infos = (
            aiohappyeyeballs.addr_to_addr_infos(local_addr) if local_addr else None
        )
        self._happy_eyeballs_delay = happy_eyeballs_delay
        self._interleave = interleave
        self._socket_factory = socket_factory

    @property
    def ssl_shutdown_timeout(self) -> float | None:
        """Seconds a TLS connection may take to close (see the class)."""
        return self._ssl_shutdown_timeout

    def tls_loop_options(self) -> dict[str, Any]:
        """The TLS keyword arguments for the loop's ``create_connection``
        and ``start_tls``: ``ssl_shutdown_timeout`` where the loop takes it."""
        timeout = self._ssl_shutdown_timeout
        if timeout and sys.version_info >= (3, 11):
            return {"ssl_shutdown_timeout": timeout}
        return {}

    @property
    def family(self) -> int:
        """The address family asked of the resolver."""
        return self._family

    @property
    def use_dns_cache(self) -> bool:
        """Whether lookups are cached."""
        return self._host_resolver.use_dns_cache

    @property
    def ssl(self) -> ssl_module.SSLContext | bool | Fingerprint:
        """The connector's default TLS setting."""
        return self._ssl

    def clear_dns_cache(self, host: str | None = None, port: int | None = None) -> None:
        """Forget one cached lookup, or all of them."""
        self._host_resolver.clear_dns_cache(host, port)

    async def _close_extra(self) -> None:
        await self._host_resolver.close()

    # -- connecting -----------------------------------------------------------

    async def _create_connection(
        self, req: ClientRequest, traces: Sequence[Trace], timeout: ClientTimeout
    ) -> ResponseHandler:
        if req.proxy is not None:
            from .proxy_tunnel import connect_through_proxy

            return await connect_through_proxy(self, req, traces, timeout)
        return await self._connect_host(
            req,
            req.connection_key,
            req.url.raw_host or "",
            req.port or 0,
            traces,
            timeout,
            ssl=self._ssl_for(req) if req.is_ssl() else None,
            server_hostname=req.server_hostname,
        )

    def _ssl_for(
        self, req: ClientRequest
    ) -> ssl_module.SSLContext | bool | Fingerprint:
        # A request's own setting wins; ``True`` defers to the connector's.
        return self._ssl if req.ssl is True else req.ssl

    async def _connect_host(
        self,
        req: ClientRequest,
        key: ConnectionKey,
        host: str,
        port: int,
        traces: Sequence[Trace],
        timeout: ClientTimeout,
        *,
        ssl: ssl_module.SSLContext | bool | Fingerprint | None,
        server_hostname: str | None = None,
        proxy: bool = False,
    ) -> ResponseHandler:
        """Resolve ``host``, connect to it, and start TLS when ``ssl`` is set."""
        try:
            hosts = await self._host_resolver.resolve_host(host, port, traces)
        except OSError as exc:
            if _is_our_timeout(exc):
                raise
            raise ClientConnectorDNSError(key, exc) from exc
        addr_infos: list[aiohappyeyeballs.AddrInfoType] = []
        for entry in hosts:
            address: tuple[Any, ...] = (entry["host"], entry["port"])
            if entry["family"] == socket.AF_INET6:
                address = (entry["host"], entry["port"], 0, 0)
            addr_infos.append(
                (entry["family"], socket.SOCK_STREAM, entry["proto"], "", address)
            )
        try:
            async with sock_connect_timeout(timeout):
                sock = await aiohappyeyeballs.start_connection(
                    addr_infos,
                    happy_eyeballs_delay=self._happy_eyeballs_delay,
                    interleave=self._interleave,
                    local_addr_infos=self._local_addr_infos,
                    socket_factory=self._socket_factory,
                )
        except OSError as exc:
            if _is_our_timeout(exc):
                raise
            raise translate_connect_error(key, exc, proxy) from exc
        context = None if ssl is None else ssl_context_for(ssl)
        name = None
        if context is not None:
            name = (server_hostname or host).rstrip(".")
        try:
            async with sock_connect_timeout(timeout):
                _, protocol = await self._loop.create_connection(
                    lambda: ResponseHandler(self._loop),
                    sock=sock,
                    ssl=context,
                    server_hostname=name,
                    ssl_handshake_timeout=timeout.total if context else None,
                    **(self.tls_loop_options() if context else {}),
                )
        except BaseException as exc:
            sock.close()
            if isinstance(exc, OSError) and not _is_our_timeout(exc):
                raise translate_connect_error(key, exc, proxy) from exc
            raise
        if isinstance(ssl, Fingerprint):
            check_fingerprint(ssl, protocol)
        return protocol


def check_fingerprint(pin: Fingerprint, protocol: ResponseHandler) -> None:
    """Close the connection unless its certificate matches ``pin``."""
    assert protocol.transport is not None
    try:
        pin.check(protocol.transport)
    except BaseException:
        protocol.transport.abort()
        raise


class UnixConnector(BaseConnector):
    """Connects to a Unix domain socket, whatever the URL's host.

    Args:
        path: the socket's path.
        **kwargs: see :class:`~aioweb.client.BaseConnector`.
    """

    def __init__(self, path: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._path = path

    @property
    def path(self) -> str:
        """The socket's path."""
        return self._path

    async def _create_connection(
        self, req: ClientRequest, traces: Sequence[Trace], timeout: ClientTimeout
    ) -> ResponseHandler:
        try:
            async with sock_connect_timeout(timeout):
                _, protocol = await self._loop.create_unix_connection(
                    lambda: ResponseHandler(self._loop), self._path
                )
        except OSError as exc:
            if _is_our_timeout(exc):
                raise
            raise UnixClientConnectorError(self._path, req.connection_key, exc) from exc
        return protocol
