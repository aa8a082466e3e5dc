from __future__ import annotations

import importlib.metadata

import aioweb.protocol


def test_installed_version_is_the_package_version() -> None:
    assert importlib.metadata.version("aioweb-protocol") == aioweb.protocol.__version__


def test_package_ships_its_type_marker() -> None:
    files = importlib.metadata.files("aioweb-protocol") or []
    assert any(str(f).endswith("aioweb/protocol/py.typed") for f in files)
