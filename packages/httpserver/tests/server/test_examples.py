"""examples/demo.py serves examples/server_hello_ws.py and checks every answer."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from aioweb.testkit import unused_port

EXAMPLES = Path(__file__).resolve().parents[4] / "examples"


async def test_demo_runs_the_example_app_end_to_end() -> None:
    port = unused_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLES / "demo.py"),
        str(port),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    text = out.decode()
    assert "WebSocket echo       -> 'echo: hello over WebSocket'" in text
    assert text.endswith("demo finished: every answer was right\n")
