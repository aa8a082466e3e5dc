"""The public surface of aioweb.websocket, and its standard-library-only rule."""

from __future__ import annotations

import ast
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

import aioweb.websocket as websocket

PUBLIC = {
    "__version__",
    "WebSocketProtocol",
    "Role",
    "State",
    "Opcode",
    "CloseCode",
    "is_valid_close_code",
    "DEFAULT_MAX_FRAME_SIZE",
    "DEFAULT_MAX_MESSAGE_SIZE",
    "DEFAULT_MAX_FRAGMENTS",
    "Event",
    "Text",
    "Binary",
    "Ping",
    "Pong",
    "Close",
    "generate_key",
    "compute_accept",
    "request_headers",
    "accept_request",
    "validate_response",
    "HandshakeResult",
    "DeflateOptions",
    "DeflateParameters",
    "PerMessageDeflate",
    "WebSocketError",
    "ProtocolError",
    "LocalProtocolError",
    "HandshakeError",
    "apply_mask",
}


def test_public_surface() -> None:
    """A rename or an addition here is a visible, deliberate decision."""
    assert set(websocket.__all__) == PUBLIC
    assert len(websocket.__all__) == len(PUBLIC)
    for name in PUBLIC:
        assert hasattr(websocket, name), name


def test_close_codes_match_aiohttp_names() -> None:
    expected = {
        "OK": 1000,
        "GOING_AWAY": 1001,
        "PROTOCOL_ERROR": 1002,
        "UNSUPPORTED_DATA": 1003,
        "ABNORMAL_CLOSURE": 1006,
        "INVALID_TEXT": 1007,
        "POLICY_VIOLATION": 1008,
        "MESSAGE_TOO_BIG": 1009,
        "MANDATORY_EXTENSION": 1010,
        "INTERNAL_ERROR": 1011,
        "SERVICE_RESTART": 1012,
        "TRY_AGAIN_LATER": 1013,
        "BAD_GATEWAY": 1014,
    }
    assert {c.name: c.value for c in websocket.CloseCode} == expected


def test_exception_hierarchy() -> None:
    for exc in (
        websocket.ProtocolError,
        websocket.LocalProtocolError,
        websocket.HandshakeError,
    ):
        assert issubclass(exc, websocket.WebSocketError)
    error = websocket.ProtocolError(websocket.CloseCode.PROTOCOL_ERROR, "bad")
    assert error.close_code == 1002
    assert "1002" in str(error)
    assert websocket.HandshakeError("x").status == 400


@pytest.mark.parametrize(
    "event",
    [
        websocket.Text("t"),
        websocket.Binary(b"b"),
        websocket.Ping(b"p"),
        websocket.Pong(b"q"),
        websocket.Close(1000, "r"),
    ],
)
def test_events_are_frozen_with_slots(event: websocket.Event) -> None:
    assert not hasattr(event, "__dict__")
    # Python 3.10 and 3.11 raise TypeError for frozen slotted dataclasses.
    with pytest.raises((dataclasses.FrozenInstanceError, TypeError)):
        event.data = 1  # type: ignore[misc,union-attr]


def test_source_imports_only_the_standard_library() -> None:
    root = Path(websocket.__file__).parent
    sources = sorted(root.glob("*.py"))
    assert len(sources) >= 8
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names, f"{path.name} imports {name}"


def test_import_loads_no_third_party_module() -> None:
    """Importing the package (compiled twins included) pulls in stdlib only."""
    code = (
        "import sys; before = set(sys.modules); import aioweb.websocket; "
        "new = {m.split('.')[0] for m in set(sys.modules) - before}; "
        # Cython registers its shared runtime as a module of its own.
        "new = {m for m in new if not m.lstrip('_').startswith('cython_')}; "
        "print(sorted(new - set(sys.stdlib_module_names) - {'aioweb'}), "
        "'asyncio' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["[]", "False"]
