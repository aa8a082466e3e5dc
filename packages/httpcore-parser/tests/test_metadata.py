from __future__ import annotations

import importlib.metadata

import aioweb.parser


def test_installed_version_is_the_package_version() -> None:
    assert (
        importlib.metadata.version("aioweb-httpcore-parser")
        == aioweb.parser.__version__
    )


def test_package_ships_its_type_marker() -> None:
    files = importlib.metadata.files("aioweb-httpcore-parser") or []
    assert any(str(f).endswith("aioweb/parser/py.typed") for f in files)
