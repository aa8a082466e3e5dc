"""Sans-I/O WebSocket framing (RFC 6455) and permessage-deflate (RFC 7692).

Standard library only and no I/O: threads, trio, asyncio or any other loop
feed bytes to a :class:`WebSocketProtocol` and write the bytes it returns.

>>> from aioweb.websocket import Role, WebSocketProtocol, Text
>>> server = WebSocketProtocol(Role.SERVER)
>>> client = WebSocketProtocol(Role.CLIENT)
>>> server.receive_data(client.send_text("hello"))
>>> list(server.events())
[Text(data='hello', final=True)]
"""

from __future__ import annotations

from ._implementation import apply_mask
from .connection import (
    DEFAULT_MAX_FRAGMENTS,
    DEFAULT_MAX_FRAME_SIZE,
    DEFAULT_MAX_MESSAGE_SIZE,
    WebSocketProtocol,
)
from .deflate import DeflateOptions, DeflateParameters, PerMessageDeflate
from .enums import CloseCode, Opcode, Role, State, is_valid_close_code
from .events import Binary, Close, Event, Ping, Pong, Text
from .exceptions import (
    HandshakeError,
    LocalProtocolError,
    ProtocolError,
    WebSocketError,
)
from .handshake import (
    HandshakeResult,
    accept_request,
    compute_accept,
    generate_key,
    request_headers,
    validate_response,
)

__version__ = "0.1.0"

__all__ = (
    "__version__",
    # the connection
    "WebSocketProtocol",
    "Role",
    "State",
    "Opcode",
    "CloseCode",
    "is_valid_close_code",
    "DEFAULT_MAX_FRAME_SIZE",
    "DEFAULT_MAX_MESSAGE_SIZE",
    "DEFAULT_MAX_FRAGMENTS",
    # events
    "Event",
    "Text",
    "Binary",
    "Ping",
    "Pong",
    "Close",
    # handshake
    "generate_key",
    "compute_accept",
    "request_headers",
    "accept_request",
    "validate_response",
    "HandshakeResult",
    # permessage-deflate
    "DeflateOptions",
    "DeflateParameters",
    "PerMessageDeflate",
    # exceptions
    "WebSocketError",
    "ProtocolError",
    "LocalProtocolError",
    "HandshakeError",
    # masking (RFC 6455 section 5.3), for layers that frame themselves
    "apply_mask",
)
