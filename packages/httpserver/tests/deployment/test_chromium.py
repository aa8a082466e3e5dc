"""Headless Chromium (from Debian) loads a page from aioweb whose script
opens a WebSocket back to the same server, sends a message and writes the
echo into the DOM; ``--dump-dom`` shows what the browser ended with."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import signal
import tempfile
from collections.abc import Awaitable, Callable

import pytest

from aioweb import web
from aioweb.testkit import TestServer

pytestmark = pytest.mark.interop

#: The whole browser run, start to exit, must fit in this many seconds.
BROWSER_TIMEOUT = 90.0

# The page arrives in two pieces: the script first, and the end of the
# document only after the WebSocket was closed. While the document is still
# loading, Chromium's virtual time stands still (it waits for pending
# fetches), so --dump-dom cannot run before the echo arrived however slow
# the machine is.
PAGE_START = """<!doctype html>
<html><head><meta charset="utf-8"><title>aioweb WebSocket check</title></head>
<body><div id="result">waiting</div>
<script>
const result = document.getElementById("result");
const ws = new WebSocket(`ws://${location.host}/ws`);
ws.onopen = () => ws.send("%(token)s");
ws.onmessage = (event) => {
  result.textContent = `echoed:${event.data};extensions:${ws.extensions}`;
  ws.close(1000, "done");
};
ws.onerror = () => { result.textContent = "websocket error"; };
</script>
<!-- %(padding)s -->
"""
PAGE_END = "</body></html>\n"


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found is not None:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed: .ci/system-packages installs it")
    pytest.skip("chromium is not installed (apt-get install chromium)")


class Seen:
    def __init__(self) -> None:
        self.messages: list[str] = []
        self.user_agents: list[str] = []
        self.close_codes: list[int | None] = []
        self.closed = asyncio.Event()


@pytest.fixture
async def site(
    aioweb_server: Callable[..., Awaitable[TestServer]],
) -> tuple[int, str, Seen]:
    token = f"hello-{secrets.token_hex(8)}"
    seen = Seen()

    async def page(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.content_type = "text/html"
        response.charset = "utf-8"
        await response.prepare(request)
        # Past the 1 KiB a browser may buffer before it starts parsing.
        start = PAGE_START % {"token": token, "padding": "." * 2048}
        await response.write(start.encode())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(seen.closed.wait(), BROWSER_TIMEOUT / 2)
        await response.write_eof(PAGE_END.encode())
        return response

    async def echo(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        seen.user_agents.append(request.headers.get("User-Agent", ""))
        async for message in ws:
            if message.type is web.WSMsgType.TEXT:
                seen.messages.append(message.data)
                await ws.send_str(message.data)
        seen.close_codes.append(ws.close_code)
        seen.closed.set()
        return ws

    app = web.Application()
    app.router.add_get("/page", page)
    app.router.add_get("/ws", echo)
    server = await aioweb_server(app)
    return server.port, token, seen


async def dump_dom(url: str) -> str:
    binary = chromium_binary()
    profile = tempfile.mkdtemp(prefix="aioweb-chromium-")
    process = await asyncio.create_subprocess_exec(
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=5000",
        "--dump-dom",
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        # Its own process group, so its helper processes go with it.
        start_new_session=True,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), BROWSER_TIMEOUT)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
        pytest.fail(f"chromium did not finish in {BROWSER_TIMEOUT} s")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    return out.decode()


@pytest.mark.timeout(BROWSER_TIMEOUT + 30)
async def test_browser_websocket_echo(site: tuple[int, str, Seen]) -> None:
    port, token, seen = site
    dom = await dump_dom(f"http://127.0.0.1:{port}/page")
    assert f'<div id="result">echoed:{token};' in dom, dom
    # Chromium offers permessage-deflate and aioweb accepts it by default.
    assert "extensions:permessage-deflate" in dom, dom
    assert seen.messages == [token]
    assert len(seen.user_agents) == 1 and "Chrome" in seen.user_agents[0]
    await asyncio.wait_for(seen.closed.wait(), 10)
    assert seen.close_codes == [1000]
