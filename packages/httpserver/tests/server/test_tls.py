"""TLS: a TCPSite with an SSL context; the request knows it is secure."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import trustme

from aioweb import web


async def test_https_site_and_secure_request() -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
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
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, ssl=client_context
        )
        writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        await writer.wait_closed()
    finally:
        await runner.cleanup()
    assert data.startswith(b"HTTP/1.1 200 OK") and data.endswith(b"over TLS")
    assert seen["scheme"] == "https" and seen["secure"] is True
    assert seen["url"] == "https://127.0.0.1/"
    assert seen["cipher"] is not None
