"""Certificate pinning: accept a TLS server only if its certificate hashes
to a known SHA-256 digest."""

from __future__ import annotations

import asyncio
import hashlib

from .exceptions import ServerFingerprintMismatch

__all__ = ("Fingerprint",)

# Digest lengths of the hashes aiohttp once accepted; MD5 and SHA-1 are
# refused with a message naming them, since collisions can be forged.
_WEAK_DIGEST_LENGTHS = {16: "md5", 20: "sha1"}
_SHA256_LENGTH = 32


class Fingerprint:
    """A pinned SHA-256 digest of the server's DER certificate.

    Args:
        fingerprint: the 32-byte SHA-256 digest.

    Raises:
        ValueError: the digest is an MD5 or SHA-1 one, or of no known length.

    Example::

        >>> import hashlib
        >>> pin = Fingerprint(hashlib.sha256(b"certificate").digest())
        >>> len(pin.fingerprint)
        32
    """

    __slots__ = ("_fingerprint",)

    def __init__(self, fingerprint: bytes) -> None:
        length = len(fingerprint)
        if length in _WEAK_DIGEST_LENGTHS:
            raise ValueError("md5 and sha1 are insecure and not supported. Use sha256.")
        if length != _SHA256_LENGTH:
            raise ValueError("fingerprint has invalid length")
        self._fingerprint = bytes(fingerprint)

    @property
    def fingerprint(self) -> bytes:
        """The pinned digest."""
        return self._fingerprint

    def check(self, transport: asyncio.BaseTransport) -> None:
        """Compare the peer certificate of a transport with the pin.

        A transport without TLS is not checked, as in aiohttp: the pin
        applies to TLS connections.

        Args:
            transport: a connected transport.

        Raises:
            ServerFingerprintMismatch: the certificate hashes to another digest,
                or the TLS peer sent none.
        """
        if not transport.get_extra_info("sslcontext"):
            return
        ssl_object = transport.get_extra_info("ssl_object")
        certificate = ssl_object.getpeercert(binary_form=True)
        got = hashlib.sha256(certificate or b"").digest()
        if got != self._fingerprint:
            host, port, *_ = transport.get_extra_info("peername")
            raise ServerFingerprintMismatch(self._fingerprint, got, host, port)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Fingerprint):
            return NotImplemented
        return self._fingerprint == other._fingerprint

    def __hash__(self) -> int:
        return hash(self._fingerprint)

    def __repr__(self) -> str:
        return f"<Fingerprint sha256={self._fingerprint.hex()}>"
