from __future__ import annotations

import importlib.metadata

import aioweb.testkit


def test_installed_version_is_the_package_version() -> None:
    assert importlib.metadata.version("aioweb-testkit") == aioweb.testkit.__version__


def test_package_ships_its_type_marker() -> None:
    files = importlib.metadata.files("aioweb-testkit") or []
    assert any(str(f).endswith("aioweb/testkit/py.typed") for f in files)
