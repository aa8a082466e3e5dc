"""The blocking-socket example runs and echoes, on the installed package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = (
    Path(__file__).resolve().parents[3] / "examples" / "websocket_blocking_echo.py"
)


def test_blocking_echo_example() -> None:
    run = subprocess.run(
        [sys.executable, "-W", "error", str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "connected, compression: True",
        "echo text: Hello, WebSocket!",
        "echo binary: 0001020304050607",
        "pong: are you there?",
        "echo text: fragmented",
        "closed: 1000 ''",
    ]
    assert run.stderr == ""
