"""Certificates for TLS fake servers, from a throw-away CA made by trustme.

Needs the ``[tls]`` extra (``pip install 'aioweb-testkit[tls]'``).
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..extras import require

if TYPE_CHECKING:
    import trustme

__all__ = ("TLSCertificates",)


class TLSCertificates:
    """A fresh certificate authority and a server certificate it issued.

    The server certificate is valid for ``127.0.0.1``, ``::1`` and
    ``localhost`` by default. Nothing is written to disk unless a file path
    is asked for.

    Args:
        identities: host names and addresses the server certificate covers.

    Raises:
        MissingExtraError: trustme is not installed.
    """

    def __init__(
        self, identities: Sequence[str] = ("127.0.0.1", "::1", "localhost")
    ) -> None:
        trustme_module = require("TLSCertificates", "trustme", ("CA",), extra="tls")
        self._ca: trustme.CA = trustme_module.CA()
        self._cert = self._ca.issue_cert(*identities)

    @property
    def ca_pem(self) -> bytes:
        """The CA certificate, PEM-encoded, for clients that load files."""
        return self._ca.cert_pem.bytes()

    def server_context(self) -> ssl.SSLContext:
        """A new server-side context presenting the server certificate."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._cert.configure_cert(context)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A new client-side context that trusts the CA, and only it."""
        # Only the throw-away CA: the system store has nothing to do here.
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self._ca.configure_trust(context)
        return context
