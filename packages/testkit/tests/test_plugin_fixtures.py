"""The server-side fixtures (``aioweb_client``, ``aioweb_server``,
``aioweb_raw_server``), run on small user suites through ``pytester``.

Each suite runs in a subprocess with ``-W error``, so a ResourceWarning
anywhere (an unclosed session, socket, transport or event loop) fails it.
"""

from __future__ import annotations

import pytest

INI = """
[pytest]
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""

APP = """
import asyncio

import pytest

from aioweb import web


async def hello(request):
    return web.Response(text="hello " + request.match_info["name"])


async def echo_header(request):
    return web.Response(text=request.headers.get("X-Test", "-"))


async def set_cookie(request):
    response = web.Response(text="set")
    response.set_cookie("sid", "abc")
    return response


async def read_cookie(request):
    return web.Response(text=request.cookies.get("sid", "-"))


async def shout(request):
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for message in ws:
        await ws.send_str(message.data.upper())
    return ws


def make_app():
    app = web.Application()
    app.router.add_get("/hello/{name}", hello)
    app.router.add_get("/header", echo_header)
    app.router.add_get("/set", set_cookie)
    app.router.add_get("/read", read_cookie)
    app.router.add_get("/ws", shout)
    return app
"""

FIXTURES_SUITE = (
    APP
    + """

async def test_client_with_an_application(aioweb_client):
    client = await aioweb_client(make_app())
    async with client.get("/hello/world") as resp:
        assert resp.status == 200
        assert await resp.text() == "hello world"
    assert client.app is not None
    assert client.server.started


async def test_server_and_session_arguments(aioweb_client, aioweb_unused_port):
    port = aioweb_unused_port()
    client = await aioweb_client(
        make_app(), server_kwargs={"port": port}, headers={"X-Test": "yes"}
    )
    assert client.port == port
    assert str(client.make_url("/a")) == f"http://127.0.0.1:{port}/a"
    resp = await client.get("/header")
    assert await resp.text() == "yes"


async def test_cookies_from_an_ip_host_are_kept(aioweb_client):
    client = await aioweb_client(make_app())
    await (await client.get("/set")).release()
    resp = await client.get("/read")
    assert await resp.text() == "abc"


async def test_websocket(aioweb_client):
    client = await aioweb_client(make_app())
    async with client.ws_connect("/ws") as ws:
        await ws.send_str("hi")
        assert (await ws.receive()).data == "HI"


async def test_server_fixture(aioweb_server):
    server = await aioweb_server(make_app(), shutdown_timeout=5)
    assert server.started and not server.closed
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(
        b"GET /hello/raw HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n"
    )
    data = await reader.read()
    writer.close()
    await writer.wait_closed()
    assert data.startswith(b"HTTP/1.1 200 OK") and data.endswith(b"hello raw")


async def test_raw_server_through_a_client(aioweb_raw_server, aioweb_client):
    async def handler(request):
        return web.Response(text=request.method + " " + request.path_qs)

    server = await aioweb_raw_server(handler)
    client = await aioweb_client(server)
    assert client.server is server
    resp = await client.post("/p?q=1")
    assert await resp.text() == "POST /p?q=1"


async def test_not_an_application(aioweb_client):
    with pytest.raises(TypeError, match="Application or a test server"):
        await aioweb_client(object())
"""
)


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_fixtures_in_a_user_suite(pytester: pytest.Pytester, mode: str) -> None:
    pytester.makeini(INI)
    suite = FIXTURES_SUITE
    if mode == "strict":
        suite = suite.replace(
            "\nasync def test_", "\n@pytest.mark.asyncio\nasync def test_"
        )
    pytester.makepyfile(test_user=suite)
    result = pytester.runpytest_subprocess(
        f"--asyncio-mode={mode}", "-W", "error", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=7)
    assert "Warning" not in result.stdout.str() + result.stderr.str()


LEAKY_SUITE = (
    APP
    + """
import gc
import socket

SEEN = {"ports": [], "cancelled": []}


async def stuck(request):
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        SEEN["cancelled"].append(request.path)
        raise


async def big(request):
    # Larger than the socket buffers: the response stays unread, holding
    # its connection.
    return web.Response(body=b"x" * (8 << 20))


@pytest.mark.asyncio
async def test_fails_with_everything_open(aioweb_client, aioweb_server):
    app = make_app()
    app.router.add_get("/stuck", stuck)
    app.router.add_get("/big", big)
    client = await aioweb_client(app)
    other = await aioweb_server(make_app())
    SEEN["ports"] += [client.port, other.port]
    unread = await client.get("/big")
    ws = await client.ws_connect("/ws")
    hanging = asyncio.ensure_future(client.get("/stuck"))
    await asyncio.sleep(0.2)
    assert len(client.server.handler.connections) == 3
    assert unread.status == 200 and not ws.closed and not hanging.done()
    hanging.cancel()
    assert False, "this test fails on purpose with everything open"


def test_nothing_was_left_open():
    gc.collect()
    assert SEEN["cancelled"] == ["/stuck"]
    assert len(SEEN["ports"]) == 2
    for port in SEEN["ports"]:
        with socket.socket() as sock:
            with pytest.raises(ConnectionRefusedError):
                sock.connect(("127.0.0.1", port))
"""
)


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
    assert "Unclosed" not in output


BLOCKED_CONFTEST = """
import sys

# As in a virtualenv without it: importing the module fails.
sys.modules["{module}"] = None
"""

CORE_FIXTURES_SUITE = """
def test_server(aioweb_server):
    pass

def test_raw_server(aioweb_raw_server):
    pass

def test_client(aioweb_client):
    pass

def test_fake_server_still_works(fake_server):
    pass
"""


@pytest.mark.parametrize("module", ["aioweb.web", "aioweb.client"])
def test_fixtures_name_the_missing_extra(
    pytester: pytest.Pytester, module: str
) -> None:
    pytester.makeini(INI)
    pytester.makeconftest(BLOCKED_CONFTEST.format(module=module))
    pytester.makepyfile(test_cores=CORE_FIXTURES_SUITE)
    result = pytester.runpytest_subprocess(
        "--asyncio-mode=auto", "-p", "no:cacheprovider"
    )
    if module == "aioweb.web":
        result.assert_outcomes(passed=1, errors=3)
        result.stdout.fnmatch_lines(
            [
                f"*MissingExtraError: {fixture} needs aioweb-testkit[[]server[]]*"
                for fixture in ("aioweb_server", "aioweb_raw_server", "aioweb_client")
            ],
            consecutive=False,
        )
    else:
        result.assert_outcomes(passed=3, errors=1)
        result.stdout.fnmatch_lines(
            ["*MissingExtraError: aioweb_client needs aioweb-testkit[[]server[]]*"]
        )
    result.stdout.fnmatch_lines(["*pip install 'aioweb-testkit[[]server[]]'*"])
