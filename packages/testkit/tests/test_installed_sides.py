"""The testkit installed with one side only, in fresh virtualenvs.

Wheels of every package are built (pure Python, ``AIOWEB_NO_EXTENSIONS=1``)
into a wheelhouse once per run; each test makes a venv with ``uv venv``,
installs the distributions a user would ask for, and runs a small user
suite there with pytest under ``-W error``. Third-party dependencies come
from the package index (usually uv's cache).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGES = Path(__file__).resolve().parents[2]
#: Each step (a build, a venv, an install, a run) is bounded.
STEP_TIMEOUT = 50

pytestmark = pytest.mark.slow


def _run(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["AIOWEB_NO_EXTENSIONS"] = "1"
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
        check=False,
    )


def _uv() -> str:
    uv = shutil.which("uv")
    assert uv is not None, "these tests need uv on PATH (pip install uv)"
    return uv


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sources = sorted(p.parent for p in PACKAGES.glob("*/pyproject.toml"))
    assert sources, f"no packages under {PACKAGES}"
    house = tmp_path_factory.mktemp("wheelhouse")
    for source in sources:
        done = _run(_uv(), "build", "-q", "--wheel", "-o", house, source, cwd=house)
        assert done.returncode == 0, done.stderr
    return house


def _venv_with(wheelhouse: Path, where: Path, *requirements: str) -> Path:
    venv = where / "venv"
    done = _run(_uv(), "venv", "-q", "--python", sys.executable, venv, cwd=where)
    assert done.returncode == 0, done.stderr
    python = venv / "bin" / "python"
    done = _run(
        _uv(),
        "pip",
        "install",
        "-q",
        "--python",
        python,
        "--find-links",
        wheelhouse,
        *requirements,
        cwd=where,
    )
    assert done.returncode == 0, done.stderr
    return python


INI = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""

CLIENT_SUITE = """
import pytest

from aioweb.client import ClientSession
from aioweb.testkit import Reply


async def test_client_against_a_fake_server(fake_server):
    server = await fake_server([Reply(body=b"from the fake")])
    async with ClientSession() as session:
        async with session.get(server.make_url("/x")) as resp:
            assert await resp.read() == b"from the fake"
    assert [r.target for r in server.requests] == ["/x"]


async def test_raw_client_against_a_fake_server(fake_server, aioweb_raw_client):
    server = await fake_server(Reply(body=b"raw"), continue_delay=0.05)
    conn = await aioweb_raw_client(server)
    await conn.send(b"GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
    assert (await conn.read_response()).body == b"raw"


def test_the_server_is_not_there():
    with pytest.raises(ImportError):
        import aioweb.web  # noqa: F401


def test_test_client_names_the_extra():
    with pytest.raises(ImportError, match=r"aioweb-testkit\\[server\\]"):
        from aioweb.testkit import TestClient  # noqa: F401


async def test_wants_the_server(aioweb_client):
    pass
"""


def _pytest_in(
    python: Path, where: Path, suite: str
) -> subprocess.CompletedProcess[str]:
    (where / "pytest.ini").write_text(INI)
    (where / "test_user.py").write_text(suite)
    return _run(
        python, "-m", "pytest", "-p", "no:cacheprovider", "-W", "error", cwd=where
    )


def test_client_only(wheelhouse: Path, tmp_path: Path) -> None:
    python = _venv_with(wheelhouse, tmp_path, "aioweb-httpclient", "aioweb-testkit")
    result = _pytest_in(python, tmp_path, CLIENT_SUITE)
    output = result.stdout + result.stderr
    assert "4 passed, 1 error" in output, output
    assert "MissingExtraError: aioweb_client needs aioweb-testkit[server]" in output
    assert "pip install 'aioweb-testkit[server]'" in output
    assert "Warning" not in output


SERVER_SUITE = """
import importlib.metadata

from aioweb import web
from aioweb.testkit import make_mocked_request


async def hello(request):
    return web.json_response({"hello": request.match_info["name"]})


def make_app():
    app = web.Application()
    app.router.add_get("/hello/{name}", hello)
    return app


async def test_client_of_an_application(aioweb_client):
    client = await aioweb_client(make_app())
    async with client.get("/hello/venv") as resp:
        assert resp.status == 200
        assert await resp.json() == {"hello": "venv"}


async def test_mocked_request():
    response = await hello(make_mocked_request("GET", "/", match_info={"name": "m"}))
    assert response.text == '{"hello": "m"}'


def test_the_extra_brought_both_sides():
    names = {d.metadata["Name"] for d in importlib.metadata.distributions()}
    assert {"aioweb-httpserver", "aioweb-httpclient"} <= names
"""


def test_server_side(wheelhouse: Path, tmp_path: Path) -> None:
    python = _venv_with(
        wheelhouse, tmp_path, "aioweb-httpserver", "aioweb-testkit[server]"
    )
    result = _pytest_in(python, tmp_path, SERVER_SUITE)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "3 passed" in output, output
    assert "Warning" not in output
