"""The raw client example of docs/testing/index.md, run by aioweb-testkit's tests."""

from __future__ import annotations

import pytest

from aioweb import web


# --- raw client
@pytest.mark.asyncio
async def test_a_header_with_a_space_before_the_colon_is_refused(
    aioweb_server, aioweb_raw_client
):
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hello")

    app = web.Application()
    app.router.add_get("/", hello)
    server = await aioweb_server(app)
    conn = await aioweb_raw_client(server)
    # RFC 9112 section 5.1: no whitespace between a field name and the colon.
    await conn.send(b"GET / HTTP/1.1\r\nHost: test\r\nX-Bad : 1\r\n\r\n")
    response = await conn.read_response()
    assert response.status == 400
    assert await conn.at_eof()  # and the connection is closed


# --- end
