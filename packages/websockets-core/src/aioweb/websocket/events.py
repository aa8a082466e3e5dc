"""Events: what the peer sent, as values.

:meth:`~aioweb.websocket.WebSocketProtocol.events` yields them; every
:meth:`~aioweb.websocket.WebSocketProtocol.send` call takes one. They are
frozen dataclasses with slots: cheap to create, safe to share.

With ``assemble_messages=True`` (the default) :class:`Text` and :class:`Binary`
events hold a whole message and ``final`` is always true. With
``assemble_messages=False`` each data frame of a fragmented message is a
separate event (RFC 6455 section 5.4), already decompressed and, for text,
already decoded; the last one has ``final=True``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ("Binary", "Close", "Event", "Ping", "Pong", "Text")


@dataclass(frozen=True, slots=True)
class Text:
    """A text message (RFC 6455 section 5.6), or a fragment of one."""

    data: str
    final: bool = True


@dataclass(frozen=True, slots=True)
class Binary:
    """A binary message (RFC 6455 section 5.6), or a fragment of one."""

    data: bytes
    final: bool = True


@dataclass(frozen=True, slots=True)
class Ping:
    """A Ping frame (RFC 6455 section 5.5.2); at most 125 bytes of payload."""

    data: bytes = b""


@dataclass(frozen=True, slots=True)
class Pong:
    """A Pong frame (RFC 6455 section 5.5.3); at most 125 bytes of payload."""

    data: bytes = b""


@dataclass(frozen=True, slots=True)
class Close:
    """A Close frame (RFC 6455 section 5.5.1), or the end of the connection.

    ``code`` is ``None`` when the frame carried no status code (1005, "no
    status received", section 7.4.1); 1006 when the connection ended
    without a Close frame (a frame never carries 1006).
    """

    code: int | None = None
    reason: str = ""


#: Any event.
Event = Text | Binary | Ping | Pong | Close
