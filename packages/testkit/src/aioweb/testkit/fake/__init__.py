"""Scripted fake HTTP/1.1 and WebSocket servers that record what they receive.

They need only aioweb-protocol (its parser reads the requests) and, for TLS,
trustme: no aioweb server, no aioweb client. See :class:`FakeServer`,
:class:`FakeWebSocketServer` and the actions of
:mod:`aioweb.testkit.fake.replies`.
"""

from __future__ import annotations

from .factory import FakeServerFactory
from .listener import FakeListener
from .recording import BadRequest, RecordedRequest
from .replies import (
    Action,
    End,
    Hang,
    RawReply,
    Reply,
    gzip_bomb,
    malformed_header,
    malformed_status_line,
    oversized_headers,
    redirect,
    reset_mid_response,
    truncated,
)
from .server import FakeServer, Handler, Script, redirect_loop, routes
from .tls import TLSCertificates
from .websocket import FakeWebSocketServer, Message, MessageHandler, RecordedFrame

__all__ = (
    "FakeListener",
    "FakeServer",
    "FakeWebSocketServer",
    "FakeServerFactory",
    "TLSCertificates",
    "RecordedRequest",
    "RecordedFrame",
    "BadRequest",
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
)
