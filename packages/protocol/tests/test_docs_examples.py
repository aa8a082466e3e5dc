"""The examples of docs/protocol/{headers,cookies,websocket}.md run, and the
examples in the docstrings of the same modules hold."""

from __future__ import annotations

import doctest
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from aioweb.protocol import auth, cookie_dates, cookies, etag, versions, ws_types

DOCS = Path(__file__).resolve().parents[3] / "docs" / "protocol"
PAGES = ["headers.md", "cookies.md", "websocket.md"]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def run_page(page: str) -> dict[str, Any]:
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = _BLOCK.findall(text)
    assert blocks, f"{page} has no examples"
    namespace: dict[str, Any] = {"__name__": f"docs_{page[:-3]}"}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"{page} example {number}", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("page", ["headers.md", "cookies.md"])
def test_page_examples_run(page: str) -> None:
    run_page(page)


async def test_websocket_page_example_runs() -> None:
    namespace = run_page("websocket.md")
    await namespace["main"]()


@pytest.mark.parametrize(
    "module",
    [auth, cookie_dates, cookies, etag, versions, ws_types],
    ids=lambda module: module.__name__,
)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
