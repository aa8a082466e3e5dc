"""Certificate pinning with Fingerprint."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from aioweb.client.exceptions import ServerFingerprintMismatch
from aioweb.client.fingerprint import Fingerprint

CERT = b"0\x82\x01\x0adummy DER bytes"


class SSLObject:
    def getpeercert(self, binary_form: bool = False) -> bytes:
        assert binary_form
        return CERT


class Transport:
    def __init__(self, tls: bool = True) -> None:
        self.extra: dict[str, Any] = {"peername": ("127.0.0.1", 8443, 0, 0)}
        if tls:
            self.extra["sslcontext"] = object()
            self.extra["ssl_object"] = SSLObject()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.extra.get(name, default)


def test_sha256_accepted() -> None:
    digest = hashlib.sha256(CERT).digest()
    pin = Fingerprint(digest)
    assert pin.fingerprint == digest
    assert pin == Fingerprint(digest)
    assert hash(pin) == hash(Fingerprint(digest))
    assert digest.hex() in repr(pin)


@pytest.mark.parametrize("name", ["md5", "sha1"])
def test_weak_hashes_refused(name: str) -> None:
    with pytest.raises(ValueError, match="md5 and sha1 are insecure"):
        Fingerprint(hashlib.new(name, CERT).digest())


@pytest.mark.parametrize("length", [0, 31, 33, 64])
def test_other_lengths_refused(length: int) -> None:
    with pytest.raises(ValueError, match="invalid length"):
        Fingerprint(b"x" * length)


def test_check_matching_certificate() -> None:
    Fingerprint(hashlib.sha256(CERT).digest()).check(Transport())  # type: ignore[arg-type]


def test_check_mismatch() -> None:
    expected = hashlib.sha256(b"another certificate").digest()
    with pytest.raises(ServerFingerprintMismatch) as info:
        Fingerprint(expected).check(Transport())  # type: ignore[arg-type]
    error = info.value
    assert error.expected == expected
    assert error.got == hashlib.sha256(CERT).digest()
    assert (error.host, error.port) == ("127.0.0.1", 8443)


def test_plain_transport_is_not_checked() -> None:
    Fingerprint(b"\x00" * 32).check(Transport(tls=False))  # type: ignore[arg-type]
