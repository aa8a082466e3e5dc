"""Twin fixtures: every test that takes one runs over the pure and compiled code.

``mask_impl`` and ``reader_impl`` hand a test the module itself;
``twin`` switches :mod:`aioweb.websocket.connection` (and the frame
encoder it masks with) to one twin for the duration of a test, so
whole-protocol tests run twice. When the compiled twin should be there
(``AIOWEB_REQUIRE_EXTENSIONS=1``) and is not, the fixture fails instead of
skipping.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from types import ModuleType

import pytest

from aioweb.websocket import _encoder, _implementation, connection

TWINS = ["pure", "compiled"]
_MODULES = {"mask": ("_mask", "_cmask"), "reader": ("_reader", "_creader")}


def _load(kind: str, twin: str) -> ModuleType:
    pure, compiled = _MODULES[kind]
    if twin == "pure":
        return importlib.import_module(f"aioweb.websocket.{pure}")
    if _implementation.NO_EXTENSIONS:
        pytest.skip("AIOWEB_NO_EXTENSIONS is set: the pure build has no compiled twin")
    try:
        return importlib.import_module(f"aioweb.websocket.{compiled}")
    except ImportError:
        if os.environ.get("AIOWEB_REQUIRE_EXTENSIONS"):
            raise
        pytest.skip("the compiled twin was not built")


@pytest.fixture(params=TWINS)
def mask_impl(request: pytest.FixtureRequest) -> ModuleType:
    return _load("mask", request.param)


@pytest.fixture(params=TWINS)
def reader_impl(request: pytest.FixtureRequest) -> ModuleType:
    return _load("reader", request.param)


@pytest.fixture(scope="session")
def compiled_reader() -> ModuleType:
    """The compiled frame reader, for tests comparing it with the pure one."""
    return _load("reader", "compiled")


@pytest.fixture(params=TWINS)
def twin(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the protocol object on one twin's frame reader and masking."""
    mask = _load("mask", request.param)
    reader = _load("reader", request.param)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "FrameReader", reader.FrameReader)
        patch.setattr(_encoder, "apply_mask", mask.apply_mask)
        yield request.param


class FrameBuilder:
    """Writes raw frames byte by byte, including frames no encoder would make."""

    def __call__(
        self,
        opcode: int,
        payload: bytes = b"",
        *,
        fin: bool = True,
        rsv: int = 0,
        mask: bytes | None = b"\x12\x34\x56\x78",
        length_bytes: int | None = None,
    ) -> bytes:
        first = (0x80 if fin else 0) | (rsv << 4) | opcode
        size = len(payload)
        mask_bit = 0x80 if mask is not None else 0
        if length_bytes is None:
            length_bytes = 0 if size < 126 else 2 if size < 0x10000 else 8
        if length_bytes == 0:
            header = bytes((first, mask_bit | size))
        elif length_bytes == 2:
            header = bytes((first, mask_bit | 126)) + size.to_bytes(2, "big")
        else:
            header = bytes((first, mask_bit | 127)) + size.to_bytes(8, "big")
        if mask is None:
            return header + payload
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return header + mask + masked


@pytest.fixture
def make_frame() -> FrameBuilder:
    """Build raw frames: ``make_frame(opcode, payload, fin=, rsv=, mask=)``."""
    return FrameBuilder()
