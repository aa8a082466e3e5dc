"""The key under which the connector pools connections.

Two requests may share a pooled connection only when everything that shapes
the connection itself is equal: where it goes, how TLS is set up, and which
proxy (with which credentials and headers) it passes through. A named tuple
hashes and compares at C speed, which matters on every pool lookup.
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING, NamedTuple

from yarl import URL

from aioweb.protocol import BasicAuth

if TYPE_CHECKING:
    from .fingerprint import Fingerprint

__all__ = ("ConnectionKey",)


class ConnectionKey(NamedTuple):
    """What a pooled connection is for.

    Attributes:
        host: the host connected to (the proxy's target, not the proxy).
        port: its port.
        is_ssl: whether the connection speaks TLS to the host.
        ssl: the TLS setting: a context, ``True`` for the default checks,
            ``False`` for none, or a pinned :class:`Fingerprint`.
        proxy: the proxy's URL, if any.
        proxy_auth: the proxy's credentials, if any.
        proxy_headers_hash: a hash of the headers sent to the proxy, if any.
        server_hostname: the name sent in SNI and checked in the
            certificate, when it differs from ``host``.
    """

    host: str
    port: int | None
    is_ssl: bool
    ssl: ssl.SSLContext | bool | Fingerprint
    proxy: URL | None
    proxy_auth: BasicAuth | None
    proxy_headers_hash: int | None
    server_hostname: str | None = None
