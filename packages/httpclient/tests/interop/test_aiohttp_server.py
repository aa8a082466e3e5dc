"""The client against aiohttp's server (``aiohttp.web``): what it sends.

Query strings, bodies (bytes, form, multipart with files, JSON, chunked from
an async generator), ``Expect: 100-continue``, redirects, cookies and
keep-alive. aiohttp's own runner serves the application (the
``aiohttp_server`` fixture); it reports what it received (method, headers,
the client's port) in ``X-*`` response headers or a JSON body, so each test
checks both ends of the wire. Responses and WebSockets have their own
modules.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import BodyPartReader
from aiohttp import web as aw
from yarl import URL

from aioweb.client import (
    ClientSession,
    CookieJar,
    FormData,
    TCPConnector,
    TooManyRedirects,
)

pytestmark = pytest.mark.interop

UPLOAD = random.Random(7).randbytes(1 << 20)  # aperiodic: no offset can fake it
REDIRECTS: dict[int, type[aw.HTTPMove]] = {
    301: aw.HTTPMovedPermanently,
    302: aw.HTTPFound,
    303: aw.HTTPSeeOther,
    307: aw.HTTPTemporaryRedirect,
    308: aw.HTTPPermanentRedirect,
}
#: Body bytes aiohttp had received when it sent 100 Continue, by client port.
BEFORE_CONTINUE = aw.AppKey("before_continue", dict[int, int])


def peer_port(request: aw.Request) -> int:
    assert request.transport is not None
    return int(request.transport.get_extra_info("peername")[1])


def facts(request: aw.Request) -> dict[str, str]:
    """What the server saw of a request's head, as response headers."""
    seen = request.headers
    return {
        "X-Method": request.method,
        "X-Content-Type": seen.get("Content-Type", ""),
        "X-Content-Length": seen.get("Content-Length", ""),
        "X-Transfer-Encoding": seen.get("Transfer-Encoding", ""),
        "X-Connection": seen.get("Connection", ""),
        "X-Accept-Encoding": seen.get("Accept-Encoding", ""),
        "X-Peer-Port": str(peer_port(request)),
        "X-Before-Continue": str(
            request.app[BEFORE_CONTINUE].pop(peer_port(request), "")
        ),
    }


async def echo(request: aw.Request) -> aw.Response:
    body = await request.read()
    return aw.Response(body=body, headers=facts(request))


async def query(request: aw.Request) -> aw.Response:
    return aw.json_response(
        {"pairs": list(request.query.items()), "raw": request.raw_path}
    )


async def form(request: aw.Request) -> aw.Response:
    fields = await request.post()
    pairs = [[name, value] for name, value in fields.items()]
    return aw.json_response(pairs, headers=facts(request))


async def multipart(request: aw.Request) -> aw.Response:
    parts = []
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        assert isinstance(part, BodyPartReader)
        data = await part.read(decode=False)
        parts.append(
            {
                "name": part.name,
                "filename": part.filename,
                "type": part.headers.get("Content-Type"),
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
            }
        )
    return aw.json_response(parts, headers=facts(request))


async def json_echo(request: aw.Request) -> aw.Response:
    received = await request.json()
    return aw.json_response({"received": received, "type": request.content_type})


async def set_cookies(request: aw.Request) -> aw.Response:
    response = aw.Response(text="set")
    response.set_cookie("session", "s3cr3t", httponly=True)
    response.set_cookie("scoped", "only-here", path="/cookies/scoped")
    response.set_cookie("gone", "soon")
    return response


async def clear_cookie(request: aw.Request) -> aw.Response:
    response = aw.Response(text="cleared")
    response.del_cookie("gone")
    return response


async def echo_cookies(request: aw.Request) -> aw.Response:
    return aw.json_response(dict(request.cookies))


async def redirect(request: aw.Request) -> aw.Response:
    raise REDIRECTS[int(request.match_info["status"])](location="/echo")


async def chain(request: aw.Request) -> aw.Response:
    left = int(request.match_info["left"])
    raise aw.HTTPFound(location=f"/chain/{left - 1}" if left else "/echo")


async def watch_before_continue(request: aw.Request) -> None:
    # A client that waits for 100 has sent none of the body yet, so none can
    # have reached aiohttp's body stream in the meantime (RFC 9110 §10.1.1).
    await asyncio.sleep(0.2)
    request.app[BEFORE_CONTINUE][peer_port(request)] = request.content.total_bytes
    await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    request.writer.output_size = 0


async def refuse_expectation(request: aw.Request) -> None:
    raise aw.HTTPExpectationFailed(text="no thanks")


def make_app() -> aw.Application:
    app = aw.Application(client_max_size=16 << 20)
    app[BEFORE_CONTINUE] = {}
    router = app.router
    router.add_route("*", "/echo", echo)
    router.add_post("/expect", echo, expect_handler=watch_before_continue)
    router.add_post("/expect-refused", echo, expect_handler=refuse_expectation)
    router.add_get("/query", query)
    router.add_post("/form", form)
    router.add_post("/multipart", multipart)
    router.add_post("/json", json_echo)
    router.add_get("/cookies/set", set_cookies)
    router.add_get("/cookies/clear", clear_cookie)
    router.add_get("/cookies/echo", echo_cookies)
    router.add_get("/cookies/scoped/echo", echo_cookies)
    router.add_route("*", "/redirect/{status}", redirect)
    router.add_get("/chain/{left}", chain)
    return app


@pytest.fixture
async def aiohttp_url(
    aiohttp_server: Callable[[aw.Application], Awaitable[URL]],
) -> URL:
    return await aiohttp_server(make_app())


# -- requests and their bodies ------------------------------------------------


async def test_get_with_query_params(aiohttp_url: URL) -> None:
    params = [("a", "1"), ("a", "2"), ("odd", "x y&z=+/?é"), ("empty", "")]
    async with ClientSession() as session:
        url = aiohttp_url.with_path("/query").with_query(pre="0")
        async with session.get(url, params=params) as response:
            assert response.status == 200
            answer = await response.json()
    assert answer["pairs"] == [["pre", "0"], *map(list, params)]
    assert answer["raw"].startswith("/query?pre=0&a=1&a=2&odd=")


async def test_post_bytes(aiohttp_url: URL) -> None:
    payload = bytes(range(256)) * 40
    async with (
        ClientSession() as session,
        session.post(aiohttp_url / "echo", data=payload) as response,
    ):
        assert await response.read() == payload
        assert response.headers["X-Content-Length"] == str(len(payload))
        assert response.headers["X-Content-Type"] == "application/octet-stream"
        assert response.headers["X-Transfer-Encoding"] == ""


async def test_post_form(aiohttp_url: URL) -> None:
    fields = {"name": "Ünïcode & co", "n": "42", "empty": ""}
    async with (
        ClientSession() as session,
        session.post(aiohttp_url / "form", data=fields) as response,
    ):
        assert await response.json() == [[k, v] for k, v in fields.items()]
        assert response.headers["X-Content-Type"] == "application/x-www-form-urlencoded"


async def test_post_multipart_with_files(aiohttp_url: URL, tmp_path: Path) -> None:
    in_memory = bytes(range(256)) * 300
    on_disk = random.Random(3).randbytes(300_000)
    path = tmp_path / "upload.bin"
    path.write_bytes(on_disk)
    with path.open("rb") as file:
        form_data = FormData()
        form_data.add_field("title", "two files")
        form_data.add_field(
            "blob", io.BytesIO(in_memory), filename="a.dat", content_type="x/test"
        )
        form_data.add_field("upload", file, filename="upload.bin")
        async with (
            ClientSession() as session,
            session.post(aiohttp_url / "multipart", data=form_data) as response,
        ):
            parts = await response.json()
            content_type = response.headers["X-Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    assert [(p["name"], p["filename"], p["size"]) for p in parts] == [
        ("title", None, len("two files")),
        ("blob", "a.dat", len(in_memory)),
        ("upload", "upload.bin", len(on_disk)),
    ]
    assert parts[1]["type"] == "x/test"
    assert parts[1]["sha256"] == hashlib.sha256(in_memory).hexdigest()
    assert parts[2]["sha256"] == hashlib.sha256(on_disk).hexdigest()


async def test_post_a_file_in_a_dict_goes_as_multipart(
    aiohttp_url: URL, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"line\n" * 1000)
    with path.open("rb") as file:
        async with (
            ClientSession() as session,
            session.post(
                aiohttp_url / "multipart", data={"who": "me", "notes": file}
            ) as response,
        ):
            parts = await response.json()
    assert [(p["name"], p["filename"], p["size"]) for p in parts] == [
        ("who", None, 2),
        ("notes", "notes.txt", 5000),
    ]


async def test_post_an_open_file_with_its_length(
    aiohttp_url: URL, tmp_path: Path
) -> None:
    path = tmp_path / "body.bin"
    path.write_bytes(UPLOAD)
    with path.open("rb") as file:
        async with (
            ClientSession() as session,
            session.post(aiohttp_url / "echo", data=file) as response,
        ):
            assert await response.read() == UPLOAD
            assert response.headers["X-Content-Length"] == str(len(UPLOAD))
            assert response.headers["X-Transfer-Encoding"] == ""


async def test_post_text_is_utf8(aiohttp_url: URL) -> None:
    async with (
        ClientSession() as session,
        session.post(aiohttp_url / "echo", data="naïve ☃") as response,
    ):
        assert await response.read() == "naïve ☃".encode()
        assert response.headers["X-Content-Type"] == "text/plain; charset=utf-8"


async def test_post_json(aiohttp_url: URL) -> None:
    document = {"n": 1, "list": [1, 2.5, None, True], "text": "é✓", "nested": {}}
    async with (
        ClientSession() as session,
        session.post(aiohttp_url / "json", json=document) as response,
    ):
        assert await response.json() == {
            "received": document,
            "type": "application/json",
        }


async def test_chunked_request_body_from_an_async_generator(aiohttp_url: URL) -> None:
    async def generate() -> AsyncIterator[bytes]:
        for start in range(0, 1 << 20, 65536):
            yield UPLOAD[start : start + 65536]
            await asyncio.sleep(0)

    async with (
        ClientSession() as session,
        session.post(aiohttp_url / "echo", data=generate()) as response,
    ):
        assert await response.read() == UPLOAD
        assert response.headers["X-Transfer-Encoding"] == "chunked"
        assert response.headers["X-Content-Length"] == ""


# -- cookies ------------------------------------------------------------------


async def test_cookies_set_by_the_server_are_sent_back(aiohttp_url: URL) -> None:
    # 127.0.0.1 is an IP address: only an unsafe jar keeps its cookies.
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as session:
        async with session.get(aiohttp_url / "cookies" / "set") as response:
            assert response.cookies["session"].value == "s3cr3t"
            assert response.cookies["session"]["httponly"] is True
            assert response.cookies["scoped"]["path"] == "/cookies/scoped"
        async with session.get(aiohttp_url / "cookies" / "echo") as response:
            assert await response.json() == {"session": "s3cr3t", "gone": "soon"}
        url = aiohttp_url / "cookies" / "scoped" / "echo"
        async with session.get(url) as response:
            assert await response.json() == {
                "session": "s3cr3t",
                "scoped": "only-here",
                "gone": "soon",
            }
        async with session.get(aiohttp_url / "cookies" / "clear") as response:
            assert response.cookies["gone"]["max-age"] == "0"
        async with session.get(aiohttp_url / "cookies" / "echo") as response:
            assert await response.json() == {"session": "s3cr3t"}
        assert {c.key for c in session.cookie_jar} == {"session", "scoped"}


async def test_default_jar_keeps_no_cookie_of_an_ip_host(aiohttp_url: URL) -> None:
    async with ClientSession() as session:
        async with session.get(aiohttp_url / "cookies" / "set") as response:
            assert set(response.cookies) == {"session", "scoped", "gone"}
        async with session.get(aiohttp_url / "cookies" / "echo") as response:
            assert await response.json() == {}
        assert len(session.cookie_jar) == 0


# -- redirects ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "method", "then", "body_kept"),
    [
        (301, "POST", "GET", False),
        (302, "POST", "GET", False),
        (303, "POST", "GET", False),
        (303, "PUT", "GET", False),
        (307, "POST", "POST", True),
        (308, "POST", "POST", True),
        (301, "PUT", "PUT", True),
        (302, "PATCH", "PATCH", True),
        (307, "DELETE", "DELETE", True),
    ],
)
async def test_redirect_method_and_body_rules(
    aiohttp_url: URL, code: int, method: str, then: str, body_kept: bool
) -> None:
    """RFC 9110 §15.4: only 301/302 from POST, and 303, become a GET."""
    payload = b"the body" * 100
    url = aiohttp_url / "redirect" / str(code)
    async with (
        ClientSession() as session,
        session.request(method, url, data=payload) as response,
    ):
        assert response.status == 200
        assert response.url == aiohttp_url / "echo"
        assert response.method == then
        assert response.headers["X-Method"] == then
        assert [(r.status, r.url, r.method) for r in response.history] == [
            (code, url, method)
        ]
        body = await response.read()
        if body_kept:
            assert body == payload
            assert response.headers["X-Content-Length"] == str(len(payload))
            assert response.headers["X-Content-Type"] == "application/octet-stream"
        else:
            assert body == b""
            assert response.headers["X-Content-Length"] == ""
            assert response.headers["X-Content-Type"] == ""


async def test_head_stays_head_through_a_303(aiohttp_url: URL) -> None:
    async with (
        ClientSession() as session,
        session.head(aiohttp_url / "redirect" / "303", allow_redirects=True) as resp,
    ):
        assert (resp.status, resp.headers["X-Method"]) == (200, "HEAD")
        assert [r.status for r in resp.history] == [303]


async def test_redirect_chain_history_and_limits(aiohttp_url: URL) -> None:
    async with ClientSession() as session:
        async with session.get(aiohttp_url / "chain" / "3") as response:
            assert response.url == aiohttp_url / "echo"
            assert [r.url.path for r in response.history] == [
                "/chain/3",
                "/chain/2",
                "/chain/1",
                "/chain/0",
            ]
            assert {r.status for r in response.history} == {302}
        with pytest.raises(TooManyRedirects) as caught:
            await session.get(aiohttp_url / "chain" / "3", max_redirects=2)
        assert [r.url.path for r in caught.value.history] == ["/chain/3", "/chain/2"]
        async with session.get(
            aiohttp_url / "chain" / "0", allow_redirects=False
        ) as response:
            assert (response.status, response.headers["Location"]) == (302, "/echo")
            assert response.history == ()


# -- connections --------------------------------------------------------------


async def test_keep_alive_reuses_one_connection(aiohttp_url: URL) -> None:
    async with ClientSession() as session:
        ports = []
        for i in range(6):
            method = ("GET", "POST")[i % 2]
            async with session.request(
                method, aiohttp_url / "echo", data=b"%d" % i if i % 2 else None
            ) as response:
                assert await response.read() == (b"%d" % i if i % 2 else b"")
                assert response.headers["X-Connection"] == ""
                ports.append(response.headers["X-Peer-Port"])
    assert len(set(ports)) == 1


async def test_concurrent_requests_share_the_limited_connections(
    aiohttp_url: URL,
) -> None:
    async with ClientSession(connector=TCPConnector(limit=3)) as session:

        async def post(i: int) -> tuple[bytes, str]:
            async with session.post(aiohttp_url / "echo", data=b"%d" % i) as response:
                return await response.read(), response.headers["X-Peer-Port"]

        results = await asyncio.gather(*(post(i) for i in range(40)))
    assert [body for body, _ in results] == [b"%d" % i for i in range(40)]
    assert 1 <= len({port for _, port in results}) <= 3


async def test_force_close_opens_a_connection_per_request(aiohttp_url: URL) -> None:
    async with ClientSession(connector=TCPConnector(force_close=True)) as session:
        ports = []
        for _ in range(3):
            async with session.get(aiohttp_url / "echo") as response:
                ports.append(response.headers["X-Peer-Port"])
    assert ports[0] != ports[1] != ports[2]


async def test_expect_100_continue_waits_for_the_server(aiohttp_url: URL) -> None:
    payload = b"sent after 100 only " * 1000
    async with ClientSession() as session:
        async with session.post(
            aiohttp_url / "expect", data=payload, expect100=True
        ) as response:
            assert await response.read() == payload
            assert response.headers["X-Before-Continue"] == "0"
        # The client's Expect header is what made aiohttp call the handler.
        async with session.post(aiohttp_url / "expect", data=payload) as response:
            assert await response.read() == payload
            assert response.headers["X-Before-Continue"] == ""


async def test_refused_expectation_is_a_417_and_the_session_goes_on(
    aiohttp_url: URL,
) -> None:
    async with ClientSession() as session:
        async with session.post(
            aiohttp_url / "expect-refused", data=b"never sent" * 1000, expect100=True
        ) as response:
            assert response.status == 417
            assert await response.text() == "no thanks"
        # Whatever became of that connection, the session still works.
        async with session.post(aiohttp_url / "echo", data=b"next") as response:
            assert await response.read() == b"next"
