"""The examples of the server-core documentation pages run; their asserts hold.

Blocks fenced as ``python`` run in order in one namespace per page; blocks
fenced as ``py`` or ``sh`` are illustrations (they would serve for ever).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[4] / "docs" / "server"
RUN = ["quickstart.md", "requests.md", "responses.md"]
ALL = [*RUN, "running.md", "deployment.md", "reference.md"]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("page", ALL)
def test_the_page_exists(page: str) -> None:
    assert (DOCS / page).is_file()


def _run(page: str) -> dict[str, Any]:
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = _BLOCK.findall(text)
    assert blocks, f"{page} has no runnable examples"
    namespace: dict[str, Any] = {"__name__": f"docs_{page[:-3]}"}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"{page} example {number}", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("page", RUN)
def test_page_examples_run(page: str) -> None:
    _run(page)


def test_reference_names_exist() -> None:
    import importlib

    text = (DOCS / "reference.md").read_text(encoding="utf-8")
    names = re.findall(r"\.\. auto\w+:: ([\w.]+)", text)
    assert names
    for dotted in names:
        module, _, attr = dotted.rpartition(".")
        try:
            target = importlib.import_module(dotted)
        except ImportError:
            target = getattr(importlib.import_module(module), attr)
        assert target is not None, dotted
