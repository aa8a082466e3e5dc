"""The public surface of aioweb.parser, and the promises around it."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import aioweb.parser
from aioweb.parser import _implementation

SOURCE = Path(aioweb.parser.__file__).parent


def test_public_names() -> None:
    assert aioweb.parser.__all__ == (
        "__version__",
        "RequestParser",
        "ResponseParser",
        "ParserHandler",
        "RequestHead",
        "ResponseHead",
        "HttpVersion",
        "HttpVersion10",
        "HttpVersion11",
        "COMPILED",
        "HttpParserError",
        "BadStartLine",
        "BadRequestLine",
        "BadStatusLine",
        "UnsupportedVersion",
        "LineTooLong",
        "TooManyHeaders",
        "InvalidHeader",
        "InvalidContentLength",
        "InvalidTransferEncoding",
        "ConflictingFraming",
        "UnsupportedTransferEncoding",
        "InvalidChunk",
        "BodyTooLarge",
        "ChunkTooLarge",
        "DataAfterClose",
        "IncompleteMessage",
        "ParserClosed",
    )
    for name in aioweb.parser.__all__:
        assert hasattr(aioweb.parser, name), name


def test_versions() -> None:
    from aioweb.parser import HttpVersion, HttpVersion10, HttpVersion11

    assert HttpVersion10 == (1, 0) and HttpVersion11 == (1, 1)
    assert HttpVersion11.major == 1 and HttpVersion11.minor == 1
    assert isinstance(HttpVersion10, HttpVersion)


def test_the_selected_twin_matches_the_environment() -> None:
    if os.environ.get("AIOWEB_NO_EXTENSIONS", "") not in ("", "0"):
        assert not aioweb.parser.COMPILED
        assert aioweb.parser.RequestParser.__module__ == "aioweb.parser._parser"
    if os.environ.get("AIOWEB_REQUIRE_EXTENSIONS"):
        assert aioweb.parser.COMPILED
        assert aioweb.parser.RequestParser.__module__ == "aioweb.parser._cparser"
    assert _implementation.COMPILED == aioweb.parser.COMPILED


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_asyncio_anywhere_in_the_package() -> None:
    sources = sorted(SOURCE.glob("*.py"))
    assert len(sources) >= 8
    for path in sources:
        for name in _imports(path):
            assert name.split(".")[0] != "asyncio", f"{path.name} imports {name}"
    for path in SOURCE.glob("*.pyx"):
        text = path.read_text(encoding="utf-8")
        assert "import asyncio" not in text and "from asyncio" not in text


def test_the_pure_modules_stay_small() -> None:
    for path in SOURCE.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) < 600, path.name


def _public(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


def test_the_twins_mirror_each_other_name_for_name(both_twins: object) -> None:
    pure, compiled = both_twins  # type: ignore[misc]
    for name in ("RequestParser", "ResponseParser", "RequestHead", "ResponseHead"):
        assert _public(getattr(pure, name)) == _public(getattr(compiled, name)), name
    assert _public(pure.RequestParser) == {"feed_data", "feed_eof", "lenient"}
    assert _public(pure.ResponseParser) == {
        "feed_data",
        "feed_eof",
        "lenient",
        "expect_response",
    }
