"""Test servers, test clients, fake servers and a pytest plugin for aioweb.

Installed with aioweb-protocol alone, it gives the scripted fake servers
(:class:`FakeServer`, :class:`FakeWebSocketServer`), the loop and port
helpers, and the pytest plugin (``fake_server``, ``aioweb_unused_port``,
``--aioweb-loop``). Test servers and clients for aioweb applications come
with the ``[server]`` extra (see :mod:`aioweb.testkit.server`).
"""

from __future__ import annotations

from .exceptions import FakeServerError, MissingExtraError, TestkitError
from .fake import (
    Action,
    BadRequest,
    End,
    FakeListener,
    FakeServer,
    FakeServerFactory,
    FakeWebSocketServer,
    Handler,
    Hang,
    Message,
    MessageHandler,
    RawReply,
    RecordedRequest,
    Reply,
    Script,
    TLSCertificates,
    gzip_bomb,
    malformed_header,
    malformed_status_line,
    oversized_headers,
    redirect,
    redirect_loop,
    reset_mid_response,
    routes,
    truncated,
)
from .loop import LOOP_NAMES, LoopFactory, loop_context, loop_factories
from .ports import get_unused_port_socket, unused_port

__version__ = "0.1.0"

__all__ = (
    "__version__",
    # fake servers
    "FakeServer",
    "FakeWebSocketServer",
    "FakeServerFactory",
    "FakeListener",
    "TLSCertificates",
    "RecordedRequest",
    "BadRequest",
    # what fake servers answer
    "Action",
    "Reply",
    "RawReply",
    "Hang",
    "End",
    "Script",
    "Handler",
    "Message",
    "MessageHandler",
    "truncated",
    "reset_mid_response",
    "malformed_status_line",
    "malformed_header",
    "oversized_headers",
    "gzip_bomb",
    "redirect",
    "redirect_loop",
    "routes",
    # loops and ports
    "loop_context",
    "loop_factories",
    "LoopFactory",
    "LOOP_NAMES",
    "unused_port",
    "get_unused_port_socket",
    # errors
    "TestkitError",
    "MissingExtraError",
    "FakeServerError",
)
