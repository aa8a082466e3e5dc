"""A WebSocket echo application on aioweb.web, the server Autobahn tests.

``python echo_app.py --port N`` serves ``ws://127.0.0.1:N/<any path>`` and
prints ``listening on ...`` once the port is bound. Every text and binary
message comes back as it came; pings, pongs and the closing handshake are
the WebSocketResponse's own (autoping, autoclose). The suite sends
messages up to 16 MiB (group 9) and checks permessage-deflate (groups 12
and 13), so there is no size limit and compression is accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from aioweb import web


async def echo(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(compress=True, max_msg_size=0)
    await ws.prepare(request)
    async for message in ws:
        if message.type is web.WSMsgType.TEXT:
            await ws.send_str(message.data)
        elif message.type is web.WSMsgType.BINARY:
            await ws.send_bytes(message.data)
    return ws


async def serve(port: int) -> None:
    app = web.Application()
    app.router.add_get("/{tail:.*}", echo)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", port).start()
        print(f"listening on ws://127.0.0.1:{port}", flush=True)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9001)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port))


if __name__ == "__main__":
    main()
