"""examples/client_example.py runs against a local server and prints what it got."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from yarl import URL

from aioweb import web

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "client_example.py"


async def test_client_example_prints_status_and_text(
    app_server: Callable[[web.Application], Awaitable[URL]],
) -> None:
    if not EXAMPLE.exists():  # pragma: no cover - run from an sdist
        pytest.skip("the repository's examples are not here")
    app = web.Application()

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="Hello from the test server")

    app.router.add_get("/", hello)
    url = await app_server(app)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLE),
        str(url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    assert stdout.decode().splitlines() == ["200", "Hello from the test server"]
