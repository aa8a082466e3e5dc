"""run_app and ``python -m aioweb.web`` in a real process, stopped by a signal."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
from typing import Any

import pytest

from aioweb import web
from aioweb.testkit import get_unused_port_socket, open_raw_connection, unused_port
from aioweb.web.cli import main

APP_MODULE = textwrap.dedent(
    """
    import asyncio
    from aioweb import web

    NAME = web.AppKey("name", str)

    async def hello(request):
        return web.Response(text="hello from " + request.app[NAME])

    async def slow(request):
        await asyncio.sleep(0.5)
        return web.Response(text="slow done")

    async def on_cleanup(app):
        print("cleanup ran", flush=True)

    def make(argv):
        app = web.Application()
        app[NAME] = argv[0] if argv else "nobody"
        app.router.add_get("/", hello)
        app.router.add_get("/slow", slow)
        app.on_cleanup.append(on_cleanup)
        return app
    """
)


async def _get(port: int, path: str) -> bytes:
    # The server runs in another process: wait until it listens.
    for _ in range(100):
        try:
            conn = await open_raw_connection("127.0.0.1", port)
            break
        except OSError:
            await asyncio.sleep(0.05)
    else:
        raise AssertionError("the server did not start")
    async with conn:
        await conn.send(
            b"GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path.encode()
        )
        return await conn.read_all()


async def test_python_m_aioweb_web_serves_and_stops_gracefully(tmp_path: Any) -> None:
    (tmp_path / "myapp.py").write_text(APP_MODULE)
    port = unused_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "aioweb.web",
        "-H",
        "127.0.0.1",
        "-P",
        str(port),
        "myapp:make",
        "alice",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=tmp_path,
        env=env,
    )
    try:
        assert (await _get(port, "/")).endswith(b"hello from alice")
        # SIGTERM while a request is in flight: it still completes.
        slow = asyncio.create_task(_get(port, "/slow"))
        await asyncio.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        assert (await slow).endswith(b"slow done")
        out, err = await asyncio.wait_for(proc.communicate(), 20)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, err
    text = out.decode()
    assert f"======== Running on http://127.0.0.1:{port} ========" in text
    assert "cleanup ran" in text


def test_cli_rejects_bad_entry_points(capsys: Any) -> None:
    with pytest.raises(SystemExit):
        main(["no_colon"])
    assert "'entry-func' not in 'module:function' syntax" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["surely_not_a_module_xyz:make"])
    assert "unable to import surely_not_a_module_xyz" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["os:no_such_factory"])
    assert "has no attribute 'no_such_factory'" in capsys.readouterr().err


def test_run_app_with_a_coroutine_and_sock(tmp_path: Any) -> None:
    # run_app in this process, stopped by GracefulExit raised from a handler
    # of the loop (as SIGINT would).
    sock = get_unused_port_socket()
    port = sock.getsockname()[1]
    printed: list[str] = []
    results: list[bytes] = []
    tasks: list[asyncio.Task[None]] = []

    async def make() -> web.Application:
        async def ok(request: web.Request) -> web.Response:
            return web.Response(text="coroutine app")

        async def probe(app: web.Application) -> None:
            async def run() -> None:
                results.append(await _get(port, "/"))
                raise web.GracefulExit()

            tasks.append(asyncio.get_running_loop().create_task(run()))

        app = web.Application()
        app.router.add_get("/", ok)
        app.on_startup.append(probe)
        return app

    loop = asyncio.new_event_loop()
    loop.set_exception_handler(lambda loop, context: None)
    try:
        web.run_app(
            make(), sock=sock, print=printed.append, loop=loop, handle_signals=False
        )
    finally:
        sock.close()
    assert loop.is_closed()
    assert results and results[0].endswith(b"coroutine app")
    assert printed == [
        f"======== Running on http://127.0.0.1:{port} ========\n(Press CTRL+C to quit)"
    ]
