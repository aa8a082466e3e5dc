"""TLS fake servers with trustme certificates, seen by httpx and aiohttp."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import aiohttp
import httpx
import pytest

from aioweb.testkit import (
    FakeServer,
    FakeServerFactory,
    FakeWebSocketServer,
    Reply,
    TLSCertificates,
    reset_mid_response,
)


@pytest.fixture(scope="module")
def certificates() -> TLSCertificates:
    return TLSCertificates()


async def test_https_reply_is_trusted_through_the_ca(
    certificates: TLSCertificates,
) -> None:
    server = FakeServer(
        Reply(body=b"secure"), ssl_context=certificates.server_context()
    )
    async with server:
        assert server.url.startswith("https://127.0.0.1:")
        async with httpx.AsyncClient(verify=certificates.client_context()) as client:
            response = await client.get(server.make_url("/s"))
    assert response.content == b"secure"
    assert server.requests[0].target == "/s"


async def test_untrusted_client_fails_verification(
    certificates: TLSCertificates,
) -> None:
    async with (
        FakeServer(Reply(), ssl_context=certificates.server_context()) as server,
        httpx.AsyncClient(verify=ssl.create_default_context()) as client,
    ):
        with pytest.raises(httpx.ConnectError):
            await client.get(server.url)


async def test_reset_over_tls(certificates: TLSCertificates, connect: Any) -> None:
    async with (
        FakeServer(
            reset_mid_response(after=30), ssl_context=certificates.server_context()
        ) as server,
        httpx.AsyncClient(verify=certificates.client_context()) as client,
    ):
        with pytest.raises(httpx.ReadError):
            await client.get(server.url)


async def test_wss_echo(certificates: TLSCertificates) -> None:
    server = FakeWebSocketServer(ssl_context=certificates.server_context())
    async with server:
        assert server.url.startswith("wss://")
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(server.url, ssl=certificates.client_context()) as ws,
        ):
            await ws.send_str("over tls")
            assert await ws.receive_str(timeout=5) == "over tls"


async def test_factory_tls_flag_uses_its_certificates(
    certificates: TLSCertificates,
) -> None:
    async with FakeServerFactory(certificates) as factory:
        server = await factory(Reply(body=b"ok"), tls=True)
        async with httpx.AsyncClient(
            verify=factory.certificates.client_context()
        ) as client:
            assert (await client.get(server.url)).content == b"ok"
    assert server.closed


def test_ca_pem_is_a_certificate(certificates: TLSCertificates) -> None:
    assert certificates.ca_pem.startswith(b"-----BEGIN CERTIFICATE-----")


def test_session_certificates_fixture(aioweb_tls_certificates: TLSCertificates) -> None:
    context = aioweb_tls_certificates.client_context()
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname


async def test_fake_server_fixture_serves_tls(fake_server: FakeServerFactory) -> None:
    server = await fake_server(Reply(body=b"fixture tls"), tls=True)
    ws = await fake_server.websocket(tls=True)
    assert ws.url.startswith("wss://")
    client_context = fake_server.certificates.client_context()
    async with httpx.AsyncClient(verify=client_context) as client:
        assert (await client.get(server.url)).content == b"fixture tls"


async def test_close_does_not_wait_for_a_client_that_never_handshakes(
    certificates: TLSCertificates, connect: Any
) -> None:
    server = FakeServer(Reply(), ssl_context=certificates.server_context())
    await server.start()
    peer = await connect(server)  # plain TCP: no ClientHello is ever sent
    await asyncio.sleep(0.05)
    await asyncio.wait_for(server.close(), 5)
    assert server.closed
    await peer.close()
