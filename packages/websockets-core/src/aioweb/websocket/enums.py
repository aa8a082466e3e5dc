"""Roles, connection states, opcodes and close codes of RFC 6455.

Every member carries the RFC section it comes from, so that a reader can check
a rule against its source.
"""

from __future__ import annotations

import enum

__all__ = ("CloseCode", "Opcode", "Role", "State", "is_valid_close_code")


class Role(enum.Enum):
    """Which end of the connection this protocol object plays.

    The role decides masking (RFC 6455 section 5.1): a client masks every
    frame it sends and refuses masked frames; a server does the opposite.
    """

    CLIENT = "client"
    SERVER = "server"


class State(enum.Enum):
    """Where the connection stands in its lifetime (RFC 6455 section 4 and 7).

    The protocol object starts in :attr:`OPEN`: the opening handshake
    (section 4) is done beforehand, by :mod:`aioweb.websocket.handshake` or by
    another HTTP stack.
    """

    #: Data frames flow both ways (section 4.1, "The WebSocket Connection is
    #: Established").
    OPEN = "open"
    #: We sent a Close frame and wait for the peer's (section 7.1.2).
    LOCAL_CLOSING = "local-closing"
    #: The peer's Close frame arrived and ours is not sent yet: only with
    #: ``auto_close=False``, where the application answers it (section
    #: 5.5.1 asks for the answer "as soon as practical", not at once).
    REMOTE_CLOSING = "remote-closing"
    #: Both Close frames were exchanged (the peer's Close frame is answered at
    #: once, section 5.5.1), the connection failed (section 7.1.7) or the peer
    #: went away (section 7.1.4, "The WebSocket Connection is Closed").
    CLOSED = "closed"


class Opcode(enum.IntEnum):
    """Frame opcodes (RFC 6455 section 5.2 and 11.8)."""

    #: A continuation of a fragmented message (section 5.4).
    CONTINUATION = 0x0
    #: The first frame of a UTF-8 text message (section 5.6).
    TEXT = 0x1
    #: The first frame of a binary message (section 5.6).
    BINARY = 0x2
    #: Starts the closing handshake (section 5.5.1).
    CLOSE = 0x8
    #: A keepalive or latency probe (section 5.5.2).
    PING = 0x9
    #: The answer to a ping, or an unsolicited heartbeat (section 5.5.3).
    PONG = 0xA

    @property
    def is_control(self) -> bool:
        """Control frames have the high bit of the opcode set (section 5.5)."""
        return self >= 0x8


class CloseCode(enum.IntEnum):
    """Close status codes (RFC 6455 section 7.4.1 and the IANA registry).

    The names match ``aiohttp.WSCloseCode``.
    """

    #: Normal closure: the purpose of the connection was fulfilled.
    OK = 1000
    #: The endpoint is going away (server shutdown, page navigated away).
    GOING_AWAY = 1001
    #: The peer broke the protocol.
    PROTOCOL_ERROR = 1002
    #: A data type the endpoint cannot accept (binary to a text-only endpoint).
    UNSUPPORTED_DATA = 1003
    #: Never sent: the connection closed without a Close frame (section 7.1.5).
    ABNORMAL_CLOSURE = 1006
    #: A text message, or a close reason, was not valid UTF-8 (section 8.1).
    INVALID_TEXT = 1007
    #: A message broke the endpoint's policy.
    POLICY_VIOLATION = 1008
    #: A frame or message went past the endpoint's size limits.
    MESSAGE_TOO_BIG = 1009
    #: The client needed an extension the server did not negotiate.
    MANDATORY_EXTENSION = 1010
    #: The server met an unexpected condition.
    INTERNAL_ERROR = 1011
    #: The server is restarting (IANA registry).
    SERVICE_RESTART = 1012
    #: The server is overloaded; try again later (IANA registry).
    TRY_AGAIN_LATER = 1013
    #: A gateway got an invalid response upstream (IANA registry).
    BAD_GATEWAY = 1014


#: Codes a Close frame may carry on the wire (RFC 6455 section 7.4.1-7.4.2):
#: the registered ones except those reserved for local use (1004 is reserved,
#: 1005 and 1006 must never be sent, 1015 is for TLS failures), and the ranges
#: 3000-3999 (libraries, frameworks) and 4000-4999 (private use).
SENDABLE_CODES = frozenset(
    {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014}
)


def is_valid_close_code(code: int) -> bool:
    """Whether ``code`` may appear in a Close frame (RFC 6455 section 7.4).

    A received Close frame with any other code is a protocol error, and
    :meth:`~aioweb.websocket.WebSocketProtocol.send_close` refuses to send
    one.

    >>> is_valid_close_code(1000), is_valid_close_code(4000)
    (True, True)
    >>> is_valid_close_code(1005), is_valid_close_code(1006), is_valid_close_code(999)
    (False, False, False)

    Args:
        code: a close status code.

    Returns:
        True for the registered codes a peer may send (1000-1003,
        1007-1014) and for 3000-4999; False for the reserved ones (1004,
        1005, 1006, 1015), the unassigned ones and anything out of range.
    """
    return code in SENDABLE_CODES or 3000 <= code <= 4999
