"""Fixtures shared by aioweb.protocol's tests: a recording fake transport."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aioweb.protocol import BaseProtocol


class FakeTransport(asyncio.Transport):
    """Records writes and flow-control calls; reports a settable buffer size."""

    def __init__(self) -> None:
        super().__init__()
        self.written: list[bytes] = []
        self.calls: list[str] = []
        self.closing = False
        self.buffer_size = 0
        self.extra: dict[str, Any] = {}
        # Called after each write, e.g. to simulate a full buffer.
        self.on_write: Any = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self.closing:
            raise RuntimeError("write on a closing transport")
        self.written.append(bytes(data))
        if self.on_write is not None:
            self.on_write(bytes(data))

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    @property
    def data(self) -> bytes:
        return b"".join(self.written)

    def pause_reading(self) -> None:
        self.calls.append("pause_reading")

    def resume_reading(self) -> None:
        self.calls.append("resume_reading")

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def abort(self) -> None:
        self.closing = True

    def get_write_buffer_size(self) -> int:
        return self.buffer_size

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.extra.get(name, default)

    def can_write_eof(self) -> bool:
        return False


@pytest.fixture
def transport() -> FakeTransport:
    return FakeTransport()


@pytest.fixture
async def protocol(transport: FakeTransport) -> BaseProtocol:
    proto = BaseProtocol(asyncio.get_running_loop())
    proto.connection_made(transport)
    return proto
