"""Authentication and cookies through a session."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from yarl import URL

from aioweb import web
from aioweb.client import BasicAuth, ClientSession, CookieJar, DummyCookieJar

Start = Callable[[web.Application], Awaitable[URL]]


def _app() -> web.Application:
    app = web.Application()

    async def echo(request: web.Request) -> web.Response:
        return web.json_response({"headers": dict(request.headers)})

    async def set_cookie(request: web.Request) -> web.Response:
        resp = web.Response(text="set")
        resp.set_cookie("session", "abc123", path="/")
        resp.set_cookie("scoped", "1", path="/only")
        return resp

    app.router.add_get("/echo", echo)
    app.router.add_get("/set", set_cookie)
    return app


@pytest.fixture
async def base(app_server: Start) -> URL:
    return await app_server(_app())


def _basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


async def test_basic_auth_per_request_and_in_url(base: URL) -> None:
    async with ClientSession() as session:
        async with session.get(base / "echo", auth=BasicAuth("u", "p")) as resp:
            assert (await resp.json())["headers"]["Authorization"] == _basic("u", "p")
        url = (base / "echo").with_user("name").with_password("pw")
        async with session.get(url) as resp:
            data = await resp.json()
            assert data["headers"]["Authorization"] == _basic("name", "pw")
            assert resp.url.user is None
        with pytest.raises(ValueError, match="Cannot combine"):
            await session.get(url, auth=BasicAuth("u", "p"))
        with pytest.raises(ValueError, match="AUTHORIZATION"):
            await session.get(
                base / "echo",
                auth=BasicAuth("u", "p"),
                headers={"Authorization": "Bearer x"},
            )


async def test_session_auth_only_to_its_base_origin(app_server: Start) -> None:
    own = await app_server(_app())
    other = await app_server(_app())
    auth = BasicAuth("s", "t")
    async with ClientSession(base_url=own, auth=auth) as session:
        async with session.get("/echo") as resp:
            assert (await resp.json())["headers"]["Authorization"] == _basic("s", "t")
        async with session.get(other / "echo") as resp:
            assert "Authorization" not in (await resp.json())["headers"]


async def test_netrc_with_trust_env(
    base: URL, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login nl password np\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    async with (
        ClientSession(trust_env=True) as session,
        session.get(base / "echo") as resp,
    ):
        assert (await resp.json())["headers"]["Authorization"] == _basic("nl", "np")
    async with ClientSession() as session, session.get(base / "echo") as resp:
        assert "Authorization" not in (await resp.json())["headers"]


async def test_default_jar_refuses_cookies_of_an_ip_host(base: URL) -> None:
    # As aiohttp's jar: cookies of an IP host are kept only when unsafe.
    async with ClientSession() as session:
        async with session.get(base / "set") as resp:
            assert resp.cookies["session"].value == "abc123"
        async with session.get(base / "echo") as resp:
            assert "Cookie" not in (await resp.json())["headers"]
        assert len(session.cookie_jar) == 0


async def test_unsafe_jar_keeps_ip_cookies(base: URL) -> None:
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as session:
        async with session.get(base / "set") as resp:
            await resp.read()
        async with session.get(base / "echo") as resp:
            cookie = (await resp.json())["headers"]["Cookie"]
        assert cookie == "session=abc123"
        assert len(session.cookie_jar) == 2


async def test_request_cookies_and_session_cookies(base: URL) -> None:
    jar = CookieJar(unsafe=True)
    async with (
        ClientSession(cookie_jar=jar, cookies={"s": "1"}) as session,
        session.get(base / "echo", cookies={"r": "2"}) as resp,
    ):
        cookie = (await resp.json())["headers"]["Cookie"]
    assert sorted(cookie.split("; ")) == ["r=2", "s=1"]


async def test_dummy_jar_stores_nothing(base: URL) -> None:
    async with ClientSession(cookie_jar=DummyCookieJar()) as session:
        async with session.get(base / "set") as resp:
            await resp.read()
        async with session.get(base / "echo") as resp:
            assert "Cookie" not in (await resp.json())["headers"]
