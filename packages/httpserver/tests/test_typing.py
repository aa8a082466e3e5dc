"""Static typing of AppKey lookups: a checker knows the value's type."""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api

SNIPPET = """
from aioweb import web

COUNT = web.AppKey("COUNT", int)
NAMES = web.AppKey[list[str]]("NAMES")

app = web.Application()
app[COUNT] = 1
app[NAMES] = ["a"]
reveal_type(app[COUNT])
reveal_type(app[NAMES])
reveal_type(app.get(COUNT))
reveal_type(app.get(COUNT, "x"))
reveal_type(web.ChainMapProxy([app])[COUNT])
app[COUNT] = "not an int"
"""


@pytest.mark.slow
def test_app_key_lookups_are_typed(tmp_path: Path) -> None:
    source = tmp_path / "snippet.py"
    source.write_text(SNIPPET)
    stdout, _, _ = api.run(
        [
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            str(source),
        ]
    )
    # mypy spells builtins with or without their module, by version.
    lines = [line.replace("builtins.", "") for line in stdout.splitlines()]
    revealed = [
        line.split('Revealed type is "')[1][:-1] for line in lines if "Revealed" in line
    ]
    assert revealed == ["int", "list[str]", "int | None", "int | str", "int"]
    errors = [line for line in lines if ": error:" in line]
    wrong_line = SNIPPET.splitlines().index('app[COUNT] = "not an int"') + 1
    assert len(errors) == 1
    assert f"snippet.py:{wrong_line}:" in errors[0]
