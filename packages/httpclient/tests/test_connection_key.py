"""ConnectionKey: equality and hashing decide which connections are shared."""

from __future__ import annotations

import hashlib

from yarl import URL

from aioweb.client import BasicAuth, ConnectionKey, Fingerprint


def key(**changes: object) -> ConnectionKey:
    base = ConnectionKey("h.test", 443, True, True, None, None, None)
    return base._replace(**changes)


def test_equal_keys_share_a_pool_slot() -> None:
    assert key() == key()
    assert hash(key()) == hash(key())
    assert len({key(), key()}) == 1


def test_each_field_separates_keys() -> None:
    pin = Fingerprint(hashlib.sha256(b"cert").digest())
    variants = [
        key(host="other.test"),
        key(port=8443),
        key(is_ssl=False, ssl=False),
        key(ssl=pin),
        key(proxy=URL("http://proxy:3128")),
        key(proxy=URL("http://proxy:3128"), proxy_auth=BasicAuth("u", "p")),
        key(proxy_headers_hash=1234),
        key(server_hostname="sni.test"),
    ]
    assert len({key(), *variants}) == len(variants) + 1


def test_equal_pins_give_equal_keys() -> None:
    digest = hashlib.sha256(b"cert").digest()
    assert key(ssl=Fingerprint(digest)) == key(ssl=Fingerprint(digest))


def test_server_hostname_defaults_to_none() -> None:
    assert key().server_hostname is None
