"""Static typing of handlers written as for aiohttp: mypy --strict accepts them."""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api

SNIPPET = """
from aioweb import web

routes = web.RouteTableDef()


async def hello(request: web.Request) -> web.Response:
    return web.Response(text=request.path)


@routes.get("/ws")
async def ws(request: web.Request) -> web.WebSocketResponse:
    socket = web.WebSocketResponse()
    await socket.prepare(request)
    return socket


@web.middleware
async def mw(request: web.Request, handler: web.Handler) -> web.StreamResponse:
    response = await handler(request.clone(rel_url="/x"))
    response.headers["X"] = "1"
    return response


async def low_level(request: web.BaseRequest) -> web.StreamResponse:
    return web.json_response({"path": request.path})


app = web.Application(middlewares=[mw])
app.router.add_get("/", hello)
app.add_routes(routes)
server = web.Server(low_level)
reveal_type(hello)
"""


@pytest.mark.slow
def test_aiohttp_style_handlers_type_check(tmp_path: Path) -> None:
    source = tmp_path / "snippet.py"
    source.write_text(SNIPPET)
    stdout, _, _ = api.run(
        [
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            str(source),
        ]
    )
    lines = [line for line in stdout.splitlines() if line.strip()]
    # Only the reveal_type note: no error about handlers or middlewares.
    assert len(lines) == 1, stdout
    assert 'Revealed type is "def (request: aioweb.web.request.Request)' in lines[0]
