"""The pytest plugin, run on small user suites through ``pytester``.

Each suite runs in a subprocess with ``-W error``, so a ResourceWarning
anywhere (unclosed socket, transport or event loop) fails it.
"""

from __future__ import annotations

import pytest

from aioweb.testkit import MissingExtraError
from aioweb.testkit.extras import require

INI = """
[pytest]
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""

USER_SUITE = """
import asyncio

import pytest

from aioweb.testkit import Reply, truncated


@pytest.mark.asyncio
async def test_canned_reply(fake_server):
    server = await fake_server([Reply(body=b"hi"), truncated(b"cut", missing=5)])
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(b"GET /one HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
    assert (await reader.readuntil(b"hi")).startswith(b"HTTP/1.1 200 OK")
    writer.write(b"GET /two HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
    await reader.readuntil(b"\\r\\n\\r\\n")
    with pytest.raises(asyncio.IncompleteReadError):
        await reader.readexactly(8)
    writer.close()
    await writer.wait_closed()
    assert [r.target for r in server.requests] == ["/one", "/two"]


@pytest.mark.asyncio
async def test_websocket_handshake(fake_server):
    server = await fake_server.websocket()
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(
        b"GET / HTTP/1.1\\r\\nHost: x\\r\\nUpgrade: websocket\\r\\n"
        b"Connection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\n"
        b"Sec-WebSocket-Version: 13\\r\\n\\r\\n"
    )
    head = await reader.readuntil(b"\\r\\n\\r\\n")
    assert b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" in head
    writer.close()
    await writer.wait_closed()


@pytest.mark.asyncio
async def test_raw_client(fake_server, aioweb_raw_client):
    server = await fake_server(Reply(body=b"raw"))
    conn = await aioweb_raw_client(server)
    await conn.send(b"GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
    assert (await conn.read_response()).body == b"raw"


def test_unused_port(aioweb_unused_port):
    assert aioweb_unused_port() > 0
"""


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_user_suite_passes_with_warnings_as_errors(
    pytester: pytest.Pytester, mode: str
) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_user=USER_SUITE)
    result = pytester.runpytest_subprocess(
        f"--asyncio-mode={mode}", "-W", "error", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=4)
    assert "Warning" not in result.stdout.str() + result.stderr.str()


def test_a_conftest_may_list_the_plugin_too(pytester: pytest.Pytester) -> None:
    """The aiohttp habit, ``pytest_plugins`` naming the plugin, loads it once."""
    pytester.makeini(INI)
    pytester.makeconftest('pytest_plugins = ["aioweb.testkit.plugin"]\n')
    pytester.makepyfile(test_user=USER_SUITE)
    result = pytester.runpytest_subprocess(
        "--asyncio-mode=strict", "-W", "error", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=4)


def test_the_plugin_can_be_turned_off(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_user=USER_SUITE)
    result = pytester.runpytest_subprocess(
        "--asyncio-mode=strict",
        "-p",
        "no:aioweb.testkit.plugin",
        "-p",
        "no:cacheprovider",
    )
    # Without the plugin its fixtures do not exist.
    result.assert_outcomes(errors=4)
    assert "fixture 'fake_server' not found" in result.stdout.str()


LEAKY_SUITE = """
import asyncio
import gc
import socket

import pytest

from aioweb.testkit import Hang, gzip_bomb

PORTS = []


@pytest.mark.asyncio
async def test_fails_with_connections_open(fake_server):
    hanging = await fake_server(Hang())
    bomb = await fake_server(gzip_bomb())
    ws = await fake_server.websocket()
    PORTS.extend([hanging.port, bomb.port, ws.port])
    writers = []
    try:
        for server in (hanging, bomb):
            reader, writer = await asyncio.open_connection(server.host, server.port)
            writer.write(b"GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
            writers.append(writer)
        _, writer = await asyncio.open_connection(ws.host, ws.port)
        writers.append(writer)
        await asyncio.sleep(0.1)
        assert hanging.open_connections == bomb.open_connections == 1
        assert False, "this test fails on purpose with everything open"
    finally:
        for writer in writers:
            writer.close()


def test_nothing_was_left_open():
    gc.collect()
    assert len(PORTS) == 3
    for port in PORTS:
        with socket.socket() as sock:
            with pytest.raises(ConnectionRefusedError):
                sock.connect(("127.0.0.1", port))
"""


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_failing_test_leaves_nothing_open(pytester: pytest.Pytester, mode: str) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_leaky=LEAKY_SUITE)
    result = pytester.runpytest_subprocess(
        f"--asyncio-mode={mode}", "-W", "error", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*this test fails on purpose*"])
    output = result.stdout.str() + result.stderr.str()
    assert "ResourceWarning" not in output
    assert "Unraisable" not in output
    assert "Task was destroyed" not in output


def test_require_names_the_extra_for_a_missing_module() -> None:
    with pytest.raises(MissingExtraError) as caught:
        require("aioweb_client", "aioweb.not_a_module", extra="server")
    message = str(caught.value)
    assert "aioweb_client needs aioweb-testkit[server]" in message
    assert "pip install 'aioweb-testkit[server]'" in message
    assert isinstance(caught.value, ImportError)


def test_require_names_the_missing_attributes() -> None:
    with pytest.raises(MissingExtraError, match=r"asyncio\.NoSuchThing"):
        require("feature", "asyncio", ("Future", "NoSuchThing"), extra="server")
    assert require("feature", "asyncio", ("Future",), extra="server").Future


LOOP_SUITE = """
import asyncio

async def test_loop(request):
    loop = asyncio.get_running_loop()
    expected = request.node.callspec.id
    kind = "uvloop" if type(loop).__module__.startswith("uvloop") else "asyncio"
    assert kind == expected
"""


def test_aioweb_loop_option_runs_each_test_on_uvloop_too(
    pytester: pytest.Pytester,
) -> None:
    pytest.importorskip("uvloop")
    pytester.makeini(INI)
    pytester.makepyfile(test_loops=LOOP_SUITE)
    result = pytester.runpytest_subprocess(
        "--asyncio-mode=auto", "--aioweb-loop=uvloop", "-v", "-W", "error"
    )
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["*test_loop?asyncio? PASSED*", "*test_loop?uvloop? PASSED*"]
    )


def test_without_the_option_tests_run_once(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(
        test_once="""
import asyncio

async def test_loop():
    assert not type(asyncio.get_running_loop()).__module__.startswith("uvloop")
"""
    )
    result = pytester.runpytest_subprocess("--asyncio-mode=auto", "-W", "error")
    result.assert_outcomes(passed=1)


def test_unknown_loop_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_any="def test_x():\n    pass\n")
    result = pytester.runpytest_subprocess("--aioweb-loop=trio")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--aioweb-loop: unknown event loop 'trio'*"])
