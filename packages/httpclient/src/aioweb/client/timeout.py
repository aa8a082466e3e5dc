"""Client timeouts and the timers that enforce them.

How this works: a request is bounded by up to four timeouts
(:class:`ClientTimeout`). ``total`` covers the whole request, redirects and
body included; ``connect`` covers taking a connection from the pool (queueing
and connecting); ``sock_connect`` covers one connection attempt;
``sock_read`` covers the silence between two reads.

A timer that fires cancels the tasks working inside its context, and the
context turns that cancellation into a timeout error as it unwinds, so the
code inside stops at its current ``await`` and cleans up as for any
cancellation. A cancellation that came from elsewhere passes through
untouched. The read timeout does not cancel anything: the connection
re-arms a :class:`ReadTimer` whenever bytes arrive and, when it fires,
feeds a :class:`~aioweb.client.SocketTimeoutError` to whoever is reading.

Deadlines of timeouts longer than ``ceil_threshold`` seconds are rounded up
to a whole second of the loop's clock, so that timers of many requests fall
on the same instants and the loop wakes once for all of them; the rounding
makes such a timeout late by less than a second, which no one asking for
more than five seconds will notice.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import operator
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Final

from .exceptions import ConnectionTimeoutError, SocketTimeoutError

__all__ = (
    "ClientTimeout",
    "DEFAULT_TIMEOUT",
    "ClientWSTimeout",
    "DEFAULT_WS_CLIENT_TIMEOUT",
    "TimerContext",
    "TimeoutHandle",
    "SharedDeadlines",
    "ReadTimer",
    "ceil_deadline",
    "ceil_timeout",
    "connect_timeout",
    "sock_connect_timeout",
    "sock_read_timeout",
)


@dataclasses.dataclass(frozen=True, slots=True)
class ClientTimeout:
    """The timeouts of a request, in seconds; ``None`` or ``0`` disables one.

    Args:
        total: the whole request, from sending to the end of the body.
        connect: getting a connection: waiting for a free slot in the pool
            plus connecting.
        sock_read: the longest silence between two reads from the peer.
        sock_connect: one connection attempt to one address.
        ceil_threshold: timeouts longer than this have their deadline
            rounded up to a whole second, so that timers are batched.

    Example::

        >>> timeout = ClientTimeout(total=60, sock_read=10)
        >>> timeout.connect is None
        True
    """

    total: float | None = None
    connect: float | None = None
    sock_read: float | None = None
    sock_connect: float | None = None
    ceil_threshold: float = 5


#: Five minutes for the whole request and thirty seconds per connection
#: attempt, as in aiohttp.
DEFAULT_TIMEOUT: Final = ClientTimeout(total=5 * 60, sock_connect=30)


@dataclasses.dataclass(frozen=True, slots=True)
class ClientWSTimeout:
    """The timeouts of a client WebSocket, in seconds; ``None`` disables one.

    Args:
        ws_receive: the longest wait in ``receive()`` for a message.
        ws_close: the longest wait for the server's closing frame after
            ours was sent.
    """

    ws_receive: float | None = None
    ws_close: float | None = None


#: No receive timeout and ten seconds to close, as in aiohttp.
DEFAULT_WS_CLIENT_TIMEOUT: Final = ClientWSTimeout(ws_receive=None, ws_close=10.0)


def ceil_deadline(now: float, delay: float, ceil_threshold: float = 5) -> float:
    """The loop time at which a timeout of ``delay`` seconds should fire.

    Args:
        now: the loop's current time.
        delay: the timeout, greater than zero.
        ceil_threshold: delays above this are rounded up to a whole second.

    Returns:
        ``now + delay``, rounded up to a whole second when ``delay`` is above
        ``ceil_threshold``.
    """
    when = now + delay
    if delay > ceil_threshold:
        return float(math.ceil(when))
    return when


class TimerContext:
    """A ``with`` block that a timer can cut short.

    The tasks that entered it are cancelled by :meth:`timeout`; leaving the
    block then raises ``error`` instead of :class:`asyncio.CancelledError`.
    A cancellation the timer did not cause is left alone.

    Args:
        loop: the running loop.
        error: the timeout error to raise (a class or a factory without
            arguments); :class:`asyncio.TimeoutError` by default.
    """

    __slots__ = ("_entries", "_error", "_loop", "_timed_out")

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        error: Callable[[], BaseException] = asyncio.TimeoutError,
    ) -> None:
        self._loop = loop
        self._error = error
        # (task, its cancellation count on entry), innermost last.
        self._entries: list[tuple[asyncio.Task[object], int]] = []
        self._timed_out = False

    @property
    def timed_out(self) -> bool:
        """Whether the timer fired."""
        return self._timed_out

    def assert_timeout(self) -> None:
        """Raise the timeout error now if the timer already fired.

        Raises:
            TimeoutError: the timer fired (of the class given as ``error``).
        """
        if self._timed_out:
            raise self._error() from asyncio.CancelledError()

    def __enter__(self) -> TimerContext:
        task = _current_task(self._loop)
        if task is None:
            raise RuntimeError("Timeout context manager should be used inside a task")
        # A timer that fired before the block was entered still counts.
        if self._timed_out:
            self.assert_timeout()
        self._entries.append((task, _cancelling(task)))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        task, before = self._entries.pop()
        if not self._timed_out:
            return
        # Take back the timer's cancellation whatever the block raised, so
        # that the task's cancellation count stays right for outer scopes.
        remaining = _uncancel(task)
        if exc_type is asyncio.CancelledError and remaining <= before:
            raise self._error() from exc_val

    def timeout(self) -> None:
        """Fire: cancel every task inside the block (the timer's callback)."""
        if self._timed_out:
            return
        self._timed_out = True
        for task in dict.fromkeys(task for task, _ in self._entries):
            task.cancel()


# The task running on a loop now, if any. Before 3.12 asyncio.current_task
# is Python code around this dict; a timer is entered on every request, so
# the direct look-up is worth it.
_current_tasks = getattr(asyncio.tasks, "_current_tasks", None)
_current_task: Callable[[asyncio.AbstractEventLoop], asyncio.Task[object] | None]
if sys.version_info < (3, 12) and isinstance(_current_tasks, dict):
    _current_task = _current_tasks.get
else:
    _current_task = asyncio.current_task

_cancelling: Callable[[asyncio.Task[object]], int]
if sys.version_info >= (3, 11):
    # task.cancelling(), called from C: no Python frame per entry.
    _cancelling = operator.methodcaller("cancelling")
else:  # pragma: no cover - 3.10

    def _cancelling(task: asyncio.Task[object]) -> int:
        # Task.cancelling/uncancel exist from 3.11; on 3.10 a cancellation
        # while the timer has fired is taken to be the timer's.
        return 0


def _uncancel(task: asyncio.Task[object]) -> int:
    if sys.version_info >= (3, 11):
        return task.uncancel()
    return 0  # pragma: no cover - 3.10


class SharedDeadlines:
    """One loop timer for every :class:`TimeoutHandle` due in the same second.

    A deadline longer than ``ceil_threshold`` is rounded up to a whole second
    (:func:`ceil_deadline`), so the requests a session starts within one
    second all fall due together: they join one timer instead of each
    arming and cancelling a loop timer of its own. A handle that closes
    leaves its group; a group's timer stays armed until its second comes
    (one wake-up a second at most), so that a session making one request
    after another does not re-arm a timer for each.

    Args:
        loop: the running loop.
    """

    __slots__ = ("_groups", "_loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._groups: dict[float, dict[TimeoutHandle, None]] = {}

    def join(self, when: float, handle: TimeoutHandle) -> None:
        """Fire ``handle`` at ``when`` (a whole second of the loop's clock)."""
        group = self._groups.get(when)
        if group is None:
            group = self._groups[when] = {}
            self._loop.call_at(when, self._fire, when)
        group[handle] = None

    def leave(self, when: float, handle: TimeoutHandle) -> None:
        """Do not fire ``handle`` after all."""
        group = self._groups.get(when)
        if group is not None:
            group.pop(handle, None)

    def _fire(self, when: float) -> None:
        for handle in self._groups.pop(when, ()):
            handle._fire()


class TimeoutHandle:
    """A timer for a timeout that spans several steps (``total``).

    Callbacks registered with :meth:`register` run when it fires;
    :meth:`timer` gives a :class:`TimerContext` that it will cut short.

    Args:
        loop: the running loop.
        timeout: seconds; ``None`` or ``0`` for no timeout.
        ceil_threshold: see :func:`ceil_deadline`.
        shared: deadlines to join when this one is rounded to a whole
            second (see :class:`SharedDeadlines`); a timer of its own
            otherwise.
    """

    __slots__ = (
        "_callbacks",
        "_ceil_threshold",
        "_handle",
        "_loop",
        "_shared",
        "_timeout",
        "_when",
    )

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        timeout: float | None,
        ceil_threshold: float = 5,
        shared: SharedDeadlines | None = None,
    ) -> None:
        self._loop = loop
        self._timeout = timeout
        self._ceil_threshold = ceil_threshold
        self._callbacks: list[Callable[[], None]] = []
        self._handle: asyncio.TimerHandle | None = None
        self._shared = shared
        self._when: float | None = None

    def register(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the timer fires."""
        self._callbacks.append(callback)

    def close(self) -> None:
        """Forget the callbacks and stop the timer."""
        self._callbacks.clear()
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        when = self._when
        if when is not None:
            assert self._shared is not None
            # SharedDeadlines.leave(), inlined.
            group = self._shared._groups.get(when)
            if group is not None:
                group.pop(self, None)
            self._when = None

    def start(self) -> TimeoutHandle | None:
        """Arm the timer; ``None`` when there is no timeout."""
        timeout = self._timeout
        if not timeout or timeout <= 0:
            return None
        shared = self._shared
        if shared is not None and timeout > self._ceil_threshold:
            # ceil_deadline() and SharedDeadlines.join(), inlined: this runs
            # for every request.
            when = float(math.ceil(self._loop.time() + timeout))
            self._when = when
            group = shared._groups.get(when)
            if group is None:
                shared.join(when, self)
            else:
                group[self] = None
        else:
            when = ceil_deadline(self._loop.time(), timeout, self._ceil_threshold)
            self._handle = self._loop.call_at(when, self._fire)
        return self

    def timer(
        self, error: Callable[[], BaseException] = asyncio.TimeoutError
    ) -> TimerContext:
        """A context that this timer cuts short, raising ``error``."""
        context = TimerContext(self._loop, error)
        self._callbacks.append(context.timeout)
        return context

    def _fire(self) -> None:
        self._handle = None
        self._when = None
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()


class _Deadline:
    """``async with`` form of a one-off :class:`TimerContext`."""

    __slots__ = ("_context", "_delay", "_handle", "_threshold")

    def __init__(
        self,
        delay: float | None,
        ceil_threshold: float,
        error: Callable[[], BaseException],
    ) -> None:
        self._delay = delay
        self._threshold = ceil_threshold
        self._context = TimerContext(asyncio.get_running_loop(), error)
        self._handle: asyncio.TimerHandle | None = None

    async def __aenter__(self) -> TimerContext:
        self._context.__enter__()
        if self._delay is not None and self._delay > 0:
            loop = asyncio.get_running_loop()
            when = ceil_deadline(loop.time(), self._delay, self._threshold)
            self._handle = loop.call_at(when, self._context.timeout)
        return self._context

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._context.__exit__(exc_type, exc_val, exc_tb)


def ceil_timeout(
    delay: float | None,
    ceil_threshold: float = 5,
    *,
    error: Callable[[], BaseException] = asyncio.TimeoutError,
) -> _Deadline:
    """Bound an ``async with`` block by ``delay`` seconds.

    Args:
        delay: seconds; ``None`` or ``0`` for no bound.
        ceil_threshold: see :func:`ceil_deadline`.
        error: what to raise when the time runs out (a class or factory).

    Returns:
        An asynchronous context manager; must be entered inside a task.

    Example::

        async with ceil_timeout(0.5):
            await asyncio.sleep(1)   # raises TimeoutError after 0.5 s
    """
    return _Deadline(delay, ceil_threshold, error)


def _connection_timeout() -> BaseException:
    return ConnectionTimeoutError("Connection timeout")


def _sock_connect_timeout() -> BaseException:
    return ConnectionTimeoutError("Connection timeout to host")


def connect_timeout(timeout: ClientTimeout) -> _Deadline:
    """Bound getting a connection by ``timeout.connect``.

    Raises :class:`~aioweb.client.ConnectionTimeoutError` when it runs out.
    """
    return _Deadline(timeout.connect, timeout.ceil_threshold, _connection_timeout)


def sock_connect_timeout(timeout: ClientTimeout) -> _Deadline:
    """Bound one connection attempt by ``timeout.sock_connect``.

    Raises :class:`~aioweb.client.ConnectionTimeoutError` when it runs out.
    """
    return _Deadline(
        timeout.sock_connect, timeout.ceil_threshold, _sock_connect_timeout
    )


def _sock_read_timeout() -> BaseException:
    return SocketTimeoutError("Timeout on reading data from socket")


def sock_read_timeout(timeout: ClientTimeout) -> _Deadline:
    """Bound one read (an ``await`` on incoming data) by ``timeout.sock_read``.

    For code that awaits a read directly, such as a WebSocket receive; a
    connection whose reads are callbacks uses :class:`ReadTimer` instead.
    Raises :class:`~aioweb.client.SocketTimeoutError` when it runs out.
    """
    return _Deadline(timeout.sock_read, timeout.ceil_threshold, _sock_read_timeout)


class ReadTimer:
    """The ``sock_read`` timer of a connection, re-armed as bytes arrive.

    Args:
        loop: the running loop.
        delay: the longest silence allowed, in seconds; ``None`` or ``0``
            disables the timer.
        on_timeout: called with a
            :class:`~aioweb.client.SocketTimeoutError` when the peer stayed
            silent for ``delay`` seconds; typically sets the exception of the
            body stream being read.
        ceil_threshold: see :func:`ceil_deadline`.
    """

    __slots__ = ("_ceil_threshold", "_delay", "_handle", "_loop", "_on_timeout")

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        delay: float | None,
        on_timeout: Callable[[SocketTimeoutError], None],
        ceil_threshold: float = 5,
    ) -> None:
        self._loop = loop
        self._delay = delay
        self._on_timeout = on_timeout
        self._ceil_threshold = ceil_threshold
        self._handle: asyncio.TimerHandle | None = None

    @property
    def armed(self) -> bool:
        """Whether the timer is running."""
        return self._handle is not None

    def reschedule(self) -> None:
        """(Re)start the countdown: call on each read and when reading starts."""
        self.cancel()
        if self._delay is not None and self._delay > 0:
            when = ceil_deadline(self._loop.time(), self._delay, self._ceil_threshold)
            self._handle = self._loop.call_at(when, self._fire)

    def cancel(self) -> None:
        """Stop the countdown: call when the response is complete or paused."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _fire(self) -> None:
        self._handle = None
        self._on_timeout(SocketTimeoutError("Timeout on reading data from socket"))
