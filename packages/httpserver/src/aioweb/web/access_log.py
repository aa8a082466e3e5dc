"""The access log: :class:`AbstractAccessLogger` and :class:`AccessLogger`.

One line per response, in aiohttp's (Apache-like) format language:

=============  =========================================================
``%a``         the peer's address
``%t``         when the request started, ``[27/Nov/2026:10:00:00 +0000]``
``%P``         the server's process id
``%r``         the request line, ``GET /path?q HTTP/1.1``
``%s``         the status code
``%b``         bytes sent, head included
``%T``         seconds taken, whole
``%Tf``        seconds taken, with microseconds
``%D``         microseconds taken
``%{Name}i``   the request's ``Name`` header (``-`` if absent)
``%{Name}o``   the response's ``Name`` header
``%{Name}e``   the environment variable ``Name``
``%%``         a ``%``
=============  =========================================================

The format is compiled once into a list of small functions. Each record also
carries the values as ``extra`` attributes (``remote_address``,
``request_start_time``, ``process_id``, ``first_request_line``,
``response_status``, ``response_size``, ``request_time``,
``request_time_frac``, ``request_time_micro``, ``request_header``,
``response_header``, ``environ``), for structured log handlers.
"""

from __future__ import annotations

import abc
import datetime
import logging
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from .request import BaseRequest
    from .stream_response import StreamResponse

__all__ = ("AbstractAccessLogger", "AccessLogger", "access_logger")

#: The logger the runners give the access log by default.
access_logger: Final = logging.getLogger("aioweb.access")

_FORMAT_RE: Final = re.compile(r"%(\{([A-Za-z0-9\-_]+)\}([ioe])|[atPrsbOD]|Tf?|%)")

_Item = Callable[["BaseRequest", "StreamResponse", float], str]


class AbstractAccessLogger(abc.ABC):
    """The interface of access loggers: subclass it for ``access_log_class``.

    Args:
        logger: where lines go.
        log_format: the format string.
    """

    __slots__ = ("log_format", "logger")

    def __init__(self, logger: logging.Logger, log_format: str) -> None:
        self.logger = logger
        self.log_format = log_format

    @abc.abstractmethod
    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        """Write one line for a response; ``time`` is seconds taken."""

    @property
    def enabled(self) -> bool:
        """Whether logging is on (skips the work when the level is off)."""
        return True


def _header(name: str, kind: str) -> _Item:
    if kind == "i":
        return lambda request, response, t: request.headers.get(name, "-")
    if kind == "o":
        return lambda request, response, t: response.headers.get(name, "-")
    return lambda request, response, t: os.environ.get(name, "-")


def _start_time(request: BaseRequest, response: StreamResponse, taken: float) -> str:
    now = datetime.datetime.now(datetime.timezone.utc).astimezone()
    start = now - datetime.timedelta(seconds=taken)
    return start.strftime("[%d/%b/%Y:%H:%M:%S %z]")


def _request_line(request: BaseRequest, response: StreamResponse, t: float) -> str:
    version = request.version
    return f"{request.method} {request.path_qs} HTTP/{version[0]}.{version[1]}"


_SIMPLE: Final[dict[str, _Item]] = {
    "a": lambda request, response, t: request.remote or "-",
    "t": _start_time,
    "P": lambda request, response, t: f"<{os.getpid()}>",
    "r": _request_line,
    "s": lambda request, response, t: str(response.status),
    "b": lambda request, response, t: str(response.body_length),
    "O": lambda request, response, t: str(response.body_length),
    "T": lambda request, response, t: str(round(t)),
    "Tf": lambda request, response, t: f"{t:06f}",
    "D": lambda request, response, t: str(round(t * 1_000_000)),
}

_EXTRA_NAMES: Final = {
    "a": "remote_address",
    "t": "request_start_time",
    "P": "process_id",
    "r": "first_request_line",
    "s": "response_status",
    "b": "response_size",
    "O": "response_size",
    "T": "request_time",
    "Tf": "request_time_frac",
    "D": "request_time_micro",
    "i": "request_header",
    "o": "response_header",
    "e": "environ",
}


class AccessLogger(AbstractAccessLogger):
    """The default access logger (format as in the module's table).

    Args:
        logger: where lines go (at INFO level).
        log_format: the format string.
    """

    __slots__ = ("_items",)

    LOG_FORMAT: Final = '%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"'

    def __init__(self, logger: logging.Logger, log_format: str = LOG_FORMAT) -> None:
        super().__init__(logger, log_format)
        self._items = self.compile_format(log_format)

    @staticmethod
    def compile_format(
        log_format: str,
    ) -> list[tuple[str, str | None, str | _Item]]:
        """Split a format into literal text and ``(extra name, key, item)``.

        Returns:
            A list of ``(name, header, item)``: ``name`` is ``""`` for
            literal text (then ``item`` is that text), or the ``extra``
            attribute's name; ``header`` is the header or variable name of
            ``%{...}`` items.
        """
        items: list[tuple[str, str | None, str | _Item]] = []
        pos = 0
        for match in _FORMAT_RE.finditer(log_format):
            if match.start() > pos:
                items.append(("", None, log_format[pos : match.start()]))
            pos = match.end()
            token = match[1]
            if token == "%":
                items.append(("", None, "%"))
            elif match[2] is not None:
                kind = match[3]
                items.append((_EXTRA_NAMES[kind], match[2], _header(match[2], kind)))
            else:
                items.append((_EXTRA_NAMES[token], None, _SIMPLE[token]))
        if pos < len(log_format):
            items.append(("", None, log_format[pos:]))
        return items

    @property
    def enabled(self) -> bool:
        """Whether the logger would emit INFO records."""
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        """Write one line for a response.

        A failure to format is logged as an exception, never raised: the
        response is already sent.
        """
        try:
            parts: list[str] = []
            extra: dict[str, Any] = {}
            for name, key, item in self._items:
                if not name:
                    assert isinstance(item, str)
                    parts.append(item)
                    continue
                assert not isinstance(item, str)
                value = item(request, response, time)
                parts.append(value)
                if key is None:
                    extra[name] = value
                else:
                    extra.setdefault(name, {})[key] = value
            self.logger.info("%s", "".join(parts), extra=extra)
        except Exception:
            self.logger.exception("Error in logging")
