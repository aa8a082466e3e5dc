"""The testing guide's examples (docs/testing/examples) pass, in both modes."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "testing" / "examples"


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_guide_examples_pass(pytester: pytest.Pytester, mode: str) -> None:
    sources = sorted(EXAMPLES.glob("test_*.py"))
    assert sources, f"no examples under {EXAMPLES}"
    pytester.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
        "filterwarnings = error\n"
    )
    for source in sources:
        pytester.makepyfile(**{source.stem: source.read_text()})
    result = pytester.runpytest_subprocess(
        f"--asyncio-mode={mode}", "-W", "error", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=11)


@pytest.mark.parametrize(
    ("example", "markers"),
    [
        (
            "test_fake_server_guide.py",
            [
                "# --- canned replies",
                "# --- misbehaviour",
                "# --- per-request handlers",
            ],
        ),
        (
            "test_application_guide.py",
            ["# --- the application", "# --- pytest client", "# --- mocked request"],
        ),
        ("test_unittest_guide.py", ["# --- unittest"]),
        ("test_raw_client_guide.py", ["# --- raw client"]),
    ],
)
def test_guide_includes_every_example_section(example: str, markers: list[str]) -> None:
    guide = (EXAMPLES.parent / "index.md").read_text()
    source = (EXAMPLES / example).read_text()
    assert f"examples/{example}" in guide
    for marker in markers:
        assert marker in source
        assert f'"{marker}"' in guide
