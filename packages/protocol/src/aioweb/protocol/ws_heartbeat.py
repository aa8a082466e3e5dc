"""The WebSocket heartbeat: a ping after silence, a deadline for the answer.

How this works: every chunk of bytes received calls :meth:`Heartbeat.activity`,
which only moves a deadline forward (no timer is rescheduled on the hot
path). When the timer fires before the deadline, it sleeps again until the
deadline; when it fires at the deadline, a Ping goes out and the peer has
half the interval to send anything back. Any byte from the peer (its Pong,
usually) cancels that wait; silence calls ``on_timeout``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

__all__ = ("Heartbeat",)


class Heartbeat:
    """Pings a silent peer and reports one that stays silent.

    Args:
        loop: the connection's event loop.
        interval: seconds of silence before a ping.
        send_ping: sends a Ping now; returns False if it could not (the
            connection has then been failed by the caller).
        on_timeout: called once when a ping got no answer in
            ``interval / 2`` seconds.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        interval: float,
        send_ping: Callable[[], bool],
        on_timeout: Callable[[], None],
    ) -> None:
        self._loop = loop
        self.interval = interval
        #: Seconds a ping's answer may take.
        self.pong_timeout = interval / 2.0
        self._send_ping = send_ping
        self._on_timeout = on_timeout
        self._deadline = 0.0
        self._ping_timer: asyncio.TimerHandle | None = None
        self._pong_timer: asyncio.TimerHandle | None = None
        self._stopped = False

    def activity(self) -> None:
        """The peer sent something: it is alive, the next ping can wait."""
        if self._stopped:
            return
        self._deadline = self._loop.time() + self.interval
        if self._pong_timer is not None:
            self._pong_timer.cancel()
            self._pong_timer = None
        if self._ping_timer is None:
            self._ping_timer = self._loop.call_at(self._deadline, self._ping)

    def stop(self) -> None:
        """Cancel both timers for good."""
        self._stopped = True
        for timer in (self._ping_timer, self._pong_timer):
            if timer is not None:
                timer.cancel()
        self._ping_timer = self._pong_timer = None

    def _ping(self) -> None:
        self._ping_timer = None
        now = self._loop.time()
        if now < self._deadline:
            # Traffic since the timer was set: wait for the new deadline.
            self._ping_timer = self._loop.call_at(self._deadline, self._ping)
            return
        if self._send_ping():
            self._pong_timer = self._loop.call_at(
                now + self.pong_timeout, self._no_pong
            )

    def _no_pong(self) -> None:
        self._pong_timer = None
        if not self._stopped:
            self._stopped = True
            self._on_timeout()
