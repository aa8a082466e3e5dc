"""The examples of docs/protocol/{streams,writer,payloads,multipart,codings}.md run."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[3] / "docs" / "protocol"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize(
    "page", ["streams.md", "writer.md", "payloads.md", "multipart.md", "codings.md"]
)
async def test_page_examples_run(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = _BLOCK.findall(text)
    assert blocks, f"{page} has no examples"
    for number, block in enumerate(blocks, 1):
        namespace: dict[str, Any] = {"__name__": f"docs_{page[:-3]}_{number}"}
        exec(compile(block, f"{page} example {number}", "exec"), namespace)
        if "main" in namespace:
            await namespace["main"]()
