"""Test servers, test clients, fake servers and a pytest plugin for aioweb.

Installed with aioweb-protocol alone, it gives the scripted fake servers
(:class:`FakeServer`, :class:`FakeWebSocketServer`), the loop and port
functions, a raw client for hostile-input tests of any server
(:class:`RawConnection`), and the pytest plugin (``fake_server``,
``aioweb_raw_client``, ``aioweb_unused_port``, ``--aioweb-loop``). Test
servers and clients for aioweb applications
(:class:`TestServer`, :class:`RawTestServer`, :class:`TestClient`,
:func:`make_mocked_request`, :class:`AioWebTestCase`) come with the
``[server]`` extra. They are imported when first used, so that the testkit
imports without them; using one that is not installed raises
:class:`MissingExtraError` naming the extra.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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
    RecordedFrame,
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
from .raw_client import RawConnection, RawResponse, open_raw_connection

if TYPE_CHECKING:
    from .client import TestClient
    from .mocking import make_mocked_request
    from .server import BaseTestServer, RawTestServer, TestServer
    from .unittest_case import AioWebTestCase

__version__ = "0.1.0"

# Names of the optional side, by the module that defines them.
_LAZY = {
    "BaseTestServer": "server",
    "TestServer": "server",
    "RawTestServer": "server",
    "TestClient": "client",
    "make_mocked_request": "mocking",
    "AioWebTestCase": "unittest_case",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = (
    "__version__",
    # fake servers
    "FakeServer",
    "FakeWebSocketServer",
    "FakeServerFactory",
    "FakeListener",
    "TLSCertificates",
    "RecordedRequest",
    "RecordedFrame",
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
    # raw connections to a server under test
    "RawConnection",
    "RawResponse",
    "open_raw_connection",
    # test servers and clients for aioweb applications (``[server]``)
    "BaseTestServer",
    "TestServer",
    "RawTestServer",
    "TestClient",
    "make_mocked_request",
    "AioWebTestCase",
    # errors
    "TestkitError",
    "MissingExtraError",
    "FakeServerError",
)
