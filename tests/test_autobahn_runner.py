"""The verdict the three packages' quick Autobahn runs share."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import autobahn_runner  # noqa: E402

AGENT = "aioweb-test"


def _index(tmp_path: Path, cases: dict[str, tuple[str, str]]) -> Path:
    index = tmp_path / "index.json"
    index.write_text(
        json.dumps(
            {
                AGENT: {
                    case: {"behavior": behavior, "behaviorClose": close}
                    for case, (behavior, close) in cases.items()
                }
            }
        )
    )
    return index


def _every_group(behavior: str = "OK", close: str = "OK") -> dict[str, tuple[str, str]]:
    return {f"{group}.1.1": (behavior, close) for group in autobahn_runner.QUICK_GROUPS}


def test_a_clean_run_has_no_problem(tmp_path: Path) -> None:
    cases = _every_group()
    cases["6.4.3"] = ("NON-STRICT", "OK")
    cases["7.1.6"] = ("INFORMATIONAL", "INFORMATIONAL")
    index = _index(tmp_path, cases)
    assert autobahn_runner.quick_run_problems(index, AGENT, least_cases=11) == []


def test_failed_cases_and_bad_closes_are_problems(tmp_path: Path) -> None:
    cases = _every_group()
    cases["5.1"] = ("FAILED", "OK")
    cases["7.5.1"] = ("OK", "UNCLEAN")
    cases["7.9.1"] = ("OK", "WRONG CODE")
    problems = autobahn_runner.quick_run_problems(
        _index(tmp_path, cases), AGENT, least_cases=12
    )
    assert problems == [
        f"{AGENT}: FAILED cases ['5.1']",
        f"{AGENT}: closing handshakes {{'7.5.1': 'UNCLEAN', '7.9.1': 'WRONG CODE'}}",
    ]


def test_a_short_or_partial_run_is_a_problem(tmp_path: Path) -> None:
    cases = _every_group()
    del cases["9.1.1"]
    problems = autobahn_runner.quick_run_problems(
        _index(tmp_path, cases), AGENT, least_cases=301
    )
    assert len(problems) == 2
    assert problems[0] == f"{AGENT}: only 8 cases ran, not 301"
    assert problems[1].startswith(f"{AGENT}: groups ") and "'9'" not in problems[1]
