"""Fixtures shared by the parser tests.

``parser_impl`` runs a test over both twins (pure and compiled). The llhttp
vector corpus is found at ``../shared/vectors/llhttp`` from the repository
root or at ``$AIOWEB_LLHTTP_VECTORS``.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from aioweb.parser import _implementation

HERE = Path(__file__).resolve().parent
TWINS = ["pure", "compiled"]


def _load_local(name: str) -> ModuleType:
    """Import a helper module of this folder (test modules cannot import)."""
    key = f"_aioweb_parser_tests_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, HERE / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


support = _load_local("_support")
llhttp = _load_local("_llhttp")


def _twin(name: str) -> SimpleNamespace:
    if name == "pure":
        parser = importlib.import_module("aioweb.parser._parser")
        heads = importlib.import_module("aioweb.parser._heads")
        return SimpleNamespace(
            name=name,
            RequestParser=parser.RequestParser,
            ResponseParser=parser.ResponseParser,
            RequestHead=heads.RequestHead,
            ResponseHead=heads.ResponseHead,
        )
    if _implementation.NO_EXTENSIONS:
        pytest.skip("AIOWEB_NO_EXTENSIONS is set: the pure build has no compiled twin")
    try:
        compiled = importlib.import_module("aioweb.parser._cparser")
    except ImportError:
        if os.environ.get("AIOWEB_REQUIRE_EXTENSIONS"):
            raise
        pytest.skip("the compiled twin was not built")
    return SimpleNamespace(
        name=name,
        RequestParser=compiled.RequestParser,
        ResponseParser=compiled.ResponseParser,
        RequestHead=compiled.RequestHead,
        ResponseHead=compiled.ResponseHead,
    )


@pytest.fixture(params=TWINS)
def parser_impl(request: pytest.FixtureRequest) -> SimpleNamespace:
    """The classes of one twin: ``RequestParser``, ``ResponseParser``, heads."""
    return _twin(request.param)


@pytest.fixture(scope="session")
def both_twins() -> tuple[SimpleNamespace, SimpleNamespace]:
    """Pure and compiled together, for differential tests."""
    return _twin("pure"), _twin("compiled")


@pytest.fixture
def feed() -> Any:
    """``feed(parser_class, data, step=None, eof=False, methods=(), **options)``."""
    return support.feed


@pytest.fixture
def recorder_class() -> Any:
    return support.Recorder


def vector_root() -> Path | None:
    configured = os.environ.get("AIOWEB_LLHTTP_VECTORS")
    if configured:
        return Path(configured)
    root = HERE.parent.parent.parent  # the repository root
    candidate = root.parent / "shared" / "vectors" / "llhttp"
    return candidate if candidate.is_dir() else None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "llhttp_vector" not in metafunc.fixturenames:
        return
    root = vector_root()
    if root is None or not root.is_dir():
        message = (
            "the llhttp vectors are missing: put them at ../shared/vectors/llhttp"
            " (from the repository root) or set AIOWEB_LLHTTP_VECTORS"
        )
        if os.environ.get("CI") == "true":
            raise pytest.UsageError(message)  # CI must run them
        skipped = pytest.param(None, marks=pytest.mark.skip(reason=message))
        metafunc.parametrize("llhttp_vector", [skipped])
        return
    vectors = [v for v in llhttp.load(root) if v.strict]
    metafunc.parametrize("llhttp_vector", vectors, ids=[v.id for v in vectors])


@pytest.fixture
def expectation() -> Any:
    return llhttp.expectation


@pytest.fixture
def llhttp_loader() -> Any:
    """The vector loader module (tests/_llhttp.py)."""
    return llhttp


@pytest.fixture(scope="session")
def llhttp_vector_ids() -> set[str]:
    """The ids of the strict llhttp vectors (skips where the corpus is absent)."""
    root = vector_root()
    if root is None or not root.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("the llhttp vectors are missing")
        pytest.skip("the llhttp vectors are missing")
    return {v.id for v in llhttp.load(root) if v.strict}
