"""The aioweb pytest plugin, registered through the ``pytest11`` entry point."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .ports import unused_port


@pytest.fixture
def aioweb_unused_port() -> Callable[[], int]:
    """A function returning a free TCP port on 127.0.0.1 at each call."""
    return unused_port
