"""BaseProtocol: write flow control, drain, connection loss, read pausing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aioweb.protocol import BaseProtocol


async def test_drain_returns_at_once_when_not_paused(protocol: BaseProtocol) -> None:
    assert protocol.connected
    assert not protocol.writing_paused
    await protocol.drain()


async def test_drain_waits_until_resume(protocol: BaseProtocol) -> None:
    protocol.pause_writing()
    assert protocol.writing_paused
    first = asyncio.create_task(protocol.drain())
    second = asyncio.create_task(protocol._drain_helper())
    await asyncio.sleep(0.01)
    assert not first.done() and not second.done()
    protocol.resume_writing()
    await asyncio.wait_for(asyncio.gather(first, second), 1)
    assert not protocol.writing_paused


async def test_cancelling_one_drain_leaves_the_other(protocol: BaseProtocol) -> None:
    protocol.pause_writing()
    first = asyncio.create_task(protocol.drain())
    second = asyncio.create_task(protocol.drain())
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.sleep(0)
    assert first.cancelled()
    assert not second.done()
    protocol.resume_writing()
    await asyncio.wait_for(second, 1)


@pytest.mark.parametrize("cause", [None, OSError("broken pipe")])
async def test_connection_lost_fails_waiting_drain(
    protocol: BaseProtocol, cause: OSError | None
) -> None:
    protocol.pause_writing()
    waiting = asyncio.create_task(protocol.drain())
    await asyncio.sleep(0)
    protocol.connection_lost(cause)
    with pytest.raises(ConnectionResetError) as info:
        await waiting
    assert info.value.__cause__ is cause
    assert not protocol.connected
    # Every later drain fails too: nothing written now can arrive.
    with pytest.raises(ConnectionResetError):
        await protocol.drain()


async def test_reading_pause_reaches_the_transport_once(
    protocol: BaseProtocol, transport: Any
) -> None:
    protocol.pause_reading()
    protocol.pause_reading()
    assert protocol.reading_paused
    protocol.resume_reading()
    protocol.resume_reading()
    assert transport.calls == ["pause_reading", "resume_reading"]
    assert not protocol.reading_paused


async def test_reading_pause_without_transport_is_a_no_op() -> None:
    proto = BaseProtocol(asyncio.get_running_loop())
    proto.pause_reading()
    assert not proto.reading_paused


async def test_real_transport_flow_control() -> None:
    """Over a socket pair: a reader that stops reading fills the writer's buffer."""
    loop = asyncio.get_running_loop()
    server_ready: asyncio.Future[BaseProtocol] = loop.create_future()

    class Sink(BaseProtocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            server_ready.set_result(self)

    # Both ends are BaseProtocol, the subject: a testkit server would hide
    # the far end's pause_reading this test drives.
    server = await loop.create_server(lambda: Sink(loop), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport, client = await loop.create_connection(
        lambda: BaseProtocol(loop), "127.0.0.1", port
    )
    sink = await server_ready
    # Python 3.10 starts reading only after connection_made returns, undoing a
    # pause made inside it; pausing one loop iteration later holds everywhere.
    await asyncio.sleep(0)
    sink.pause_reading()
    try:
        transport.set_write_buffer_limits(high=1024)
        chunk = b"x" * 65536
        for _ in range(10_000):  # bounded: a broken pause must fail, not hang
            if client.writing_paused:
                break
            transport.write(chunk)
            await asyncio.sleep(0)
        assert client.writing_paused, "the writer never saw pause_writing"
        drain = asyncio.create_task(client.drain())
        await asyncio.sleep(0.05)
        assert not drain.done()
        sink.resume_reading()
        await asyncio.wait_for(drain, 5)
    finally:
        transport.close()
        assert sink.transport is not None
        sink.transport.close()
        server.close()
        await server.wait_closed()


def test_a_uvloop_transport_is_taken() -> None:
    # uvloop's transports do not derive from asyncio.Transport.
    import uvloop

    async def exchange() -> bytes:
        loop = asyncio.get_running_loop()
        made: asyncio.Future[BaseProtocol] = loop.create_future()

        def factory() -> BaseProtocol:
            protocol = BaseProtocol(loop)
            loop.call_soon(made.set_result, protocol)
            return protocol

        # Runs under uvloop.run, outside pytest-asyncio's loop, and the
        # server's protocol is the subject.
        server = await loop.create_server(factory, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        protocol = await asyncio.wait_for(made, 5)
        assert protocol.transport is not None
        protocol.transport.write(b"through uvloop")
        data = await reader.readexactly(14)
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()
        return data

    assert uvloop.run(exchange()) == b"through uvloop"


async def test_connection_lost_closes_a_transport_left_open(
    protocol: BaseProtocol, transport: Any
) -> None:
    # The peer ended the connection and the transport was never closed here
    # (Python 3.10's TLS transport stays so and warns when collected).
    assert not transport.is_closing()
    protocol.connection_lost(None)
    assert transport.is_closing()
    assert protocol.transport is None
