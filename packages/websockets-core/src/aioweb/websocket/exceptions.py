"""The exceptions of :mod:`aioweb.websocket`.

::

    WebSocketError                  root: catch this to catch everything here
    ├── ProtocolError               the peer broke RFC 6455/7692; carries the
    │                               close code to fail the connection with
    ├── HandshakeError              the opening handshake was refused; carries
    │                               the HTTP status to answer with (server) or
    │                               the reason the response was refused (client)
    └── LocalProtocolError          this side asked for something the protocol
                                    forbids (sending after close, a control
                                    frame over 125 bytes, a reserved code)

A :class:`ProtocolError` is raised once, by the event iterator; by then the
protocol object has queued the Close frame to send, readable with
:meth:`~aioweb.websocket.WebSocketProtocol.data_to_send`.
"""

from __future__ import annotations

from collections.abc import Sequence

from .enums import CloseCode

__all__ = ("HandshakeError", "LocalProtocolError", "ProtocolError", "WebSocketError")


class WebSocketError(Exception):
    """Root of every exception raised by :mod:`aioweb.websocket`."""


class ProtocolError(WebSocketError):
    """The peer sent something RFC 6455 or RFC 7692 forbids.

    Attributes:
        close_code: the code of the Close frame that fails the connection
            (1002 for framing errors, 1007 for bad UTF-8, 1009 for size
            limits...).
        reason: a short human-readable explanation, also sent as the close
            reason.
    """

    def __init__(self, close_code: CloseCode, reason: str) -> None:
        super().__init__(f"{reason} (close code {int(close_code)})")
        self.close_code = close_code
        self.reason = reason


class LocalProtocolError(WebSocketError):
    """This side asked for something the protocol forbids.

    Examples: sending a data frame after our Close frame, a control frame
    payload over 125 bytes, a close code that may not be sent.
    """


class HandshakeError(WebSocketError):
    """The opening handshake (RFC 6455 section 4) cannot complete.

    Attributes:
        status: the HTTP status a server should answer with (400, or 426 when
            the client asked for a WebSocket version we do not speak); for a
            client validating a response, the status the server sent.
        headers: headers a server should add to its error response
            (``Sec-WebSocket-Version: 13`` with a 426).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        headers: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.headers = list(headers)
