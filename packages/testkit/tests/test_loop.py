from __future__ import annotations

import asyncio

import pytest

from aioweb.testkit import LOOP_NAMES, FakeServer, Reply, loop_context, loop_factories


def test_loop_context_yields_a_fresh_current_loop_and_closes_it() -> None:
    with loop_context() as loop:
        assert not loop.is_closed()
        assert asyncio.get_event_loop() is loop
        assert loop.run_until_complete(asyncio.sleep(0, "ran")) == "ran"
    assert loop.is_closed()


def test_loop_context_cancels_what_is_left_pending() -> None:
    cancelled = []

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    with loop_context() as loop:
        task = loop.create_task(forever())
        loop.run_until_complete(asyncio.sleep(0))
    assert task.cancelled()
    assert cancelled == [True]


def test_fake_server_runs_inside_loop_context() -> None:
    async def scenario() -> bytes:
        async with FakeServer(Reply(body=b"sync world")) as server:
            reader, writer = await asyncio.open_connection(server.host, server.port)
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = await reader.read()
            writer.close()
            await writer.wait_closed()
            return data

    with loop_context() as loop:
        assert loop.run_until_complete(scenario()).endswith(b"sync world")


def test_loop_factories_by_name() -> None:
    factories = loop_factories(["asyncio", "asyncio"])
    assert list(factories) == ["asyncio"]
    loop = factories["asyncio"]()
    try:
        assert isinstance(loop, asyncio.AbstractEventLoop)
    finally:
        loop.close()
    assert LOOP_NAMES == ("asyncio", "uvloop")
    with pytest.raises(ValueError, match="unknown event loop 'trio'"):
        loop_factories(["trio"])


def test_uvloop_factory_makes_a_uvloop_loop() -> None:
    uvloop = pytest.importorskip("uvloop")
    with loop_context(loop_factories(["uvloop"])["uvloop"]) as loop:
        assert isinstance(loop, uvloop.Loop)


async def test_async_tests_here_run_on_each_configured_loop(
    request: pytest.FixtureRequest,
) -> None:
    loop = asyncio.get_running_loop()
    if "[uvloop]" in request.node.name:
        assert type(loop).__module__.startswith("uvloop")
    else:
        assert isinstance(loop, asyncio.BaseEventLoop)
