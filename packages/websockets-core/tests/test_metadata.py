from __future__ import annotations

import importlib.metadata

import aioweb.websocket


def test_installed_version_is_the_package_version() -> None:
    assert (
        importlib.metadata.version("aioweb-websockets-core")
        == aioweb.websocket.__version__
    )


def test_package_ships_its_type_marker() -> None:
    files = importlib.metadata.files("aioweb-websockets-core") or []
    assert any(str(f).endswith("aioweb/websocket/py.typed") for f in files)
