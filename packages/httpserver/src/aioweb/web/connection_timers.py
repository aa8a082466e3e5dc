"""The timers of a server connection: keep-alive, request head and body.

How this works: each timer is armed once and re-armed lazily. The states a
connection moves through only record when they began (``_idle_since``,
``_head_since``, ``_body_activity``); when a timer fires it compares that
moment with the clock and either acts or sets itself for the moment that is
now due. A busy connection therefore does not create and cancel timers for
every request.

* keep-alive: an idle connection is closed after ``keepalive_timeout``;
* head: from the first byte of a request head until its end,
  ``header_read_timeout`` (408 and close past it); the clock is read when
  the read holding that first byte has been parsed and the head is still
  incomplete, so a head that comes whole costs no clock reading;
* body: at most ``body_read_timeout`` between two pieces of a body while the
  server reads it (408 and close past it); a paused transport (a slow
  consumer) does not count against the client.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aioweb.protocol import BaseProtocol, PayloadError

__all__ = ("ConnectionTimers", "RequestTimeout")


class RequestTimeout(PayloadError):
    """The client was too slow sending a head or a body (408)."""

    status = 408


class ConnectionTimers(BaseProtocol):
    """The timer half of :class:`~aioweb.web.RequestHandler`.

    The attributes it sets are its slots; the handler's own are in the
    handler's ``__slots__`` (an idle connection holds no instance dict).
    """

    __slots__ = (
        "_body_activity",
        "_body_handle",
        "_force_close",
        "_head_since",
        "_header_handle",
        "_idle_since",
        "_keepalive_handle",
    )

    logger: logging.Logger
    _streams: Any
    _messages: list[Any]
    _current_request: Any
    _force_close: bool
    _keepalive_timeout: float
    _header_read_timeout: float | None
    _body_read_timeout: float | None
    _keepalive_handle: asyncio.TimerHandle | None
    _header_handle: asyncio.TimerHandle | None
    _body_handle: asyncio.TimerHandle | None
    _idle_since: float | None
    _head_since: float | None
    _body_activity: float

    def _fail_parsing(self, error: Exception | None) -> None:
        raise NotImplementedError

    # The keep-alive and header timers are armed once and re-armed lazily:
    # the states in between only record when they began, so a busy
    # connection does not create and cancel timers for every request.

    def _start_keepalive(self) -> None:
        if not self._keepalive_timeout or self._force_close:
            return
        self._idle_since = now = self._loop.time()
        if self._keepalive_handle is None:
            self._keepalive_handle = self._loop.call_at(
                now + self._keepalive_timeout, self._keepalive_expired
            )

    def _stop_keepalive(self) -> None:
        self._idle_since = None

    def _keepalive_expired(self) -> None:
        self._keepalive_handle = None
        since = self._idle_since
        if since is None or self._current_request is not None or self._messages:
            return  # busy: re-armed when idle again
        deadline = since + self._keepalive_timeout
        if deadline > self._loop.time():
            self._keepalive_handle = self._loop.call_at(
                deadline, self._keepalive_expired
            )
            return
        self._force_close = True
        if self.transport is not None:
            self.transport.close()

    def _header_timed_out(self) -> None:
        self._header_handle = None
        since = self._head_since
        if since is None or self._header_read_timeout is None:
            return  # no head in progress
        deadline = since + self._header_read_timeout
        if deadline > self._loop.time():
            self._header_handle = self._loop.call_at(deadline, self._header_timed_out)
            return
        self.logger.debug("Request head not received in time; closing")
        self._fail_parsing(RequestTimeout("request head timed out", status=408))

    def _restart_body_timer(self) -> None:
        # One timer per body, pushed back lazily: each piece only records
        # when it came, and the timer re-arms itself if one came meanwhile.
        if self._body_read_timeout is None or self._reading_paused:
            return
        self._body_activity = self._loop.time()
        if self._body_handle is None:
            self._body_handle = self._loop.call_at(
                self._body_activity + self._body_read_timeout, self._body_timed_out
            )

    def _body_timed_out(self) -> None:
        self._body_handle = None
        payload = self._streams.payload
        if payload is None or self._body_read_timeout is None:
            return
        if self._reading_paused:  # the consumer is slow, not the client
            return
        deadline = self._body_activity + self._body_read_timeout
        if deadline > self._loop.time():
            self._body_handle = self._loop.call_at(deadline, self._body_timed_out)
            return
        self._fail_parsing(None)
        payload.set_exception(RequestTimeout("request body timed out", status=408))

    def _cancel_timers(self) -> None:
        for name in ("_keepalive_handle", "_header_handle", "_body_handle"):
            handle: asyncio.TimerHandle | None = getattr(self, name)
            if handle is not None:
                handle.cancel()
                setattr(self, name, None)
