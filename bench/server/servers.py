"""The servers the benchmark measures, one per process.

``python servers.py IMPL LOOP PORT`` serves the benchmark's application on
127.0.0.1:PORT and prints ``ready`` once the port is bound. IMPL is
``aioweb`` or ``aiohttp`` (the same application on ``aioweb.web`` and
``aiohttp.web``) or ``uvicorn`` (a raw ASGI application on uvicorn with
httptools, the fastest thing uvicorn offers); LOOP is ``asyncio`` or
``uvloop``. The process runs until it is terminated.

Routes (the raw ASGI application has no router: it answers by path, and
has no route table):

* ``GET /``: ``Hello, world`` as text/plain;
* ``GET /json``: a small JSON object;
* ``POST /echo``: the request body back;
* ``GET /api/v1/resource{i}/{id}`` for 200 values of ``i``: a route table
  whose last route is requested;
* ``GET /ws``: a WebSocket that echoes every message.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

ROUTES = 200
JSON_BODY = {"message": "Hello, world", "id": 42, "tags": ["a", "b"]}


def web_app(module: str) -> Any:
    """The application on ``aioweb.web`` or ``aiohttp.web``."""
    if module == "aioweb":
        from aioweb import web
    else:
        from aiohttp import web  # type: ignore[no-redef]

    async def hello(request: Any) -> Any:
        return web.Response(text="Hello, world")

    async def as_json(request: Any) -> Any:
        return web.json_response(JSON_BODY)

    async def echo(request: Any) -> Any:
        return web.Response(
            body=await request.read(), content_type="application/octet-stream"
        )

    async def resource(request: Any) -> Any:
        return web.Response(text=request.match_info["id"])

    async def websocket(request: Any) -> Any:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for message in ws:
            if message.type == web.WSMsgType.TEXT:
                await ws.send_str(message.data)
            elif message.type == web.WSMsgType.BINARY:
                await ws.send_bytes(message.data)
        return ws

    app = web.Application()
    app.router.add_get("/", hello)
    app.router.add_get("/json", as_json)
    app.router.add_post("/echo", echo)
    app.router.add_get("/ws", websocket)
    for i in range(ROUTES):
        app.router.add_get(f"/api/v1/resource{i}/{{id}}", resource)
    return web, app


async def serve_web(module: str, port: int) -> None:
    web, app = web_app(module)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        # A deep backlog: the memory measure opens thousands of connections.
        await web.TCPSite(runner, "127.0.0.1", port, backlog=4096).start()
        print("ready", flush=True)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The raw ASGI application uvicorn serves."""
    if scope["type"] == "http":
        path = scope["path"]
        if path == "/echo":
            body = b""
            more = True
            while more:
                event = await receive()
                body += event.get("body", b"")
                more = event.get("more_body", False)
            kind = b"application/octet-stream"
        elif path == "/json":
            body = json.dumps(JSON_BODY).encode()
            kind = b"application/json"
        else:
            body = b"Hello, world"
            kind = b"text/plain; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
    elif scope["type"] == "websocket":
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        while True:
            event = await receive()
            if event["type"] != "websocket.receive":
                return
            if event.get("text") is not None:
                await send({"type": "websocket.send", "text": event["text"]})
            else:
                await send({"type": "websocket.send", "bytes": event["bytes"]})


def serve_uvicorn(loop: str, port: int) -> None:
    import uvicorn

    config = uvicorn.Config(
        asgi,
        host="127.0.0.1",
        port=port,
        http="httptools",
        ws="websockets",
        loop=loop,
        lifespan="off",
        access_log=False,
        log_level="warning",
        backlog=4096,
    )
    server = uvicorn.Server(config)
    original = server.startup

    async def startup(sockets: Any = None) -> None:
        await original(sockets)
        print("ready", flush=True)

    server.startup = startup  # type: ignore[method-assign]
    server.run()


def main() -> None:
    impl, loop, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if impl == "uvicorn":
        serve_uvicorn(loop, port)
        return
    if loop == "uvloop":
        import uvloop

        factory = uvloop.new_event_loop
    else:
        factory = asyncio.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(serve_web(impl, port))


if __name__ == "__main__":
    main()
