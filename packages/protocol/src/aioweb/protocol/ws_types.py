"""WebSocket message types, messages and close codes, as aiohttp names them.

:class:`WSMsgType` mixes the frame opcodes of RFC 6455 §5.2 with three
states that are no frame at all (``CLOSING``, ``CLOSED``, ``ERROR``): that is
how aiohttp's ``receive()`` reports them, and code ported from aiohttp
compares against these exact values.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from typing import Any, Final, NamedTuple

from aioweb.websocket import CloseCode, is_valid_close_code

__all__ = (
    "WS_CLOSED_MESSAGE",
    "WS_CLOSING_MESSAGE",
    "WSCloseCode",
    "WSMessage",
    "WSMsgType",
    "is_valid_close_code",
)

#: Close status codes (RFC 6455 §7.4.1): ``aioweb.websocket.CloseCode``,
#: whose names and values are aiohttp's ``WSCloseCode``.
WSCloseCode = CloseCode


class WSMsgType(enum.IntEnum):
    """The type of a :class:`WSMessage`."""

    #: A continuation frame (RFC 6455 §5.4); never a whole message.
    CONTINUATION = 0x0
    #: A text message; ``data`` is ``str`` (§5.6).
    TEXT = 0x1
    #: A binary message; ``data`` is ``bytes`` (§5.6).
    BINARY = 0x2
    #: A Ping; ``data`` is its payload (§5.5.2).
    PING = 0x9
    #: A Pong; ``data`` is its payload (§5.5.3).
    PONG = 0xA
    #: The peer's Close frame; ``data`` is the code, ``extra`` the reason
    #: (§5.5.1).
    CLOSE = 0x8
    #: This side is closing: another task called ``close()``.
    CLOSING = 0x100
    #: The connection is closed.
    CLOSED = 0x101
    #: The connection failed; ``data`` is the exception.
    ERROR = 0x102

    # aiohttp's lower-case aliases of the same members.
    text = TEXT
    binary = BINARY
    ping = PING
    pong = PONG
    close = CLOSE
    closing = CLOSING
    closed = CLOSED
    error = ERROR


class WSMessage(NamedTuple):
    """A message received from a WebSocket.

    Attributes:
        type: what kind of message this is.
        data: the text (``str``), the bytes, the close code, or the
            exception, depending on :attr:`type`.
        extra: the close reason for :attr:`WSMsgType.CLOSE`, else ``None``.

    Example::

        >>> WSMessage(WSMsgType.TEXT, '{"a": 1}', None).json()
        {'a': 1}
    """

    type: WSMsgType
    data: Any
    extra: str | None

    def json(self, *, loads: Callable[[Any], Any] = json.loads) -> Any:
        """The message's data decoded as JSON.

        Args:
            loads: the decoder, ``json.loads`` by default.

        Raises:
            ValueError: the data is not JSON (what ``loads`` raises).
        """
        return loads(self.data)


#: What ``receive()`` returns once the connection is closed.
WS_CLOSED_MESSAGE: Final = WSMessage(WSMsgType.CLOSED, None, None)
#: What ``receive()`` returns while another task closes the connection.
WS_CLOSING_MESSAGE: Final = WSMessage(WSMsgType.CLOSING, None, None)
