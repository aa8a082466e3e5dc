"""Runs every test that takes ``mask_impl`` over both twins."""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest

from aioweb.websocket import _implementation

TWINS = ["pure", "compiled"]


def _load(name: str) -> ModuleType:
    if name == "pure":
        return importlib.import_module("aioweb.websocket._mask")
    if _implementation.NO_EXTENSIONS:
        pytest.skip("AIOWEB_NO_EXTENSIONS is set: the pure build has no compiled twin")
    try:
        return importlib.import_module("aioweb.websocket._cmask")
    except ImportError:
        if os.environ.get("AIOWEB_REQUIRE_EXTENSIONS"):
            raise
        pytest.skip("the compiled twin was not built")


@pytest.fixture(params=TWINS)
def mask_impl(request: pytest.FixtureRequest) -> ModuleType:
    return _load(request.param)
