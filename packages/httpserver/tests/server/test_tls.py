"""TLS: a TCPSite with an SSL context; the request knows it is secure."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aioweb import web
from aioweb.testkit import RawConnection, TLSCertificates


async def test_https_site_and_secure_request(
    aioweb_tls_certificates: TLSCertificates,
    aioweb_raw_client: Callable[..., Awaitable[RawConnection]],
) -> None:
    # The runner and its TLS site are the subject here, so the test builds
    # them itself instead of taking aioweb_server's.
    server_context = aioweb_tls_certificates.server_context()
    client_context = aioweb_tls_certificates.client_context()
    seen: dict[str, Any] = {}

    async def handler(request: web.Request) -> web.Response:
        seen.update(scheme=request.scheme, secure=request.secure, url=str(request.url))
        seen["cipher"] = request.get_extra_info("cipher")
        return web.Response(text="over TLS")

    app = web.Application()
    app.router.add_get("/", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context)
    await site.start()
    port = runner.addresses[0][1]
    try:
        assert site.name == "https://127.0.0.1:0"
        conn = await aioweb_raw_client(port, ssl_context=client_context)
        await conn.send(
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        response = await conn.read_response()
        assert await conn.at_eof()
    finally:
        await runner.cleanup()
    assert (response.status, response.body) == (200, b"over TLS")
    assert seen["scheme"] == "https" and seen["secure"] is True
    assert seen["url"] == "https://127.0.0.1/"
    assert seen["cipher"] is not None
