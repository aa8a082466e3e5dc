"""TLS (trustme certificates, pinning) and proxies (proxy.py on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import ssl
import sys
from collections.abc import AsyncIterator

import pytest
from yarl import URL

from aioweb import web
from aioweb.client import (
    BasicAuth,
    ClientConnectionError,
    ClientConnectorCertificateError,
    ClientHttpProxyError,
    ClientSession,
    Fingerprint,
    ServerFingerprintMismatch,
    TCPConnector,
)

Certs = tuple[ssl.SSLContext, ssl.SSLContext, bytes]


def _app() -> web.Application:
    app = web.Application()

    async def echo(request: web.Request) -> web.Response:
        return web.json_response(
            {"secure": request.secure, "headers": dict(request.headers)}
        )

    app.router.add_get("/", echo)
    return app


@pytest.fixture
async def tls_base(certificates: Certs) -> AsyncIterator[URL]:
    server_context, _, _ = certificates
    runner = web.AppRunner(_app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context)
    await site.start()
    port = runner.addresses[0][1]
    yield URL.build(scheme="https", host="localhost", port=port)
    await runner.cleanup()


async def test_certificates_are_verified_by_default(tls_base: URL) -> None:
    async with ClientSession() as session:
        with pytest.raises(ClientConnectorCertificateError):
            await session.get(tls_base)


async def test_trusted_context_and_ssl_false(
    tls_base: URL, certificates: Certs
) -> None:
    _, client_context, _ = certificates
    async with ClientSession() as session:
        async with session.get(tls_base, ssl=client_context) as resp:
            assert (await resp.json())["secure"] is True
        async with session.get(tls_base, ssl=False) as resp:
            assert resp.status == 200
    async with (
        ClientSession(connector=TCPConnector(ssl=client_context)) as session,
        session.get(tls_base) as resp,
    ):
        assert resp.status == 200


async def test_fingerprint_pinning(tls_base: URL, certificates: Certs) -> None:
    _, _, der = certificates
    good = Fingerprint(hashlib.sha256(der).digest())
    bad = Fingerprint(hashlib.sha256(b"other").digest())
    async with ClientSession() as session:
        async with session.get(tls_base, ssl=good) as resp:
            assert resp.status == 200
        with pytest.raises(ServerFingerprintMismatch):
            await session.get(tls_base, ssl=bad)


async def test_plain_http_through_the_proxy(
    forward_proxy: URL, app_server: object
) -> None:
    origin = await app_server(_app())  # type: ignore[operator]
    async with ClientSession() as session:
        async with session.get(
            origin, proxy=forward_proxy, proxy_auth=BasicAuth("user", "pass")
        ) as resp:
            assert resp.status == 200
            assert (await resp.json())["secure"] is False
        # Credentials in the proxy URL work too.
        with_creds = forward_proxy.with_user("user").with_password("pass")
        async with session.get(origin, proxy=with_creds) as resp:
            assert resp.status == 200
        async with session.get(origin, proxy=forward_proxy) as resp:
            assert resp.status == 407


async def test_https_through_a_connect_tunnel(
    forward_proxy: URL, tls_base: URL, certificates: Certs
) -> None:
    _, client_context, _ = certificates
    async with ClientSession() as session:
        async with session.get(
            tls_base,
            ssl=client_context,
            proxy=forward_proxy,
            proxy_auth=BasicAuth("user", "pass"),
            proxy_headers={"X-Proxy-Only": "1"},
        ) as resp:
            data = await resp.json()
        assert data["secure"] is True
        # The proxy's credentials and headers stayed with the proxy.
        assert "Proxy-Authorization" not in data["headers"]
        assert "X-Proxy-Only" not in data["headers"]
        with pytest.raises(ClientHttpProxyError) as info:
            await session.get(tls_base, ssl=client_context, proxy=forward_proxy)
        assert info.value.status == 407


async def test_env_proxy_with_trust_env(
    forward_proxy: URL,
    app_server: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    origin = await app_server(_app())  # type: ignore[operator]
    with_creds = forward_proxy.with_user("user").with_password("pass")
    monkeypatch.setenv("http_proxy", str(with_creds))
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    async with ClientSession(trust_env=True) as session, session.get(origin) as resp:
        assert resp.status == 200
    # NO_PROXY bypasses it: the direct request needs no credentials.
    monkeypatch.setenv("http_proxy", str(forward_proxy))
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    async with ClientSession(trust_env=True) as session, session.get(origin) as resp:
        assert resp.status == 200


async def test_https_through_an_https_proxy(
    tls_forward_proxy: URL, tls_base: URL, certificates: Certs
) -> None:
    # TLS to the proxy, and TLS to the origin inside that (TLS in TLS).
    _, client_context, _ = certificates
    if sys.version_info < (3, 11):
        # asyncio has no TLS in TLS before 3.11: a clear error, nothing sent.
        async with ClientSession() as session:
            with pytest.raises(ClientConnectionError, match=r"Python 3\.11"):
                await session.get(
                    tls_base,
                    ssl=client_context,
                    proxy=tls_forward_proxy,
                    proxy_auth=BasicAuth("user", "pass"),
                )
        return
    async with (
        ClientSession() as session,
        session.get(
            tls_base,
            ssl=client_context,
            proxy=tls_forward_proxy,
            proxy_auth=BasicAuth("user", "pass"),
        ) as resp,
    ):
        data = await resp.json()
    assert data["secure"] is True
    assert "Proxy-Authorization" not in data["headers"]
