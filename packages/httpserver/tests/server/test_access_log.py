"""The access log: aiohttp's format specifiers, on real requests."""

from __future__ import annotations

import logging
import os
import re
from typing import Any

import pytest

from aioweb import web


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records() -> Any:
    logger = logging.getLogger("test.access")
    handler = _Records()
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, handler.records
    logger.removeHandler(handler)


async def _hit(serve_app: Any, raw: Any, logger: logging.Logger, fmt: str) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="hello", headers={"X-Out": "out-value"})

    app = web.Application()
    app.router.add_get("/path", handler)
    served = await serve_app(app, access_log=logger, access_log_format=fmt)
    conn = await raw(served.port)
    await conn.send(
        b"GET /path?q=1 HTTP/1.1\r\nHost: x\r\nReferer: http://ref/\r\n"
        b"User-Agent: tester/1\r\n\r\n"
    )
    await conn.read_response()
    await conn.close()


async def test_default_format(serve_app: Any, raw: Any, records: Any) -> None:
    logger, seen = records
    await _hit(serve_app, raw, logger, web.AccessLogger.LOG_FORMAT)
    assert len(seen) == 1
    line = seen[0].getMessage()
    assert re.fullmatch(
        r"127\.0\.0\.1 \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "
        r'"GET /path\?q=1 HTTP/1\.1" 200 \d+ "http://ref/" "tester/1"',
        line,
    ), line
    size = int(line.split('" 200 ')[1].split()[0])
    assert size > len("hello")  # the head is counted too


async def test_every_specifier(serve_app: Any, raw: Any, records: Any) -> None:
    logger, seen = records
    os.environ["AIOWEB_TEST_ENV"] = "env-value"
    try:
        await _hit(
            serve_app,
            raw,
            logger,
            "%a|%P|%r|%s|%b|%T|%Tf|%D|%{User-Agent}i|%{X-Out}o|%{X-None}i"
            "|%{AIOWEB_TEST_ENV}e|100%%",
        )
    finally:
        del os.environ["AIOWEB_TEST_ENV"]
    fields = seen[0].getMessage().split("|")
    assert fields[0] == "127.0.0.1"
    assert fields[1] == f"<{os.getpid()}>"
    assert fields[2] == "GET /path?q=1 HTTP/1.1"
    assert fields[3] == "200"
    assert int(fields[4]) > 0
    assert fields[5] == "0"
    assert re.fullmatch(r"\d+\.\d{6}", fields[6])
    assert int(fields[7]) >= 0
    assert fields[8:] == ["tester/1", "out-value", "-", "env-value", "100%"]
    record = seen[0]
    assert record.first_request_line == "GET /path?q=1 HTTP/1.1"  # type: ignore[attr-defined]
    assert record.request_header == {"User-Agent": "tester/1", "X-None": "-"}  # type: ignore[attr-defined]
    assert record.response_header == {"X-Out": "out-value"}  # type: ignore[attr-defined]


async def test_access_log_none_disables(serve_app: Any, raw: Any, records: Any) -> None:
    _, seen = records

    async def handler(request: web.Request) -> web.Response:
        return web.Response()

    app = web.Application()
    app.router.add_get("/", handler)
    served = await serve_app(app, access_log=None)
    conn = await raw(served.port)
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await conn.read_response()
    assert seen == []


async def test_custom_access_log_class(serve_app: Any, raw: Any, records: Any) -> None:
    logger, _ = records
    lines: list[str] = []

    class Mine(web.AbstractAccessLogger):
        def log(self, request: Any, response: Any, time: float) -> None:
            lines.append(f"{request.method} {request.path} {response.status}")

    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=201)

    app = web.Application()
    app.router.add_get("/x", handler)
    served = await serve_app(app, access_log=logger, access_log_class=Mine)
    conn = await raw(served.port)
    await conn.send(b"GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
    await conn.read_response()
    await conn.close()
    assert lines == ["GET /x 201"]


def test_a_failing_item_is_logged_not_raised(records: Any) -> None:
    logger, seen = records

    class Broken:
        @property
        def headers(self) -> Any:
            raise RuntimeError("boom")

    access = web.AccessLogger(logger, "%{X}i")
    access.log(Broken(), Broken(), 0.1)  # type: ignore[arg-type]
    assert seen[0].getMessage() == "Error in logging"
