"""Connecting through an HTTP or HTTPS forward proxy.

How this works: the connector first connects to the proxy itself (over TLS
when the proxy's URL is ``https``). A plain ``http`` request is then sent to
the proxy as it is, with an absolute target and the proxy's credentials
(RFC 9112 §3.2.2). An ``https`` request needs a tunnel: ``CONNECT
host:port`` (RFC 9110 §9.3.6) is sent with ``Proxy-Authorization`` and the
``proxy_headers``; a 2xx answer turns the connection into a byte pipe, on
which TLS to the origin starts (TLS inside TLS for an HTTPS proxy). Only the
proxy ever sees its credentials: the request inside the tunnel carries none
of them.

A refusal raises :class:`~aioweb.client.ClientHttpProxyError` with the
proxy's status; a proxy that cannot be reached raises
:class:`~aioweb.client.ClientProxyConnectionError`.
"""

from __future__ import annotations

import ssl as ssl_module
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from multidict import CIMultiDict, CIMultiDictProxy

from aioweb.protocol import hdrs, serialize_head

from .connection_key import ConnectionKey
from .exceptions import (
    ClientConnectionError,
    ClientHttpProxyError,
    ClientProxyConnectionError,
)
from .fingerprint import Fingerprint
from .request_info import RequestInfo
from .response_handler import HeadError, ResponseHandler
from .timeout import ClientTimeout, sock_connect_timeout

if TYPE_CHECKING:
    from .client_request import ClientRequest
    from .tcp_connector import TCPConnector
    from .tracing import Trace

__all__ = ("connect_through_proxy",)


async def connect_through_proxy(
    connector: TCPConnector,
    req: ClientRequest,
    traces: Sequence[Trace],
    timeout: ClientTimeout,
) -> ResponseHandler:
    """A connection to ``req``'s origin through ``req.proxy``.

    Raises:
        ClientProxyConnectionError: the proxy could not be reached.
        ClientHttpProxyError: the proxy refused the tunnel.
        ClientConnectorSSLError: TLS to the proxy or the origin failed.
    """
    from .tcp_connector import check_fingerprint, ssl_context_for

    proxy = req.proxy
    assert proxy is not None
    if proxy.scheme not in ("http", "https") or not proxy.host:
        raise ValueError(f"Only http and https proxies are supported, not {proxy}")
    proxy_ssl = proxy.scheme == "https"
    proxy_key = ConnectionKey(
        proxy.host,
        proxy.port,
        proxy_ssl,
        True,
        None,
        None,
        None,
    )
    protocol = await connector._connect_host(
        req,
        proxy_key,
        proxy.raw_host or "",
        proxy.port or (443 if proxy_ssl else 80),
        traces,
        timeout,
        ssl=_proxy_ssl(connector._ssl_for(req)) if proxy_ssl else None,
        proxy=True,
    )
    if not req.is_ssl():
        return protocol

    try:
        await _open_tunnel(protocol, req)
    except BaseException:
        protocol.close()
        raise
    transport = protocol.transport
    assert transport is not None
    origin_ssl = connector._ssl_for(req)
    context = ssl_context_for(origin_ssl)
    name = (req.server_hostname or req.host).rstrip(".")
    if sys.version_info < (3, 11) and transport.get_extra_info("sslcontext"):
        # asyncio's start_tls over a TLS transport (TLS in TLS) arrived in 3.11.
        transport.abort()
        raise ClientConnectionError(
            "an HTTPS target through an HTTPS proxy (TLS in TLS) needs Python 3.11"
            " or newer"
        )
    tls_protocol = ResponseHandler(connector._loop)
    try:
        async with sock_connect_timeout(timeout):
            tls_transport = await connector._loop.start_tls(
                transport,
                tls_protocol,
                context,
                server_hostname=name,
                ssl_handshake_timeout=timeout.total,
                **connector.tls_loop_options(),
            )
    except BaseException as exc:
        transport.abort()
        if isinstance(exc, ssl_module.SSLError | ssl_module.CertificateError):
            from .tcp_connector import translate_connect_error

            raise translate_connect_error(req.connection_key, exc) from exc
        raise
    assert tls_transport is not None
    # start_tls leaves connection_made to the caller.
    tls_protocol.connection_made(tls_transport)
    if isinstance(origin_ssl, Fingerprint):
        check_fingerprint(origin_ssl, tls_protocol)
    return tls_protocol


def _proxy_ssl(
    setting: ssl_module.SSLContext | bool | Fingerprint,
) -> ssl_module.SSLContext | bool:
    # As aiohttp: the request's TLS setting reaches the proxy too (a context
    # trusting a private CA, or no checks); a pin is for the origin only.
    return True if isinstance(setting, Fingerprint) else setting


async def _open_tunnel(protocol: ResponseHandler, req: ClientRequest) -> None:
    authority = f"{req.url.host_subcomponent}:{req.port}"
    headers: CIMultiDict[str] = CIMultiDict({hdrs.HOST: authority})
    if req.proxy_headers:
        headers.extend(req.proxy_headers)
    if req.proxy_auth is not None:
        headers[hdrs.PROXY_AUTHORIZATION] = req.proxy_auth.encode()
    protocol.start_response("CONNECT", read_timeout=None)
    transport = protocol.transport
    if transport is None:
        raise ClientProxyConnectionError(
            req.connection_key, ConnectionResetError("proxy closed the connection")
        )
    transport.write(serialize_head(f"CONNECT {authority} HTTP/1.1", headers.items()))
    info = RequestInfo(req.url, "CONNECT", CIMultiDictProxy(headers), req.url)
    try:
        head, _ = await protocol.read_head()
    except HeadError as exc:
        raise ClientHttpProxyError(
            info, (), status=exc.error.status, message=exc.error.message
        ) from exc.error
    if not 200 <= head.status < 300:
        raise ClientHttpProxyError(
            info, (), status=head.status, message=head.reason, headers=head.headers
        )
    if protocol.upgraded_tail:
        # A proxy must not speak before the origin's TLS handshake.
        raise ClientHttpProxyError(
            info, (), status=head.status, message="data after the CONNECT answer"
        )
