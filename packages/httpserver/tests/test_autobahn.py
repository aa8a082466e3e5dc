"""Autobahn|Testsuite groups 1-10 against WebSocketResponse: no FAILED case.

``conformance/autobahn.py`` runs ``wstest`` in fuzzing-client mode against
``conformance/echo_app.py``. Groups 1-10 take under a minute, so they run
once per full ``nox`` run, in the session that sets ``AIOWEB_CONFORMANCE=1``
(every other session skips with that reason); the permessage-deflate groups
12 and 13 take many minutes and run with ``nox -s autobahn``. What passes is
``autobahn_runner.quick_run_problems``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tools"))

import autobahn_runner  # noqa: E402  (the shared runner, beside the packages)

SCRIPT = Path(__file__).resolve().parents[1] / "conformance" / "autobahn.py"

pytestmark = pytest.mark.slow


@pytest.mark.timeout(900)  # wstest's own pace, on a loaded machine
@pytest.mark.skipif(
    os.environ.get("AIOWEB_CONFORMANCE") != "1",
    reason="Autobahn runs once per nox run, in the session with AIOWEB_CONFORMANCE=1",
)
def test_autobahn_groups_1_to_10(tmp_path: Path) -> None:
    status, output = autobahn_runner.run_quick(SCRIPT, tmp_path, timeout=800)
    if status == autobahn_runner.NO_WSTEST and os.environ.get("CI") != "true":
        pytest.skip(
            "!!! AUTOBAHN DID NOT RUN: no Python 2.7 for wstest on this machine !!!\n"
            + output[-2000:]
        )
    assert status == 0, output[-6000:]
    index = tmp_path / "aioweb-web" / "index.json"
    problems = autobahn_runner.quick_run_problems(index, "aioweb-web", least_cases=301)
    assert problems == []
