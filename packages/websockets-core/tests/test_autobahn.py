"""Autobahn|Testsuite groups 1-10, server and client side, must have no FAILED case.

The run takes about forty seconds, so it happens once per full ``nox`` run:
the default-Python compiled tests session sets ``AIOWEB_CONFORMANCE=1``; every
other session skips it with that reason. Groups 12 and 13
(permessage-deflate) run with ``nox -s autobahn``. What passes is
``autobahn_runner.quick_run_problems``, for each side.
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


@pytest.mark.timeout(1500)  # wstest's own pace, on a loaded machine
@pytest.mark.skipif(
    os.environ.get("AIOWEB_CONFORMANCE") != "1",
    reason="Autobahn runs once per nox run, in the session with AIOWEB_CONFORMANCE=1",
)
def test_autobahn_groups_1_to_10(tmp_path: Path) -> None:
    status, output = autobahn_runner.run_quick(SCRIPT, tmp_path, timeout=1200)
    if status == autobahn_runner.NO_WSTEST and os.environ.get("CI") != "true":
        pytest.skip(
            "!!! AUTOBAHN DID NOT RUN: no Python 2.7 for wstest on this machine !!!\n"
            + output[-2000:]
        )
    assert status == 0, output[-6000:]
    problems = [
        problem
        for side, agent in (("servers", "aioweb-server"), ("clients", "aioweb-client"))
        for problem in autobahn_runner.quick_run_problems(
            tmp_path / side / "index.json", agent, least_cases=300
        )
    ]
    assert problems == []
