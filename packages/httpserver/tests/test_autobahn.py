"""Autobahn|Testsuite groups 1-10 against WebSocketResponse: no FAILED case.

``conformance/autobahn.py`` runs ``wstest`` in fuzzing-client mode against
``conformance/echo_app.py``. Groups 1-10 take under a minute, so they run
once per full ``nox`` run, in the session that sets ``AIOWEB_CONFORMANCE=1``
(every other session skips with that reason); the permessage-deflate groups
12 and 13 take many minutes and run with ``nox -s autobahn``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "conformance" / "autobahn.py"
GROUPS = {"1", "2", "3", "4", "5", "6", "7", "9", "10"}
AGENT = "aioweb-web"

pytestmark = pytest.mark.slow


@pytest.mark.timeout(900)  # wstest's own pace, on a loaded machine
@pytest.mark.skipif(
    os.environ.get("AIOWEB_CONFORMANCE") != "1",
    reason="Autobahn runs once per nox run, in the session with AIOWEB_CONFORMANCE=1",
)
def test_autobahn_groups_1_to_10(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--exclude", "12.*,13.*", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=800,
        check=False,
    )
    output = run.stdout + run.stderr
    if run.returncode == 4 and os.environ.get("CI") != "true":
        pytest.skip(
            "!!! AUTOBAHN DID NOT RUN: no Python 2.7 for wstest on this machine !!!\n"
            + output[-2000:]
        )
    assert run.returncode == 0, output[-6000:]
    cases = json.loads((tmp_path / AGENT / "index.json").read_text())[AGENT]
    assert len(cases) == 301, f"only {len(cases)} cases ran"
    assert {case.split(".")[0] for case in cases} == GROUPS
    failed = sorted(c for c, r in cases.items() if r["behavior"] == "FAILED")
    assert failed == []
    # The closing handshake is judged apart: UNCLEAN, WRONG CODE or FAILED
    # there is a bug even when the messages were right.
    closes = {c: r["behaviorClose"] for c, r in cases.items()}
    bad_closes = {c: b for c, b in closes.items() if b not in ("OK", "INFORMATIONAL")}
    assert bad_closes == {}
