"""aioweb's own tests use aioweb-testkit, not private copies of what it offers.

A test module outside the testkit that starts its own listening server
(``asyncio.start_server``, ``loop.create_server``...) or picks its own free
port (a socket bound to port 0, a ``free_port()`` function) is a hand-written
peer. Each one must be in :data:`ALLOWED` with the reason the testkit cannot
serve it, and every entry there must still be needed, so the list cannot rot.
The scan reads the syntax tree, so comments and strings do not count.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
#: Packages whose tests must go through the testkit.
DOGFOODING = ("protocol", "httpclient", "httpserver")
#: Calls that start a listening server.
SERVER_STARTS = {"start_server", "create_server", "start_unix_server"}

#: (path from the root, what it does) -> why the testkit cannot do it.
ALLOWED: dict[tuple[str, str], str] = {
    (
        "packages/protocol/tests/test_integration.py",
        "create_server",
    ): "the server under test is built from the protocol glue itself",
    (
        "packages/protocol/tests/test_base_protocol.py",
        "create_server",
    ): "both ends are BaseProtocol, the subject (flow control; a uvloop transport)",
    (
        "packages/protocol/tests/test_writer.py",
        "start_server",
    ): "byte-exact far end for the writer's sendfile output, which is no request",
    (
        "packages/protocol/tests/websocket/conftest.py",
        "create_server",
    ): "a WebSocket peer in either role on a connection that starts OPEN",
}


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _binds_port_zero(call: ast.Call) -> bool:
    """``sock.bind((host, 0))``: a free port picked by hand."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "bind"):
        return False
    if len(call.args) != 1 or not isinstance(call.args[0], ast.Tuple):
        return False
    port = call.args[0].elts[1:2]
    return bool(port) and isinstance(port[0], ast.Constant) and port[0].value == 0


def findings(source: str) -> Iterator[str]:
    """What in ``source`` duplicates the testkit: server starts, port pickers."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = _dotted(node.func).rpartition(".")[2]
            if name in SERVER_STARTS:
                yield name
            elif _binds_port_zero(node):
                yield "port picker"
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lowered = node.name.lower()
            if "port" in lowered and ("free" in lowered or "unused" in lowered):
                yield "port picker"


def _test_modules() -> list[Path]:
    found = []
    for package in DOGFOODING:
        found += sorted((ROOT / "packages" / package / "tests").rglob("*.py"))
    return found


def scan() -> dict[tuple[str, str], int]:
    seen: dict[tuple[str, str], int] = {}
    for path in _test_modules():
        for kind in findings(path.read_text()):
            key = (path.relative_to(ROOT).as_posix(), kind)
            seen[key] = seen.get(key, 0) + 1
    return seen


def test_no_hand_written_peer_outside_the_allowed_ones() -> None:
    unexplained = sorted(set(scan()) - set(ALLOWED))
    assert not unexplained, (
        "use aioweb-testkit (fake_server, aioweb_server, aioweb_raw_server, "
        "aioweb_raw_client, unused_port) or add the case to ALLOWED with its "
        f"reason: {unexplained}"
    )


def test_every_allowed_peer_is_still_there() -> None:
    stale = sorted(set(ALLOWED) - set(scan()))
    assert not stale, f"no longer needed, remove from ALLOWED: {stale}"


@pytest.mark.parametrize("package", DOGFOODING)
def test_the_test_group_names_the_testkit(package: str) -> None:
    data = tomllib.loads((ROOT / "packages" / package / "pyproject.toml").read_text())
    group = data["dependency-groups"]["test"]
    names = [entry.split(";")[0].split("[")[0].strip() for entry in group]
    assert "aioweb-testkit" in names


@pytest.mark.parametrize("package", DOGFOODING)
def test_the_tests_use_the_testkit(package: str) -> None:
    tests = (ROOT / "packages" / package / "tests").rglob("*.py")
    users = [p for p in tests if "aioweb.testkit" in p.read_text()]
    assert users, f"no test module of {package} uses aioweb.testkit"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("server = await asyncio.start_server(cb, '127.0.0.1', 0)", ["start_server"]),
        ("server = await loop.create_server(f, host, 0)", ["create_server"]),
        ("await asyncio.start_unix_server(cb, path)", ["start_unix_server"]),
        ("sock.bind(('127.0.0.1', 0))", ["port picker"]),
        ("def _free_port():\n    pass", ["port picker"]),
        ("sock = get_unused_port_socket()", []),
        ("sock.bind(('127.0.0.1', 8080))", []),
        ("# asyncio.start_server(cb)\nx = 'loop.create_server'", []),
        ("port = unused_port()", []),
    ],
)
def test_the_scan_sees_what_it_looks_for(source: str, expected: list[str]) -> None:
    assert list(findings(source)) == expected
