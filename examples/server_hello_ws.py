"""An aiohttp-style application: hello, JSON, a form and a WebSocket echo.

Written exactly as for ``aiohttp.web``, with only the import changed::

    python examples/server_hello_ws.py            # serves on 127.0.0.1:8080
    python -m aioweb.web -H 127.0.0.1 -P 8080 server_hello_ws:make_app
"""

from __future__ import annotations

import sys

from aioweb import web

routes = web.RouteTableDef()
VISITS = web.AppKey("visits", dict[str, int])


@routes.get("/")
async def hello(request: web.Request) -> web.Response:
    return web.Response(text="Hello, world")


@routes.get("/hello/{name}")
async def hello_name(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    visits = request.app[VISITS]
    visits[name] = visits.get(name, 0) + 1
    return web.json_response({"greeting": f"Hello, {name}", "visits": visits[name]})


@routes.post("/echo")
async def echo(request: web.Request) -> web.Response:
    form = await request.post()
    if form:
        return web.json_response({key: str(value) for key, value in form.items()})
    return web.Response(body=await request.read(), content_type=request.content_type)


@routes.get("/ws")
async def websocket(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(heartbeat=30)
    await ws.prepare(request)
    async for message in ws:
        if message.type == web.WSMsgType.TEXT:
            if message.data == "close":
                await ws.close()
            else:
                await ws.send_str(f"echo: {message.data}")
        elif message.type == web.WSMsgType.BINARY:
            await ws.send_bytes(message.data)
    return ws


def make_app(argv: list[str] | None = None) -> web.Application:
    """The application (``argv`` is what ``python -m aioweb.web`` passes)."""
    app = web.Application()
    app[VISITS] = {}
    app.add_routes(routes)
    return app


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    web.run_app(make_app(), host="127.0.0.1", port=port)
