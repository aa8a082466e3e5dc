"""Fixtures for the application and routing tests.

The request class of the HTTP layer is not part of these tests: routing is
written against the :class:`~aioweb.web.RoutableRequest` protocol, and
``make_request`` builds a minimal object that satisfies it. That object is
kept on purpose instead of aioweb-testkit's ``make_mocked_request`` (a full
:class:`~aioweb.web.Request`): it shows that routing needs nothing more than
the protocol, and it records what the expect handler writes and drains.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aioweb.web import Application, ChainMapProxy, UrlMappingMatchInfo
from aioweb.web.chain_map import config_dict


class RecordingWriter:
    """Keeps what the expect handler writes."""

    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.drains = 0

    async def write(self, chunk: bytes) -> None:
        self.written.append(chunk)

    async def drain(self) -> None:
        self.drains += 1


class FakeRequest:
    """The smallest object that satisfies ``RoutableRequest``."""

    def __init__(
        self,
        method: str,
        target: str | URL,
        headers: dict[str, str] | None = None,
        version: tuple[int, int] = (1, 1),
    ) -> None:
        self._method = method
        if isinstance(target, str):
            # Origin-form (RFC 9112 §3.2.1): "//x" is a path, not a host.
            path, _, query = target.partition("?")
            target = URL.build(path=path, query_string=query, encoded=True)
        self._rel_url = target
        self._headers = CIMultiDictProxy(CIMultiDict(headers or {}))
        self._version = version
        self._writer = RecordingWriter()
        self._match_info: UrlMappingMatchInfo | None = None

    @property
    def method(self) -> str:
        return self._method

    @property
    def rel_url(self) -> URL:
        return self._rel_url

    @property
    def path(self) -> str:
        return self._rel_url.path

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        return self._headers

    @property
    def version(self) -> tuple[int, int]:
        return self._version

    @property
    def writer(self) -> RecordingWriter:
        return self._writer

    @property
    def match_info(self) -> UrlMappingMatchInfo:
        assert self._match_info is not None
        return self._match_info

    @match_info.setter
    def match_info(self, value: UrlMappingMatchInfo) -> None:
        self._match_info = value

    @property
    def app(self) -> Application:
        return self.match_info.current_app

    @property
    def config_dict(self) -> ChainMapProxy:
        return config_dict(self.match_info.apps, self.match_info.current_app)

    def clone(self, *, rel_url: URL | str) -> FakeRequest:
        return FakeRequest(
            self._method, rel_url, dict(self._headers), version=self._version
        )


@pytest.fixture
def make_request() -> Callable[..., Any]:
    """``make_request("GET", "/path", headers={...})`` → a routable request."""
    return FakeRequest


async def _ok(request: Any) -> str:
    return "ok"


@pytest.fixture
def handler() -> Callable[..., Any]:
    """A coroutine handler returning ``"ok"``."""
    return _ok
