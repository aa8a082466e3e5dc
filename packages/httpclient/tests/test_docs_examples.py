"""The examples of the client's documentation pages run and their asserts hold."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[3] / "docs" / "client"
PAGES = [
    "errors.md",
    "timeouts.md",
    "tracing.md",
    "resolvers.md",
    "cookies.md",
    "auth.md",
    "quickstart.md",
    "advanced.md",
    "middlewares.md",
    "reference.md",
]
# Pages of prose and numbers only, with no examples to run.
PROSE = ["performance.md"]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_every_page_is_checked() -> None:
    assert sorted(p.name for p in DOCS.glob("*.md")) == sorted(PAGES + PROSE)


def run_page(page: str) -> dict[str, Any]:
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = _BLOCK.findall(text)
    assert blocks, f"{page} has no examples"
    namespace: dict[str, Any] = {"__name__": f"docs_{page[:-3]}"}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"{page} example {number}", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("page", PAGES)
def test_page_examples_run(page: str) -> None:
    run_page(page)


def test_cookies_page_claims() -> None:
    namespace = run_page("cookies.md")
    jar = namespace["jar"]
    assert jar.host_only_cookies == {
        ("www.example.com", "/", "sid"),
        ("www.example.com", "/", "token"),
    }
