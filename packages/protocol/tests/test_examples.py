"""The examples in the docstrings of the public API run and say what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "codings",
    "content_disposition",
    "formdata",
    "http_head",
    "message_streams",
    "mimetypes",
    "multipart_reader",
    "multipart_writer",
    "payloads",
    "streams",
    "writer",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"aioweb.protocol.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
