"""ClientTimeout and the timers, on a real event loop with short delays."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import pickle
import sys

import pytest

from aioweb.client import exceptions as exc
from aioweb.client.timeout import (
    DEFAULT_TIMEOUT,
    DEFAULT_WS_CLIENT_TIMEOUT,
    ClientTimeout,
    ClientWSTimeout,
    ReadTimer,
    SharedDeadlines,
    TimeoutHandle,
    TimerContext,
    ceil_deadline,
    ceil_timeout,
    connect_timeout,
    sock_connect_timeout,
    sock_read_timeout,
)

SHORT = 0.05


def test_client_timeout_defaults() -> None:
    timeout = ClientTimeout()
    assert (
        timeout.total,
        timeout.connect,
        timeout.sock_read,
        timeout.sock_connect,
    ) == (
        None,
        None,
        None,
        None,
    )
    assert timeout.ceil_threshold == 5
    assert ClientTimeout(total=300, sock_connect=30) == DEFAULT_TIMEOUT


def test_client_timeout_is_frozen_and_replaceable() -> None:
    timeout = ClientTimeout(total=10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        timeout.total = 1  # type: ignore[misc]
    assert dataclasses.replace(timeout, sock_read=2) == ClientTimeout(10, sock_read=2)
    assert pickle.loads(pickle.dumps(timeout)) == timeout
    assert hash(timeout) == hash(ClientTimeout(total=10))


def test_ceil_deadline() -> None:
    assert ceil_deadline(100.25, 1) == 101.25
    assert ceil_deadline(100.25, 5) == 105.25  # at the threshold: exact
    assert ceil_deadline(100.25, 6) == 107.0  # above: rounded up
    assert ceil_deadline(100.25, 6, ceil_threshold=10) == 106.25
    assert ceil_deadline(100.0, 6) == 106.0


async def test_ceil_timeout_raises_timeout_error() -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()
    with pytest.raises(asyncio.TimeoutError) as info:
        async with ceil_timeout(SHORT):
            await asyncio.sleep(10)
    assert type(info.value) in (asyncio.TimeoutError, TimeoutError)
    assert isinstance(info.value.__cause__, asyncio.CancelledError)
    assert SHORT <= loop.time() - start < 5


async def test_ceil_timeout_lets_fast_code_finish() -> None:
    async with ceil_timeout(1) as context:
        await asyncio.sleep(0)
    assert not context.timed_out
    # The timer is cancelled on exit: nothing fires later.
    await asyncio.sleep(SHORT)


@pytest.mark.parametrize("delay", [None, 0, -1])
async def test_ceil_timeout_disabled(delay: float | None) -> None:
    async with ceil_timeout(delay) as context:
        await asyncio.sleep(SHORT)
    assert not context.timed_out


async def test_ceil_timeout_rounds_long_deadlines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loop = asyncio.get_running_loop()
    scheduled: list[float] = []
    call_at = loop.call_at

    def spy(when: float, callback: object, *args: object) -> asyncio.TimerHandle:
        scheduled.append(when)
        return call_at(when, callback, *args)  # type: ignore[arg-type]

    # No await runs inside the blocks, so a frozen clock is safe here.
    monkeypatch.setattr(loop, "call_at", spy)
    monkeypatch.setattr(loop, "time", lambda: 100.25)
    async with ceil_timeout(30):
        pass
    async with ceil_timeout(30, ceil_threshold=60):
        pass
    async with ceil_timeout(2):
        pass
    monkeypatch.undo()
    assert scheduled == [131.0, 130.25, 102.25]


async def test_outside_cancellation_is_not_a_timeout() -> None:
    async def work() -> None:
        async with ceil_timeout(10):
            await asyncio.sleep(10)

    task = asyncio.create_task(work())
    await asyncio.sleep(SHORT)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_connect_timeouts_raise_connection_timeout_error() -> None:
    timeout = ClientTimeout(connect=SHORT, sock_connect=SHORT)
    with pytest.raises(exc.ConnectionTimeoutError, match="Connection timeout"):
        async with connect_timeout(timeout):
            await asyncio.sleep(10)
    with pytest.raises(exc.ConnectionTimeoutError) as info:
        async with sock_connect_timeout(timeout):
            await asyncio.sleep(10)
    assert isinstance(info.value, exc.ServerTimeoutError)
    assert isinstance(info.value, asyncio.TimeoutError)


async def test_timeout_handle_cuts_the_timer_context_short() -> None:
    loop = asyncio.get_running_loop()
    fired: list[str] = []
    handle = TimeoutHandle(loop, SHORT)
    handle.register(lambda: fired.append("callback"))
    timer = handle.timer()
    assert handle.start() is not None
    with pytest.raises(asyncio.TimeoutError), timer:
        await asyncio.sleep(10)
    assert fired == ["callback"]
    assert timer.timed_out
    # Entering again after the timer fired fails at once.
    with pytest.raises(asyncio.TimeoutError), timer:
        pass
    handle.close()


async def test_timeout_handle_without_timeout() -> None:
    loop = asyncio.get_running_loop()
    handle = TimeoutHandle(loop, None)
    assert handle.start() is None
    with handle.timer():
        await asyncio.sleep(0)
    handle.close()


async def test_timeout_handle_close_stops_the_timer() -> None:
    loop = asyncio.get_running_loop()
    handle = TimeoutHandle(loop, SHORT)
    fired: list[int] = []
    handle.register(lambda: fired.append(1))
    handle.start()
    handle.close()
    await asyncio.sleep(SHORT * 2)
    assert fired == []


async def test_timer_context_custom_error_and_task_survives() -> None:
    loop = asyncio.get_running_loop()
    timer = TimerContext(loop, lambda: exc.ServerTimeoutError("total"))
    loop.call_later(SHORT, timer.timeout)
    with pytest.raises(exc.ServerTimeoutError, match="total"), timer:
        await asyncio.sleep(10)
    # The task is not left cancelled: it can keep awaiting.
    await asyncio.sleep(0)
    task = asyncio.current_task()
    assert task is not None
    if sys.version_info >= (3, 11):  # Task.cancelling() is new in 3.11
        assert task.cancelling() == 0


def test_timer_context_needs_a_task() -> None:
    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(RuntimeError, match="inside a task"), TimerContext(loop):
            pass
    finally:
        loop.close()


async def test_read_timer_fires_after_silence() -> None:
    loop = asyncio.get_running_loop()
    got: asyncio.Future[exc.SocketTimeoutError] = loop.create_future()
    timer = ReadTimer(loop, SHORT, got.set_result)
    timer.reschedule()
    assert timer.armed
    error = await asyncio.wait_for(got, 5)
    assert isinstance(error, exc.SocketTimeoutError)
    assert str(error) == "Timeout on reading data from socket"
    assert not timer.armed


async def test_read_timer_is_pushed_back_by_reads() -> None:
    loop = asyncio.get_running_loop()
    fired: list[exc.SocketTimeoutError] = []
    timer = ReadTimer(loop, 30, fired.append, ceil_threshold=60)
    timer.reschedule()
    first = timer._handle
    assert first is not None
    await asyncio.sleep(SHORT)
    timer.reschedule()  # data arrived: the countdown starts again
    second = timer._handle
    assert second is not None
    assert first.cancelled()
    assert second.when() >= first.when() + SHORT * 0.9
    assert abs(second.when() - (loop.time() + 30)) < 1
    timer.cancel()
    assert second.cancelled()
    assert not timer.armed
    assert fired == []


async def test_read_timer_disabled() -> None:
    loop = asyncio.get_running_loop()
    timer = ReadTimer(loop, None, lambda error: None)
    timer.reschedule()
    assert not timer.armed


async def test_sock_read_timeout_raises_socket_timeout_error() -> None:
    with pytest.raises(exc.SocketTimeoutError, match="reading data"):
        async with sock_read_timeout(ClientTimeout(sock_read=SHORT)):
            await asyncio.sleep(10)
    async with sock_read_timeout(ClientTimeout()) as context:
        await asyncio.sleep(SHORT)
    assert not context.timed_out


async def test_swallowed_timer_cancellation_is_taken_back() -> None:
    loop = asyncio.get_running_loop()
    timer = TimerContext(loop)
    loop.call_later(SHORT, timer.timeout)
    # Code that swallows the cancellation.
    with timer, contextlib.suppress(asyncio.CancelledError):
        await asyncio.sleep(10)
    task = asyncio.current_task()
    assert task is not None
    if sys.version_info >= (3, 11):  # Task.cancelling() is new in 3.11
        assert task.cancelling() == 0
    await asyncio.sleep(0)  # and the task is not cancelled again


def test_client_ws_timeout() -> None:
    assert ClientWSTimeout() == ClientWSTimeout(ws_receive=None, ws_close=None)
    assert ClientWSTimeout(ws_close=10.0) == DEFAULT_WS_CLIENT_TIMEOUT
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_WS_CLIENT_TIMEOUT.ws_close = 1  # type: ignore[misc]
    assert dataclasses.replace(DEFAULT_WS_CLIENT_TIMEOUT, ws_receive=5).ws_receive == 5


async def test_shared_deadlines_one_timer_for_the_same_second() -> None:
    loop = asyncio.get_running_loop()
    shared = SharedDeadlines(loop)
    fired: list[str] = []
    # Above the ceil threshold: both deadlines round up to the same second
    # (unless the clock crosses a second between the two starts).
    first = TimeoutHandle(loop, 0.2, ceil_threshold=0.1, shared=shared)
    second = TimeoutHandle(loop, 0.2, ceil_threshold=0.1, shared=shared)
    first.register(lambda: fired.append("first"))
    second.register(lambda: fired.append("second"))
    timer = first.timer()
    assert first.start() is first
    assert second.start() is second
    assert 1 <= len(shared._groups) <= 2
    second.close()  # leaves its group; the other one still fires
    with pytest.raises(asyncio.TimeoutError), timer:
        await asyncio.sleep(3)
    assert fired == ["first"]
    assert timer.timed_out
    # The fired group is gone; a group left early waits, empty, for its second.
    assert all(not group for group in shared._groups.values())
    first.close()


async def test_shared_deadlines_below_the_threshold_keep_their_own_timer() -> None:
    loop = asyncio.get_running_loop()
    shared = SharedDeadlines(loop)
    handle = TimeoutHandle(loop, SHORT, ceil_threshold=5, shared=shared)
    timer = handle.timer()
    handle.start()
    assert not shared._groups  # not rounded, so not shared
    with pytest.raises(asyncio.TimeoutError), timer:
        await asyncio.sleep(10)
    handle.close()
